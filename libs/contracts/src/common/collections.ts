import { Transform, Type } from 'class-transformer';
import { ArrayNotEmpty, IsArray, ValidateBy, ValidateNested } from 'class-validator';

import { composePropertyDecorators } from './compose-decorators';
import { IsRequired } from './required';

/** A class whose instances class-validator can check (no constructor arguments). */
export type ValidatedClass<T extends object = object> = new () => T;

const ITEM_CLASSES = new WeakMap<object, Map<string, () => ValidatedClass>>();

function rememberItemClass(itemClass: () => ValidatedClass): PropertyDecorator {
  return (prototype: object, propertyKey: string | symbol): void => {
    const byProperty = ITEM_CLASSES.get(prototype) ?? new Map<string, () => ValidatedClass>();
    byProperty.set(String(propertyKey), itemClass);
    ITEM_CLASSES.set(prototype, byProperty);
  };
}

/** The item class of a property declared with {@link IsNonEmptyArrayOf}, or undefined. */
export function itemClassOf(dataClass: ValidatedClass, property: string): ValidatedClass | undefined {
  return ITEM_CLASSES.get(dataClass.prototype)?.get(property)?.();
}

/** Rule name reported when two lines share a `lineId`. */
export const UNIQUE_LINE_IDS_RULE = 'uniqueLineIds';

/**
 * Required non-empty array of `itemClass` objects, each validated as that class (and turned into
 * an instance of it by `plainToInstance`). Rules `isArray`, `arrayNotEmpty`, then the items' own
 * rules at `field[i].…`; an item that is not an object is `isObject` at `field[i]`.
 */
export function IsNonEmptyArrayOf<T extends object>(itemClass: () => ValidatedClass<T>): PropertyDecorator {
  return composePropertyDecorators(
    rememberItemClass(itemClass),
    IsRequired(),
    IsArray(),
    ArrayNotEmpty({ message: (args) => `${args.property} must contain at least one item` }),
    ValidateNested({ each: true }),
    Type(itemClass),
    // class-validator descends into an item that is itself an array instead of refusing it;
    // as null it is refused as `isObject` at its own index like any other non-object item.
    Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? value.map(nullIfArray) : value), {
      toClassOnly: true,
    }),
  );
}

function nullIfArray(item: unknown): unknown {
  return Array.isArray(item) ? null : item;
}

/** The first `lineId` that occurs twice in `lines` with both positions, or undefined when all differ. */
export function findDuplicateLineId(
  lines: unknown,
): { lineId: string; first: number; second: number } | undefined {
  if (!Array.isArray(lines)) {
    return undefined;
  }
  const seen = new Map<string, number>();
  for (let index = 0; index < lines.length; index += 1) {
    const line: unknown = lines[index];
    const lineId =
      typeof line === 'object' && line !== null ? (line as { lineId?: unknown }).lineId : undefined;
    if (typeof lineId !== 'string') {
      continue; // a missing or malformed lineId is reported by the line's own rules
    }
    const first = seen.get(lineId);
    if (first !== undefined) {
      return { lineId, first, second: index };
    }
    seen.set(lineId, index);
  }
  return undefined;
}

/** The array's items have pairwise different `lineId`s. Rule `uniqueLineIds`; the message names the duplicate. */
export function HasUniqueLineIds(): PropertyDecorator {
  return ValidateBy({
    name: UNIQUE_LINE_IDS_RULE,
    validator: {
      validate: (value: unknown): boolean => findDuplicateLineId(value) === undefined,
      defaultMessage: (args) => {
        const duplicate = findDuplicateLineId(args?.value);
        const where = duplicate
          ? ` ('${duplicate.lineId}' at [${duplicate.first}] and [${duplicate.second}])`
          : '';
        return `${args?.property} must have a different lineId on every line${where}`;
      },
    },
  });
}
