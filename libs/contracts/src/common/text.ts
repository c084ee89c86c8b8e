import { IsNotEmpty, IsString, MaxLength, ValidateBy } from 'class-validator';

import { composePropertyDecorators } from './compose-decorators';
import { IsRequired } from './required';

/** Rule name reported for text PostgreSQL cannot store. */
export const STORABLE_TEXT_RULE = 'isStorableText';

/** A UTF-16 surrogate without its pair: no UTF-8 encoding exists for it. */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * True when `value` is a string every service can store: without U+0000 (PostgreSQL's text and
 * jsonb refuse it) and without unpaired surrogates (jsonb refuses their escapes, and UTF-8 has no
 * encoding for them). Accepting one would pass the edge and then fail every retry of the consumer.
 */
export function isStorableText(value: unknown): boolean {
  return typeof value === 'string' && !value.includes('\u0000') && !UNPAIRED_SURROGATE.test(value);
}

/** Why `field` was refused by {@link isStorableText}, in every edge's answer. */
export function unstorableTextMessage(field: string): string {
  return `${field} must not contain the character U+0000 or an unpaired UTF-16 surrogate (they cannot be stored)`;
}

/**
 * Required free text of 1..`maxLength` characters that PostgreSQL can store. Rules `isString`,
 * `isNotEmpty`, `maxLength`, `isStorableText`.
 */
export function IsText(maxLength: number): PropertyDecorator {
  return composePropertyDecorators(
    IsRequired(),
    IsString(),
    IsNotEmpty({ message: (args) => `${args.property} must not be empty` }),
    MaxLength(maxLength),
    ValidateBy({
      name: STORABLE_TEXT_RULE,
      validator: {
        validate: (value: unknown): boolean => typeof value !== 'string' || isStorableText(value),
        defaultMessage: (args) => unstorableTextMessage(args?.property ?? 'text'),
      },
    }),
  );
}
