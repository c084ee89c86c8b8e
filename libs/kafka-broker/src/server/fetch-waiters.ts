/** A parked fetch: `tryComplete` answers it when enough data has arrived and says whether it did. */
interface Waiter {
  readonly keys: readonly string[];
  readonly tryComplete: () => boolean;
  readonly onTimeout: () => void;
  timer: NodeJS.Timeout | null;
}

/** The key of one topic-partition among the waiters. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/**
 * Long-polling fetches wait here (Kafka's "fetch purgatory") until data arrives on one of their
 * partitions or their maxWaitMs passes. Appends are coalesced per event-loop turn so that a burst
 * of produce requests wakes each consumer once, with everything that arrived.
 */
export class FetchWaiters {
  private readonly byPartition = new Map<string, Set<Waiter>>();
  private readonly appended = new Set<string>();
  private scheduled = false;

  /** Parks a fetch; returns a function that cancels it. */
  park(
    keys: readonly string[],
    timeoutMs: number,
    tryComplete: () => boolean,
    onTimeout: () => void,
  ): () => void {
    const waiter: Waiter = { keys, tryComplete, onTimeout, timer: null };
    for (const key of keys) {
      let set = this.byPartition.get(key);
      if (set === undefined) this.byPartition.set(key, (set = new Set()));
      set.add(waiter);
    }
    waiter.timer = setTimeout(() => {
      this.remove(waiter);
      waiter.onTimeout();
    }, timeoutMs);
    return () => this.remove(waiter);
  }

  /** Records that a partition received data; parked fetches on it are retried on the next turn. */
  notifyAppended(key: string): void {
    if (!this.byPartition.has(key)) return;
    this.appended.add(key);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.wakeAppended());
  }

  /** Answers every parked fetch now (at shutdown). */
  completeAll(): void {
    const all = new Set<Waiter>();
    for (const set of this.byPartition.values()) for (const waiter of set) all.add(waiter);
    for (const waiter of all) {
      this.remove(waiter);
      waiter.onTimeout();
    }
  }

  private wakeAppended(): void {
    this.scheduled = false;
    const woken = new Set<Waiter>();
    for (const key of this.appended) {
      for (const waiter of this.byPartition.get(key) ?? []) woken.add(waiter);
    }
    this.appended.clear();
    for (const waiter of woken) if (waiter.tryComplete()) this.remove(waiter);
  }

  private remove(waiter: Waiter): void {
    if (waiter.timer !== null) clearTimeout(waiter.timer);
    waiter.timer = null;
    for (const key of waiter.keys) {
      const set = this.byPartition.get(key);
      if (set === undefined) continue;
      set.delete(waiter);
      if (set.size === 0) this.byPartition.delete(key);
    }
  }
}
