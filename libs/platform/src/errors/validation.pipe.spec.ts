import type { ArgumentMetadata } from '@nestjs/common';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { RequestValidationError } from './domain-error';
import { createPlatformValidationPipe, VALIDATED_QUERIES_PER_DTO } from './validation.pipe';

let checks = 0;

class PageQuery {
  @Matches(/^\d+$/, {
    // counts how often class-validator ran this rule
    message: () => `${++checks && 'page'} must be digits`,
  })
  page!: string;

  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: string;
}

const asQuery: ArgumentMetadata = { type: 'query', metatype: PageQuery };
const asBody: ArgumentMetadata = { type: 'body', metatype: PageQuery };

describe('the platform validation pipe', () => {
  const pipe = createPlatformValidationPipe();

  it('validates a query into its DTO and gives each request its own copy', async () => {
    const first = (await pipe.transform({ page: '2', order: 'asc' }, asQuery)) as PageQuery;
    const second = (await pipe.transform({ page: '2', order: 'asc' }, asQuery)) as PageQuery;
    expect(first).toBeInstanceOf(PageQuery);
    expect(second).toBeInstanceOf(PageQuery);
    expect(second).toEqual({ page: '2', order: 'asc' });
    expect(second).not.toBe(first);
    first.page = '99';
    expect(((await pipe.transform({ page: '2', order: 'asc' }, asQuery)) as PageQuery).page).toBe('2');
  });

  it('refuses a query parameter its DTO does not declare, naming it', async () => {
    for (let i = 0; i < 2; i++)
      await expect(pipe.transform({ page: '3', stauts: 'x' }, asQuery)).rejects.toMatchObject({
        fields: [{ field: 'stauts', rule: 'whitelist' }],
      });
  });

  it('refuses a body property its DTO does not declare, naming it', async () => {
    await expect(pipe.transform({ page: '3', extra: 'x' }, asBody)).rejects.toMatchObject({
      fields: [
        {
          field: 'extra',
          rule: 'whitelist',
          message: 'extra is not a parameter or field this endpoint takes',
        },
      ],
    });
  });

  it('refuses a bad query every time it is asked, naming the field', async () => {
    checks = 0;
    for (let i = 0; i < 2; i++) {
      const refusal = pipe.transform({ page: 'two' }, asQuery);
      await expect(refusal).rejects.toBeInstanceOf(RequestValidationError);
      await expect(refusal).rejects.toMatchObject({ fields: [expect.objectContaining({ field: 'page' })] });
    }
    expect(checks).toBeGreaterThanOrEqual(2);
  });

  it('validates bodies every time', async () => {
    await expect(pipe.transform({ page: 'x' }, asBody)).rejects.toBeInstanceOf(RequestValidationError);
    expect(await pipe.transform({ page: '1' }, asBody)).toEqual({ page: '1' });
  });

  it.each([
    ['a path parameter', 'ORD\u00001', { type: 'param', data: 'orderId', metatype: String }, 'orderId'],
    ['a query field', { page: '1', order: 'a\u0000sc' }, asQuery, 'order'],
    ['a DTO body field', { page: '1', notes: ['ok', 'lone \uD800'] }, asBody, 'notes.1'],
  ] as const)(
    'refuses U+0000 or an unpaired surrogate in %s with a 400 naming it (PostgreSQL cannot store them)',
    async (_where, value, metadata, field) => {
      await expect(pipe.transform(value, metadata as ArgumentMetadata)).rejects.toMatchObject({
        fields: [{ field, rule: 'isStorableText', message: expect.stringContaining('U+0000') }],
      });
    },
  );

  it('leaves bodies without a DTO (the ingest twins: CloudEvent validation answers) and good text alone', async () => {
    const raw = { data: { reason: 'a\u0000b' } };
    expect(await pipe.transform(raw, { type: 'body', metatype: Object })).toBe(raw);
    expect(await pipe.transform('ORD-1 📦', { type: 'param', data: 'orderId', metatype: String })).toBe(
      'ORD-1 📦',
    );
  });

  it('still answers after more distinct queries than it keeps', async () => {
    for (let i = 0; i <= VALIDATED_QUERIES_PER_DTO + 1; i++)
      expect(await pipe.transform({ page: String(i) }, asQuery)).toEqual({ page: String(i) });
  });
});
