import { isTransientError } from './transient-errors';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('isTransientError', () => {
  it.each([
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    [
      'a server shutting down (57P01)',
      withCode('terminating connection due to administrator command', '57P01'),
    ],
    ['a connection failure (08006)', withCode('connection failure', '08006')],
    ['a serialization failure (40001)', withCode('could not serialize access', '40001')],
    [
      'a TypeORM error wrapping a driver error',
      Object.assign(new Error('query failed'), { driverError: withCode('x', '08003') }),
    ],
    ['a terminated connection', new Error('Connection terminated unexpectedly')],
    [
      'a transaction whose connection TypeORM released when the server ended it',
      new Error(
        'Database connection provided by a query runner was already released, cannot continue to use its querying methods anymore.',
      ),
    ],
    ['a query on a released runner', new Error('Query runner already released. Cannot run queries anymore.')],
    [
      'a pooled connection the server ended before its first statement',
      new Error('Client has encountered a connection error and is not queryable'),
    ],
    ['a connection closed under a transaction', new Error('Client was closed and is not queryable')],
  ])('treats %s as transient', (_name, error) => {
    expect(isTransientError(error)).toBe(true);
  });

  it.each([
    ['a unique violation (23505)', withCode('duplicate key value', '23505')],
    ['a plain handler error', new Error('ORDER.CONFLICT')],
    ['a non-error value', 'boom'],
  ])('treats %s as a real failure', (_name, error) => {
    expect(isTransientError(error)).toBe(false);
  });
});
