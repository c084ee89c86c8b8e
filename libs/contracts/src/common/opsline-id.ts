import { ValidateBy } from 'class-validator';

import { composePropertyDecorators } from './compose-decorators';
import { IsRequired } from './required';

/** Sender-chosen identifier (`ORD-1001`, `RMA-77`, `WH-1`, `SKU-42`): 1..64 characters of `[A-Za-z0-9._:-]`. */
export const OPSLINE_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

/** Rule name reported when a value is not an opsline id. */
export const OPSLINE_ID_RULE = 'isOpslineId';

/** A string in the opsline id format (see {@link OPSLINE_ID_PATTERN}). */
export type OpslineId = string;

/** True when `value` is a string in the opsline id format. */
export function isOpslineId(value: unknown): value is OpslineId {
  return typeof value === 'string' && OPSLINE_ID_PATTERN.test(value);
}

/** Required opsline id (`ORD-1001`): 1..64 characters of `[A-Za-z0-9._:-]`. Rule `isOpslineId`. */
export function IsOpslineId(): PropertyDecorator {
  return composePropertyDecorators(
    IsRequired(),
    ValidateBy({
      name: OPSLINE_ID_RULE,
      validator: {
        validate: (value: unknown): boolean => isOpslineId(value),
        defaultMessage: (args) => `${args?.property} must be an id of 1..64 characters of [A-Za-z0-9._:-]`,
      },
    }),
  );
}
