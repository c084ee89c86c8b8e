import { IsInt, Max, Min, NotEquals } from 'class-validator';

import { composePropertyDecorators } from './compose-decorators';
import { IsRequired } from './required';

/**
 * Largest quantity of units in one field: 2^31 − 1, so a quantity always fits a PostgreSQL
 * `integer` column and quantity × unitPriceMinor stays exact in a `bigint`.
 */
export const MAX_QUANTITY = 2_147_483_647;

/** Required count of units: an integer, 1 ≤ quantity ≤ 2^31 − 1. Rules `isInt`, `min`, `max`. */
export function IsQuantity(): PropertyDecorator {
  return composePropertyDecorators(
    IsRequired(),
    IsInt({ message: (args) => `${args.property} must be an integer number of units` }),
    Min(1),
    Max(MAX_QUANTITY),
  );
}

/** Required count that may be zero (a cycle count): an integer, 0 ≤ n ≤ 2^31 − 1. Rules `isInt`, `min`, `max`. */
export function IsNonNegativeQuantity(): PropertyDecorator {
  return composePropertyDecorators(
    IsRequired(),
    IsInt({ message: (args) => `${args.property} must be an integer number of units` }),
    Min(0),
    Max(MAX_QUANTITY),
  );
}

/**
 * Required signed change in units: an integer other than 0, |delta| ≤ 2^31 − 1.
 * Rules `isInt`, `notEquals`, `min`, `max`.
 */
export function IsQuantityDelta(): PropertyDecorator {
  return composePropertyDecorators(
    IsRequired(),
    IsInt({ message: (args) => `${args.property} must be an integer number of units` }),
    NotEquals(0, { message: (args) => `${args.property} must not be 0` }),
    Min(-MAX_QUANTITY),
    Max(MAX_QUANTITY),
  );
}
