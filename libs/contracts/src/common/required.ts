import { IsDefined } from 'class-validator';

/** Rule name reported when a required field is missing or null. */
export const REQUIRED_RULE = 'isDefined';

/**
 * The field must be present and not null. Every opsline field decorator starts with it, so a
 * missing field is reported once as `isDefined` rather than as every constraint it then fails.
 * `@IsOptional()` on the same property skips it when the value is absent.
 */
export function IsRequired(): PropertyDecorator {
  return IsDefined({ message: (args) => `${args.property} is required` });
}
