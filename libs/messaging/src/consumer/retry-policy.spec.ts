import { backoffBeforeAttempt, DEFAULT_RETRY_POLICY } from './retry-policy';

describe('backoffBeforeAttempt', () => {
  it('does not wait before the first attempt and doubles from the initial backoff after that', () => {
    const policy = { maxAttempts: 6, initialBackoffMs: 100, maxBackoffMs: 10_000 };
    expect([1, 2, 3, 4, 5].map((attempt) => backoffBeforeAttempt(attempt, policy))).toEqual([
      0, 100, 200, 400, 800,
    ]);
  });

  it('never waits longer than the cap', () => {
    expect(backoffBeforeAttempt(30, DEFAULT_RETRY_POLICY)).toBe(DEFAULT_RETRY_POLICY.maxBackoffMs);
  });
});
