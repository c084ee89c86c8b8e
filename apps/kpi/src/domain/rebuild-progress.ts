/** Offsets per partition of each topic: `{ 'opsline.orders': { '0': 120, '1': 98 } }`. */
export type HighWaterMarks = Readonly<Record<string, Readonly<Record<string, number>>>>;

/** A consumer group's committed offsets in the same shape; -1 (or absent) when nothing is committed. */
export type CommittedOffsets = HighWaterMarks;

/**
 * Messages of each topic the rebuild has still to apply before it reaches the marks captured when it
 * started (0 once every partition's committed offset is at or past its mark).
 */
export function remainingByTopic(marks: HighWaterMarks, committed: CommittedOffsets): Record<string, number> {
  const remaining: Record<string, number> = {};
  for (const [topic, partitions] of Object.entries(marks)) {
    remaining[topic] = Object.entries(partitions).reduce((sum, [partition, mark]) => {
      const offset = Math.max(0, committed[topic]?.[partition] ?? 0);
      return sum + Math.max(0, mark - offset);
    }, 0);
  }
  return remaining;
}

/** True when every partition the marks name has been applied up to (or past) its mark. */
export function hasCaughtUp(marks: HighWaterMarks, committed: CommittedOffsets): boolean {
  return Object.values(remainingByTopic(marks, committed)).every((remaining) => remaining === 0);
}
