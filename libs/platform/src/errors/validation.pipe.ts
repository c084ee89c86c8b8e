import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { isStorableText, STORABLE_TEXT_RULE, unstorableTextMessage } from '@opsline/contracts';
import { RequestValidationError } from './domain-error';
import { validationErrorsToFields } from './validation-fields';

/** How many distinct query strings per DTO class keep their validated instance (all dropped when full). */
export const VALIDATED_QUERIES_PER_DTO = 500;

type DtoClass = NonNullable<ArgumentMetadata['metatype']>;

/**
 * Nest's ValidationPipe, remembering the DTO each accepted query string became. Dashboards poll the
 * same `GET` again and again, and class-transformer plus class-validator were a fifth of what such a
 * request cost (`GET /kpis`, profiled). The query DTOs' rules depend on the query alone, so an accepted
 * query stays accepted; refused ones are not remembered (each gets its 400). Each request gets its own
 * shallow copy, so a handler cannot change what the next one receives.
 */
class PlatformValidationPipe extends ValidationPipe {
  private readonly validatedQueries = new WeakMap<DtoClass, Map<string, object>>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const { metatype } = metadata;
    if (metadata.type !== 'query' || metatype === undefined || typeof value !== 'object' || value === null)
      return this.validateFresh(value, metadata);
    let byQuery = this.validatedQueries.get(metatype);
    if (byQuery === undefined) this.validatedQueries.set(metatype, (byQuery = new Map()));
    const key = JSON.stringify(value);
    let dto = byQuery.get(key);
    if (dto === undefined) {
      const validated: unknown = await this.validateFresh(value, metadata);
      if (typeof validated !== 'object' || validated === null) return validated;
      if (byQuery.size >= VALIDATED_QUERIES_PER_DTO) byQuery.clear();
      byQuery.set(key, (dto = validated));
    }
    return Object.assign(Object.create(Object.getPrototypeOf(dto) as object | null) as object, dto);
  }

  /** The storable-text check, then Nest's validation: what a value not remembered goes through. */
  private async validateFresh(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const unstorable = checksStrings(metadata) ? unstorableField(value, metadata.data ?? '') : undefined;
    if (unstorable !== undefined)
      throw new RequestValidationError([
        { field: unstorable, rule: STORABLE_TEXT_RULE, message: unstorableTextMessage(unstorable) },
      ]);
    return super.transform(value, metadata);
  }
}

/**
 * Path parameters, query strings and DTO bodies: their strings reach PostgreSQL, which refuses
 * U+0000 and unpaired surrogates with an error that would answer 500. A body without a DTO (the
 * ingest twins') is validated as CloudEvents, whose text rules refuse them (422 naming the field).
 */
function checksStrings({ type, metatype }: ArgumentMetadata): boolean {
  if (type === 'param' || type === 'query') return true;
  return type === 'body' && metatype !== undefined && metatype !== Object;
}

/** The first string field of `value` that is not storable text (`lines.0.sku`, as class-validator's paths), or undefined. */
function unstorableField(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return isStorableText(value) ? undefined : path || '(value)';
  if (typeof value !== 'object' || value === null) return undefined;
  const entries = Array.isArray(value)
    ? value.map((item, index) => [`${path}.${index}`, item] as const)
    : Object.entries(value).map(([key, item]) => [path === '' ? key : `${path}.${key}`, item] as const);
  for (const [field, item] of entries) {
    const found = unstorableField(item, field);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * The global pipe: class-validator DTOs are transformed and validated, a property or query parameter
 * the DTO does not declare refused (rule `whitelist`), and failures raised as
 * {@link RequestValidationError} (400 `REQUEST.VALIDATION_FAILED` naming each field), never as
 * `BadRequestException`.
 */
export function createPlatformValidationPipe(): ValidationPipe {
  return new PlatformValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) => new RequestValidationError(validationErrorsToFields(errors)),
  });
}
