/** Token-bucket settings: `ratePerSecond` requests sustained, up to `burst` at once. `0` disables limiting. */
export interface RateLimitSettings {
  readonly ratePerSecond: number;
  readonly burst: number;
  /** Buckets kept at most; idle (full) ones are dropped first. Bounds memory against many clients. */
  readonly maxTrackedClients?: number;
}

/** The outcome of {@link RateLimiter.take}. */
export type RateDecision =
  { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAtMs: number;
}

const DEFAULT_MAX_TRACKED_CLIENTS = 10_000;
const ALLOWED: RateDecision = { allowed: true };

/**
 * A token bucket per client (an API key, or an address for requests without a valid key), held in
 * this process: behind N instances a client gets up to N times the rate. Plain class; the API key
 * guard is its caller.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxTrackedClients: number;

  constructor(
    private readonly settings: RateLimitSettings,
    private readonly nowMs: () => number = Date.now,
  ) {
    if (settings.ratePerSecond < 0 || settings.burst < 0) throw new Error('rate limits cannot be negative');
    this.maxTrackedClients = settings.maxTrackedClients ?? DEFAULT_MAX_TRACKED_CLIENTS;
  }

  get enabled(): boolean {
    return this.settings.ratePerSecond > 0;
  }

  /** Spends one token of `client`'s bucket, or says how many whole seconds until one is there. */
  take(client: string): RateDecision {
    if (!this.enabled) return ALLOWED;
    const now = this.nowMs();
    const capacity = Math.max(1, this.settings.burst);
    let bucket = this.buckets.get(client);
    if (bucket === undefined) {
      this.makeRoom(now);
      bucket = { tokens: capacity, updatedAtMs: now };
      this.buckets.set(client, bucket);
    } else {
      this.refill(bucket, now, capacity);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return ALLOWED;
    }
    const secondsUntilOneToken = (1 - bucket.tokens) / this.settings.ratePerSecond;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(secondsUntilOneToken)) };
  }

  /** How many clients have a bucket (for tests and metrics). */
  get trackedClients(): number {
    return this.buckets.size;
  }

  private refill(bucket: Bucket, now: number, capacity: number): void {
    const elapsedSeconds = Math.max(0, now - bucket.updatedAtMs) / 1000;
    bucket.tokens = Math.min(capacity, bucket.tokens + elapsedSeconds * this.settings.ratePerSecond);
    bucket.updatedAtMs = now;
  }

  /** At the cap: forget buckets that have refilled (they hold no state), else the oldest one. */
  private makeRoom(now: number): void {
    if (this.buckets.size < this.maxTrackedClients) return;
    const capacity = Math.max(1, this.settings.burst);
    for (const [client, bucket] of this.buckets) {
      this.refill(bucket, now, capacity);
      if (bucket.tokens >= capacity) this.buckets.delete(client);
    }
    if (this.buckets.size < this.maxTrackedClients) return;
    // Map iteration follows insertion order: the first key is the client seen first
    const oldest = this.buckets.keys().next();
    if (oldest.done !== true) this.buckets.delete(oldest.value);
  }
}
