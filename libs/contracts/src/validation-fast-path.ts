import {
  getMetadataStorage,
  ValidationTypes,
  type MetadataStorage,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';

import { itemClassOf, type ValidatedClass } from './common/collections';

type ValidationMetadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];
type JsonObject = Record<string, unknown>;

/**
 * A class's class-validator rules compiled into one plain function, for the common case of a
 * valid message: `accepts` runs the very same constraint functions without class-validator's
 * per-call metadata lookups, error objects and class-transformer's copy, and `instantiate` then
 * builds the instances `plainToInstance` would. It only ever says yes when class-validator would;
 * anything unusual makes it say no, and the caller then runs class-validator itself, which
 * decides and explains.
 */
export interface CompiledClassCheck {
  /** True only if class-validator accepts `plain` as an instance of the class. */
  accepts(plain: JsonObject): boolean;
  /** The class instance (nested items as instances of their classes) of an accepted `plain`. */
  instantiate(plain: JsonObject): object;
}

/** One validation metadata entry: its constraint instances, run in order on the property's value. */
interface Rule {
  readonly instances: readonly ValidatorConstraintInterface[];
  /**
   * One arguments object per rule, refilled per call: the checks run synchronously, one at a
   * time, and this runs for every property of every message.
   */
  readonly args: ValidationArguments;
  /** `{ each: true }`: an array value is checked item by item. */
  readonly each: boolean;
}

interface PropertyPlan {
  readonly name: string;
  readonly skipWhenAbsent: ((object: JsonObject, value: unknown) => boolean) | undefined;
  readonly rules: readonly Rule[];
  /** The compiled check of the items of an array of a class, looked up once here, not per message. */
  readonly itemCheck: CompiledClassCheck | undefined;
}

const compiled = new WeakMap<ValidatedClass, { whitelist: boolean; check: CompiledClassCheck | null }>();

function compileRule(storage: MetadataStorage, metadata: ValidationMetadata): Rule | null {
  const constraints = storage.getTargetValidatorConstraints(metadata.constraintCls);
  if (constraints.length === 0 || constraints.some((constraint) => constraint.async) || metadata.validateIf) {
    return null;
  }
  return {
    instances: constraints.map((constraint) => constraint.instance as ValidatorConstraintInterface),
    args: {
      value: undefined,
      constraints: metadata.constraints,
      targetName: '',
      object: {},
      property: metadata.propertyName,
    },
    each: metadata.each === true,
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
  const rules: Rule[] = [];
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
      const rule = compileRule(storage, metadata);
      if (rule === null) {
        return null;
      }
      rules.push(rule);
    } else if (metadata.type !== ValidationTypes.WHITELIST) {
      return null; // promise validation or a type this compiler does not know
    }
  }
  return { name, skipWhenAbsent, rules, itemCheck };
}

/** What the generated `accepts` refers to, by index: nothing from a message ever reaches its source. */
interface AcceptsScope {
  readonly known: ReadonlySet<string>;
  readonly skips: readonly ((object: JsonObject, value: unknown) => boolean)[];
  readonly validators: readonly ValidatorConstraintInterface[];
  readonly args: readonly ValidationArguments[];
  readonly itemChecks: readonly CompiledClassCheck[];
}

/**
 * The source of `accepts` for `plans`: per property, its condition, then each rule's constraints in
 * order (item by item for `each`), then its items' own check — the order class-validator runs them
 * in, stopping at the first `false` (anything but `true`, a promise included, is a no). Generated
 * rather than a loop over the plans: such a loop calls every kind of constraint from one call site,
 * which V8 can neither specialise nor inline; here each constraint has its own. Property names are
 * class metadata, written as JSON string literals.
 */
function acceptsSource(plans: readonly PropertyPlan[], whitelist: boolean, scope: AcceptsScope): string {
  const lines: string[] = ['"use strict";'];
  const bind = (name: string, count: number) => {
    for (let i = 0; i < count; i++) lines.push(`const ${name}${i} = scope.${name}s[${i}];`);
  };
  bind('skip', scope.skips.length);
  bind('validator', scope.validators.length);
  bind('arg', scope.args.length);
  bind('itemCheck', scope.itemChecks.length);
  lines.push('const known = scope.known;', 'return function accepts(plain) {');
  if (whitelist) lines.push('  for (const key in plain) if (!known.has(key)) return false;');
  let skip = 0;
  let validator = 0;
  let arg = 0;
  let item = 0;
  for (const plan of plans) {
    lines.push(`  {`, `    const value = plain[${JSON.stringify(plan.name)}];`);
    if (plan.skipWhenAbsent !== undefined) lines.push(`    if (!skip${skip++}(plain, value)) {`);
    for (const rule of plan.rules) {
      const args = `arg${arg++}`;
      lines.push(`    ${args}.value = value;`, `    ${args}.object = plain;`);
      for (let i = 0; i < rule.instances.length; i++) {
        const call = (of: string) => `validator${validator}.validate(${of}, ${args}) !== true`;
        lines.push(
          rule.each
            ? `    if (Array.isArray(value)) { for (const item of value) if (${call('item')}) return false; }` +
                ` else if (${call('value')}) return false;`
            : `    if (${call('value')}) return false;`,
        );
        validator++;
      }
    }
    if (plan.itemCheck !== undefined) {
      lines.push(
        `    if (!Array.isArray(value)) return false;`,
        `    for (const item of value) {`,
        `      if (typeof item !== 'object' || item === null || Array.isArray(item) || !itemCheck${item++}.accepts(item)) return false;`,
        `    }`,
      );
    }
    if (plan.skipWhenAbsent !== undefined) lines.push(`    }`);
    lines.push(`  }`);
  }
  lines.push('  return true;', '};');
  return lines.join('\n');
}

function compileAccepts(plans: readonly PropertyPlan[], whitelist: boolean): (plain: JsonObject) => boolean {
  const scope: AcceptsScope = {
    known: new Set(plans.map((plan) => plan.name)),
    skips: plans.flatMap((plan) => (plan.skipWhenAbsent ? [plan.skipWhenAbsent] : [])),
    validators: plans.flatMap((plan) => plan.rules.flatMap((rule) => rule.instances)),
    args: plans.flatMap((plan) => plan.rules.map((rule) => rule.args)),
    itemChecks: plans.flatMap((plan) => (plan.itemCheck ? [plan.itemCheck] : [])),
  };
  // The Function constructor is how the source above becomes code; its one parameter is `scope`.
  const factory = new Function('scope', acceptsSource(plans, whitelist, scope)) as (
    scope: AcceptsScope,
  ) => (plain: JsonObject) => boolean;
  return factory(scope);
}

function build(
  dataClass: ValidatedClass,
  plans: readonly PropertyPlan[],
  whitelist: boolean,
): CompiledClassCheck {
  const itemChecks = plans.flatMap((plan) => (plan.itemCheck ? [[plan.name, plan.itemCheck] as const] : []));
  const instantiate = (plain: JsonObject): object => {
    // The sender's keys in the sender's order, as plainToInstance gives them (the class has no index
    // signature); one builtin copy, then the arrays of a class replaced by their items' instances.
    const target = Object.assign(new dataClass(), plain) as unknown as JsonObject;
    for (const [key, itemCheck] of itemChecks) {
      const value = target[key];
      if (Array.isArray(value)) target[key] = value.map((item: JsonObject) => itemCheck.instantiate(item));
    }
    return target;
  };
  return { accepts: compileAccepts(plans, whitelist), instantiate };
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
