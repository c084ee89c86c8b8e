/** A computed answer with when its computation started (it covers every fact committed before). */
export interface DatedAnswer<T> {
  readonly value: T;
  readonly startedAt: number;
}

interface Entry<T> {
  answer: Promise<DatedAnswer<T>>;
  startedAt: number;
  /** What the answer was computed from (see `get`). */
  edition: string;
  refreshing: boolean;
}

/**
 * Shares the answer to an identical question among everyone who asks within `maxAgeMs`, so a
 * dashboard polled by many users costs one query per `maxAgeMs` instead of one per request. An
 * answer older than that is recomputed once; while the new one is computed, askers get the previous
 * one (stale by at most `maxAgeMs` plus one computation), so no request waits behind a slow query
 * once the question has been answered. A failed computation is forgotten, not served.
 *
 * An answer computed from another `edition` of the data (the KPI read model before a rebuild's
 * switch) counts as old whatever its age: it is served while the current edition's is computed, so
 * a switch does not make every asker wait for a cold answer at once.
 */
export class RecentAnswers<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly maxAgeMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string, compute: () => Promise<T>, edition = ''): Promise<DatedAnswer<T>> {
    const entry = this.entries.get(key);
    if (entry === undefined) return this.start(key, compute, edition).answer;
    const recent = this.now() - entry.startedAt <= this.maxAgeMs && entry.edition === edition;
    if (recent || entry.refreshing) return entry.answer;
    entry.refreshing = true;
    const startedAt = this.now();
    compute().then(
      (value) => {
        entry.answer = Promise.resolve({ value, startedAt });
        entry.startedAt = startedAt;
        entry.edition = edition;
        entry.refreshing = false;
      },
      () => {
        entry.refreshing = false;
      },
    );
    return entry.answer;
  }

  private start(key: string, compute: () => Promise<T>, edition: string): Entry<T> {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const startedAt = this.now();
    const entry: Entry<T> = {
      answer: compute().then((value) => ({ value, startedAt })),
      startedAt,
      edition,
      refreshing: false,
    };
    entry.answer.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    this.entries.set(key, entry);
    return entry;
  }
}
