import { QueryFailedError } from 'typeorm';
import { quoteIdentifier, sqlStateOf } from './sql';

describe('quoteIdentifier', () => {
  it('double-quotes and escapes embedded quotes', () => {
    expect(quoteIdentifier('orders')).toBe('"orders"');
    expect(quoteIdentifier('we"ird')).toBe('"we""ird"');
  });
});

describe('sqlStateOf', () => {
  it('reads the SQLSTATE from a pg error, a TypeORM QueryFailedError and a wrapped cause', () => {
    const pgError = Object.assign(new Error('could not serialize access'), { code: '40001' });
    expect(sqlStateOf(pgError)).toBe('40001');
    expect(sqlStateOf(new QueryFailedError('UPDATE …', [], pgError))).toBe('40001');
    expect(sqlStateOf(new Error('use case failed', { cause: { driverError: { code: '40P01' } } }))).toBe(
      '40P01',
    );
  });

  it('ignores Node error codes and values that are not errors', () => {
    expect(sqlStateOf(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBeUndefined();
    expect(sqlStateOf('40001')).toBeUndefined();
    expect(sqlStateOf(undefined)).toBeUndefined();
  });
});
