import { QueryFailedError } from 'typeorm';
import { isRetryableTransactionError, retryDelayMs } from './transaction';

function queryFailed(code: string): QueryFailedError {
  return new QueryFailedError('UPDATE widget …', [], Object.assign(new Error(`sqlstate ${code}`), { code }));
}

describe('isRetryableTransactionError', () => {
  it('retries serialization failures and deadlocks', () => {
    expect(isRetryableTransactionError(queryFailed('40001'))).toBe(true);
    expect(isRetryableTransactionError(queryFailed('40P01'))).toBe(true);
  });

  it('does not retry constraint violations, other errors or thrown non-errors', () => {
    expect(isRetryableTransactionError(queryFailed('23505'))).toBe(false);
    expect(isRetryableTransactionError(new Error('out of stock'))).toBe(false);
    expect(isRetryableTransactionError(null)).toBe(false);
  });
});

describe('retryDelayMs', () => {
  it('doubles the ceiling with each failed attempt up to the cap, with full jitter below it', () => {
    const highest = () => 0.999999;
    expect([1, 2, 3, 4, 10].map((attempt) => retryDelayMs(attempt, 10, 50, highest))).toEqual([
      9, 19, 39, 49, 49,
    ]);
    expect(retryDelayMs(3, 10, 50, () => 0)).toBe(0);
  });
});
