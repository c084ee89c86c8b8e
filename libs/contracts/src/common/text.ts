import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

import { composePropertyDecorators } from './compose-decorators';
import { IsRequired } from './required';

/** Required free text of 1..`maxLength` characters. Rules `isString`, `isNotEmpty`, `maxLength`. */
export function IsText(maxLength: number): PropertyDecorator {
  return composePropertyDecorators(
    IsRequired(),
    IsString(),
    IsNotEmpty({ message: (args) => `${args.property} must not be empty` }),
    MaxLength(maxLength),
  );
}
