import { VALIDATION_RULES, type FieldError } from '../common/field-error';
import { CLOUD_EVENT_ATTRIBUTES, CLOUDEVENTS_ATTRIBUTE_NAME_PATTERN } from './cloud-event';

const KNOWN_ATTRIBUTES: ReadonlySet<string> = new Set(CLOUD_EVENT_ATTRIBUTES);

function isExtensionValue(value: unknown): boolean {
  return (
    value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
  );
}

function nameHint(name: string): string {
  const lowercase = name.toLowerCase();
  if (KNOWN_ATTRIBUTES.has(lowercase)) {
    return ` (did you mean ${lowercase}?)`;
  }
  if (name === 'data_base64') {
    return ' (opsline takes JSON data only)';
  }
  return '';
}

/**
 * Checks the attributes of a raw event that opsline does not define. CloudEvents lets producers
 * add extension attributes (`traceparent`, …) and tells consumers to tolerate them, so one with a
 * valid name (lowercase letters and digits) and a scalar value is accepted and passed on. Any
 * other name — `correlationId`, `Time`, `data_base64` — is refused with rule `whitelist`, so a
 * mis-cased attribute is named instead of silently ignored.
 */
export function findExtensionAttributeErrors(raw: Readonly<Record<string, unknown>>): FieldError[] {
  const errors: FieldError[] = [];
  for (const name of Object.keys(raw)) {
    if (KNOWN_ATTRIBUTES.has(name)) {
      continue;
    }
    if (!CLOUDEVENTS_ATTRIBUTE_NAME_PATTERN.test(name)) {
      errors.push({
        field: name,
        rule: VALIDATION_RULES.whitelist,
        message: `${name} is not a CloudEvents attribute: names are lowercase letters and digits${nameHint(name)}`,
      });
    } else if (!isExtensionValue(raw[name])) {
      errors.push({
        field: name,
        rule: VALIDATION_RULES.extensionValue,
        message: `${name} is an extension attribute and must be a string, number or boolean`,
      });
    }
  }
  return errors;
}
