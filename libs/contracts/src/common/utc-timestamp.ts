import { ValidateBy } from 'class-validator';

import { composePropertyDecorators } from './compose-decorators';
import { IsRequired } from './required';

/** Exactly `YYYY-MM-DDTHH:mm:ss.sssZ`: UTC, with milliseconds, no other offset or precision. */
export const UTC_TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Rule name reported when a value is not a UTC timestamp with milliseconds. */
export const UTC_TIMESTAMP_RULE = 'isUtcTimestamp';

/** An ISO-8601 UTC timestamp with milliseconds, `2026-11-20T10:00:00.000Z`. */
export type UtcTimestamp = string;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number the ASCII digits at `start` spell (the pattern has checked they are digits). */
function digits(text: string, start: number, length: number): number {
  let number = 0;
  for (let i = start; i < start + length; i++) number = number * 10 + text.charCodeAt(i) - 48;
  return number;
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
}

/**
 * True when `value` is `YYYY-MM-DDTHH:mm:ss.sssZ` and names a real instant: `2026-02-30…`,
 * `2026-13-01…`, `…T24:00:00.000Z` and leap seconds (`:60`) are rejected, as `Date` would
 * roll them over instead. (Checked by arithmetic: this runs on every event.)
 */
export function isUtcTimestamp(value: unknown): value is UtcTimestamp {
  if (typeof value !== 'string' || !UTC_TIMESTAMP_PATTERN.test(value)) {
    return false;
  }
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    digits(value, 11, 2) <= 23 &&
    digits(value, 14, 2) <= 59 &&
    digits(value, 17, 2) <= 59
  );
}

/** Required UTC timestamp with milliseconds (`2026-11-20T10:00:00.000Z`). Rule `isUtcTimestamp`. */
export function IsUtcTimestamp(): PropertyDecorator {
  return composePropertyDecorators(
    IsRequired(),
    ValidateBy({
      name: UTC_TIMESTAMP_RULE,
      validator: {
        validate: (value: unknown): boolean => isUtcTimestamp(value),
        defaultMessage: (args) =>
          `${args?.property} must be a real UTC time with milliseconds, like 2026-11-20T10:00:00.000Z`,
      },
    }),
  );
}
