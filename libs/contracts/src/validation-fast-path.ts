import {
  getMetadataStorage,
  ValidationTypes,
  type MetadataStorage,
  type ValidationArguments,
} from 'class-validator';

import { itemClassOf, type ValidatedClass } from './common/collections';

type ValidationMetadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];
type JsonObject = Record<string, unknown>;
type ConstraintCheck = (value: unknown, object: JsonObject) => boolean;

/**
 * A class's class-validator rules compiled into plain closures, for the common case of a valid
 * message: `accepts` runs the very same constraint functions without class-validator's per-call
 * metadata lookups, error objects and class-transformer's copy, and `instantiate` then builds
 * the instances `plainToInstance` would. It only ever says yes when class-validator would;
 * anything unusual makes it say no, and the caller then runs class-validator itself, which
 * decides and explains.
 */
export interface CompiledClassCheck {
  /** True only if class-validator accepts `plain` as an instance of the class. */
  accepts(plain: JsonObject): boolean;
  /** The class instance (nested items as instances of their classes) of an accepted `plain`. */
  instantiate(plain: JsonObject): object;
}

interface PropertyPlan {
  readonly name: string;
  readonly skipWhenAbsent: ((object: JsonObject, value: unknown) => boolean) | undefined;
  readonly checks: readonly ConstraintCheck[];
  /** The compiled check of the items of an array of a class, looked up once here, not per message. */
  readonly itemCheck: CompiledClassCheck | undefined;
}

const compiled = new WeakMap<ValidatedClass, { whitelist: boolean; check: CompiledClassCheck | null }>();

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compileConstraint(storage: MetadataStorage, metadata: ValidationMetadata): ConstraintCheck | null {
  const constraints = storage.getTargetValidatorConstraints(metadata.constraintCls);
  if (constraints.length === 0 || constraints.some((constraint) => constraint.async) || metadata.validateIf) {
    return null;
  }
  const instances = constraints.map((constraint) => constraint.instance);
  const each = metadata.each;
  // One arguments object per rule, refilled per call: the checks run synchronously, one at a time,
  // and this runs for every property of every message.
  const args: ValidationArguments = {
    value: undefined,
    constraints: metadata.constraints,
    targetName: '',
    object: {},
    property: metadata.propertyName,
  };
  // Anything but `true` (a promise from an async rule included) falls back to class-validator.
  return (value, object) => {
    args.value = value;
    args.object = object;
    for (const instance of instances) {
      if (each && Array.isArray(value)) {
        for (const item of value as unknown[]) {
          if (instance.validate(item, args) !== true) {
            return false;
          }
        }
      } else if (instance.validate(value, args) !== true) {
        return false;
      }
    }
    return true;
  };
}

function compileProperty(
  storage: MetadataStorage,
  dataClass: ValidatedClass,
  name: string,
  metadatas: readonly ValidationMetadata[],
  whitelist: boolean,
): PropertyPlan | null {
  let skipWhenAbsent: PropertyPlan['skipWhenAbsent'];
  let itemCheck: CompiledClassCheck | undefined;
  const checks: ConstraintCheck[] = [];
  for (const metadata of metadatas) {
    if (metadata.type === ValidationTypes.CONDITIONAL_VALIDATION) {
      const condition = metadata.constraints[0] as (object: JsonObject, value: unknown) => boolean;
      skipWhenAbsent = (object, value) => !condition(object, value);
    } else if (metadata.type === ValidationTypes.NESTED_VALIDATION) {
      const itemClass = itemClassOf(dataClass, name);
      itemCheck =
        itemClass && metadata.each ? (compileClassCheck(itemClass, whitelist) ?? undefined) : undefined;
      if (itemCheck === undefined) {
        return null;
      }
    } else if (
      metadata.type === ValidationTypes.CUSTOM_VALIDATION ||
      metadata.type === ValidationTypes.IS_DEFINED
    ) {
      const check = compileConstraint(storage, metadata);
      if (check === null) {
        return null;
      }
      checks.push(check);
    } else if (metadata.type !== ValidationTypes.WHITELIST) {
      return null; // promise validation or a type this compiler does not know
    }
  }
  return { name, skipWhenAbsent, checks, itemCheck };
}

function acceptsItems({ itemCheck }: PropertyPlan, value: unknown): boolean {
  if (itemCheck === undefined) {
    return true;
  }
  if (!Array.isArray(value)) {
    return false;
  }
  for (const item of value as unknown[]) {
    if (!isJsonObject(item) || !itemCheck.accepts(item)) {
      return false;
    }
  }
  return true;
}

function build(
  dataClass: ValidatedClass,
  plans: readonly PropertyPlan[],
  whitelist: boolean,
): CompiledClassCheck {
  const known = new Set(plans.map((plan) => plan.name));
  const itemChecks = new Map(
    plans.flatMap((plan) => (plan.itemCheck ? [[plan.name, plan.itemCheck] as const] : [])),
  );
  const accepts = (plain: JsonObject): boolean => {
    if (whitelist) {
      for (const key in plain) {
        if (!known.has(key)) {
          return false;
        }
      }
    }
    for (const plan of plans) {
      const value = plain[plan.name];
      if (plan.skipWhenAbsent?.(plain, value)) {
        continue;
      }
      for (const check of plan.checks) {
        if (!check(value, plain)) {
          return false;
        }
      }
      if (!acceptsItems(plan, value)) {
        return false;
      }
    }
    return true;
  };
  const instantiate = (plain: JsonObject): object => {
    const instance = new dataClass();
    // Instances get the sender's keys, as plainToInstance does; the class has no index signature.
    const target = instance as unknown as JsonObject;
    for (const key of Object.keys(plain)) {
      const itemCheck = itemChecks.get(key);
      const value = plain[key];
      target[key] =
        itemCheck && Array.isArray(value)
          ? value.map((item: JsonObject) => itemCheck.instantiate(item))
          : value;
    }
    return instance;
  };
  return { accepts, instantiate };
}

/**
 * The compiled check of `dataClass` (cached), or null when its rules use something the compiler
 * does not reproduce exactly (groups, async rules, `validateIf`, nested objects that are not
 * arrays of a class declared with `IsNonEmptyArrayOf`): then only class-validator decides.
 * `whitelist` mirrors `forbidNonWhitelisted`: undeclared keys make `accepts` false.
 */
export function compileClassCheck(dataClass: ValidatedClass, whitelist: boolean): CompiledClassCheck | null {
  const cached = compiled.get(dataClass);
  if (cached && cached.whitelist === whitelist) {
    return cached.check;
  }
  const storage = getMetadataStorage();
  const metadatas = storage.getTargetValidationMetadatas(dataClass, '', false, false);
  compiled.set(dataClass, { whitelist, check: null }); // a class nesting itself stays uncompiled
  if (metadatas.length === 0) {
    return null;
  }
  const plans: PropertyPlan[] = [];
  for (const [name, propertyMetadatas] of Object.entries(storage.groupByPropertyName(metadatas))) {
    const plan = compileProperty(storage, dataClass, name, propertyMetadatas, whitelist);
    if (plan === null) {
      return null;
    }
    plans.push(plan);
  }
  const check = build(dataClass, plans, whitelist);
  compiled.set(dataClass, { whitelist, check });
  return check;
}
