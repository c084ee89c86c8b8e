import { VALIDATION_RULES } from '@opsline/contracts';
import { ValidationTypes, type ValidationError } from 'class-validator';
import type { FieldError } from './domain-error';

/**
 * Flattens class-validator's nested `ValidationError` tree into one {@link FieldError} per failed
 * constraint, with dotted paths (`lines.0.quantity`). Message texts are class-validator's own.
 */
export function validationErrorsToFields(errors: readonly ValidationError[], parentPath = ''): FieldError[] {
  const fields: FieldError[] = [];
  for (const error of errors) {
    const field = parentPath === '' ? error.property : `${parentPath}.${error.property}`;
    for (const [rule, message] of Object.entries(error.constraints ?? {})) {
      // under the rule name the event validation gives a field its class does not declare; a
      // misspelt query filter (`?stauts=SHIPPED`) is refused, not dropped to answer every order
      if (rule === ValidationTypes.WHITELIST)
        fields.push({
          field,
          rule: VALIDATION_RULES.whitelist,
          message: `${field} is not a parameter or field this endpoint takes`,
        });
      else fields.push({ field, rule, message });
    }
    if (error.children !== undefined && error.children.length > 0) {
      fields.push(...validationErrorsToFields(error.children, field));
    }
  }
  return fields;
}
