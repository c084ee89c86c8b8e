import type { FieldError } from '../common/field-error';

/** A validation outcome of any of the validator's entry points. */
export type AnyValidationResult =
  { readonly ok: true } | { readonly ok: false; readonly errors: FieldError[] };

/** The errors of a refused result; throws when the result was accepted, so a test fails saying so. */
export function errorsOf(result: AnyValidationResult): FieldError[] {
  if (result.ok) {
    throw new Error('expected the event to be refused, but it was accepted');
  }
  return result.errors;
}

/** `field` and `rule` of each error of a refused result, for compact assertions. */
export function refusalsOf(result: AnyValidationResult): Array<{ field: string; rule: string }> {
  return errorsOf(result).map(({ field, rule }) => ({ field, rule }));
}
