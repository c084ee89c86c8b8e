/** How often and how patiently a failing handler is retried before its event is dead-lettered. */
export interface RetryPolicy {
  /** Attempts in all, the first included (default 5). */
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  initialBackoffMs: 200,
  maxBackoffMs: 5000,
};

/** Exponential backoff before attempt `attempt` (2 = the first retry), capped at maxBackoffMs. */
export function backoffBeforeAttempt(attempt: number, policy: RetryPolicy): number {
  if (attempt <= 1) return 0;
  return Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** (attempt - 2));
}
