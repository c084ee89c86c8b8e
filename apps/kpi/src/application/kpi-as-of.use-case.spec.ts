import { RequestValidationError } from '@opsline/platform';
import {
  assertAsOfNotInFuture,
  bucketRange,
  decodeLineageCursor,
  encodeLineageCursor,
} from './kpi-as-of.use-case';

const fieldsOf = (run: () => unknown): string[] => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RequestValidationError);
    return ((error as RequestValidationError).fields ?? []).map((field) => field.field);
  }
  throw new Error('expected a RequestValidationError');
};

describe('as-of and lineage parameters', () => {
  it('turns a bucket start into its [start, end) for each granularity (weeks from Monday, months by calendar)', () => {
    expect(bucketRange('2026-11-16T00:00:00.000Z', 'day')).toEqual({
      from: '2026-11-16T00:00:00.000Z',
      to: '2026-11-17T00:00:00.000Z',
    });
    expect(bucketRange('2026-11-16T00:00:00.000Z', 'week').to).toBe('2026-11-23T00:00:00.000Z');
    expect(bucketRange('2026-11-01T00:00:00.000Z', 'month').to).toBe('2026-12-01T00:00:00.000Z');
    expect(bucketRange('2026-11-16T05:00:00+02:00', 'hour')).toEqual({
      from: '2026-11-16T03:00:00.000Z',
      to: '2026-11-16T04:00:00.000Z',
    });
  });

  it('refuses a bucket that is not the start of one, naming bucket', () => {
    expect(fieldsOf(() => bucketRange('2026-11-16T05:00:00.000Z', 'day'))).toEqual(['bucket']);
    expect(fieldsOf(() => bucketRange('2026-11-17T00:00:00.000Z', 'week'))).toEqual(['bucket']);
  });

  it('reads back the cursors it hands out and names cursor for anything else', () => {
    expect(decodeLineageCursor(undefined)).toBe(0);
    expect(decodeLineageCursor(encodeLineageCursor(200))).toBe(200);
    expect(fieldsOf(() => decodeLineageCursor('bm9wZQ'))).toEqual(['cursor']);
    expect(fieldsOf(() => decodeLineageCursor('%%%'))).toEqual(['cursor']);
  });

  it('takes an asOf up to now (normalised to UTC) and names asOf for a future one', () => {
    const now = Date.parse('2026-11-20T12:00:00.000Z');
    expect(assertAsOfNotInFuture('2026-11-20T13:00:00+01:00', now)).toBe('2026-11-20T12:00:00.000Z');
    expect(fieldsOf(() => assertAsOfNotInFuture('2026-11-20T12:00:00.001Z', now))).toEqual(['asOf']);
  });
});
