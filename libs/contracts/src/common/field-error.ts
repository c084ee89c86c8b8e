import type { ValidationError } from 'class-validator';

/**
 * One reason an event was refused, stable enough to show a sender (HTTP 400/422 body) or put in
 * a dead-letter header.
 */
export interface FieldError {
  /** JSON path of the offending value: `data.lines[1].quantity`, `time`, `[3].type`, `(body)`. */
  readonly field: string;
  /** The failed rule: `isDefined`, `isInt`, `min`, `isIn`, `whitelist`, `unknownType`, `json`, … */
  readonly rule: string;
  /** A sentence for people, naming the field. */
  readonly message: string;
}

/** The `field` of an error about the message as a whole (not JSON, not an object, empty batch). */
export const BODY_FIELD = '(body)';

/** Rules reported by the validator itself rather than by a field decorator. */
export const VALIDATION_RULES = {
  /** The bytes are not UTF-8 JSON. */
  json: 'json',
  /** The value must be a JSON object (an event, `data`, a line). */
  isObject: 'isObject',
  /** A batch must be a JSON array. */
  isArray: 'isArray',
  /** A batch must not be empty. */
  arrayNotEmpty: 'arrayNotEmpty',
  /** A field that the type does not define, or an invalid CloudEvents attribute name. */
  whitelist: 'whitelist',
  /** An extension attribute whose value is not a string, number or boolean. */
  extensionValue: 'extensionValue',
  /** `type` is not a registered event type. */
  unknownType: 'unknownType',
  /** `type` is registered but not accepted here (another topic's event). */
  typeNotAccepted: 'typeNotAccepted',
  /** The event nests objects or arrays deeper than any event type allows. */
  maxDepth: 'maxDepth',
} as const;

/** class-validator constraint names that read better under another rule name. */
const RULE_ALIASES: Readonly<Record<string, string>> = {
  whitelistValidation: VALIDATION_RULES.whitelist,
  nestedValidation: VALIDATION_RULES.isObject,
  unknownValue: VALIDATION_RULES.isObject,
};

const ARRAY_INDEX = /^\d+$/;

/** Rules saying a value has the wrong shape altogether. */
const SHAPE_RULES: ReadonlySet<string> = new Set(['isArray', 'isObject', 'isDefined']);

/** `parent` + `property` as a JSON path: `data` + `lines` → `data.lines`, `data.lines` + `1` → `data.lines[1]`. */
export function joinFieldPath(parent: string, property: string): string {
  if (ARRAY_INDEX.test(property)) {
    return `${parent}[${property}]`;
  }
  return parent === '' ? property : `${parent}.${property}`;
}

/** Prefixes an error's field, for an event inside a batch: `[3]` + `data.lines[0].sku` → `[3].data.lines[0].sku`. */
export function prefixFieldError(prefix: string, error: FieldError): FieldError {
  const field = error.field === BODY_FIELD ? prefix : `${prefix}.${error.field}`;
  const namesField = error.message.startsWith(`${error.field} `);
  return {
    ...error,
    field,
    message: namesField ? field + error.message.slice(error.field.length) : error.message,
  };
}

function messageFor(rule: string, message: string, property: string, field: string, owner: string): string {
  if (rule === VALIDATION_RULES.whitelist) {
    return `${field} is not a field of ${owner}`;
  }
  if (rule === VALIDATION_RULES.isObject) {
    return `${field} must be a JSON object`;
  }
  return message.startsWith(`${property} `) ? field + message.slice(property.length) : `${field}: ${message}`;
}

/**
 * Flattens class-validator's error tree into one {@link FieldError} per offending value, under
 * `basePath`. Of a value's failed constraints only the first is reported: decorators run
 * presence, then type, then range, so that is the one worth fixing first. `owner` names what
 * was validated (`opsline.order.placed.v1 data`) in messages about fields it does not define.
 */
export function toFieldErrors(
  errors: readonly ValidationError[],
  basePath: string,
  owner: string,
): FieldError[] {
  const fieldErrors: FieldError[] = [];
  const visit = (nodes: readonly ValidationError[], parentPath: string): void => {
    for (const node of nodes) {
      const field = joinFieldPath(parentPath, node.property);
      const firstConstraint = node.constraints ? Object.entries(node.constraints)[0] : undefined;
      let rule: string | undefined;
      if (firstConstraint) {
        const [constraint, message] = firstConstraint;
        rule = RULE_ALIASES[constraint] ?? constraint;
        fieldErrors.push({ field, rule, message: messageFor(rule, message, node.property, field, owner) });
      }
      // Lines given as one object are refused as `isArray`; what is wrong inside them is noise.
      if (node.children && node.children.length > 0 && !SHAPE_RULES.has(rule ?? '')) {
        visit(node.children, field);
      }
    }
  };
  visit(errors, basePath);
  return fieldErrors;
}
