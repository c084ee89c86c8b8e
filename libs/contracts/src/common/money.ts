import { IsInt, Max, Min, ValidateBy } from 'class-validator';

import { composePropertyDecorators } from './compose-decorators';
import { IsRequired } from './required';

/**
 * Largest amount in minor units: beyond 2^53 − 1 a JSON number no longer holds an exact integer,
 * so a larger value could not be the amount the sender meant.
 */
export const MAX_MONEY_MINOR = Number.MAX_SAFE_INTEGER;

/** An ISO-4217 currency code: three uppercase letters (`EUR`, `USD`). */
export const CURRENCY_CODE_PATTERN = /^[A-Z]{3}$/;

/** Rule name reported when a value is not an ISO-4217 currency code. */
export const CURRENCY_CODE_RULE = 'isCurrencyCode';

/** An amount of money as an integer in minor units (`1999` = 19.99). */
export type MoneyMinor = number;

/** An ISO-4217 currency code, three uppercase letters. */
export type CurrencyCode = string;

/** Required amount in minor units: an integer, 0 ≤ amount ≤ 2^53 − 1. Rules `isInt`, `min`, `max`. */
export function IsMoneyMinor(): PropertyDecorator {
  return composePropertyDecorators(
    IsRequired(),
    IsInt({ message: (args) => `${args.property} must be an integer amount in minor units` }),
    Min(0),
    Max(MAX_MONEY_MINOR),
  );
}

/** True when `value` is three uppercase ASCII letters. */
export function isCurrencyCode(value: unknown): value is CurrencyCode {
  return typeof value === 'string' && CURRENCY_CODE_PATTERN.test(value);
}

/**
 * Required ISO-4217 currency code (`EUR`). Checked by shape (three uppercase letters), not
 * against the ISO list, so a newly issued code needs no release. Rule `isCurrencyCode`.
 */
export function IsCurrencyCode(): PropertyDecorator {
  return composePropertyDecorators(
    IsRequired(),
    ValidateBy({
      name: CURRENCY_CODE_RULE,
      validator: {
        validate: (value: unknown): boolean => isCurrencyCode(value),
        defaultMessage: (args) =>
          `${args?.property} must be an ISO-4217 currency code of three uppercase letters`,
      },
    }),
  );
}
