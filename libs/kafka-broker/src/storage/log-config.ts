import * as path from 'path';

/** Size and retention settings of one partition log. Retention values of -1 mean unlimited. */
export interface LogConfig {
  /** A new segment is rolled when an append would make the active one larger than this. */
  segmentBytes: number;
  /** Oldest segments are deleted while the log is larger than this (-1 = unlimited). */
  retentionBytes: number;
  /** Segments whose newest record is older than this are deleted (-1 = unlimited). */
  retentionMs: number;
  /** Bytes of log data between two sparse index entries. */
  indexIntervalBytes: number;
}

/** Default spacing of sparse index entries, as in Kafka. */
export const DEFAULT_INDEX_INTERVAL_BYTES = 4096;

/** Largest segment size: file positions are stored as int32 in the offset index. */
export const MAX_SEGMENT_BYTES = 0x7fffffff;

/** Largest offset distance from a segment's base offset: relative offsets are stored as int32. */
export const MAX_RELATIVE_OFFSET = 0x7fffffff;

/** File name extensions of the three files that make up a segment. */
export const SegmentFile = {
  log: '.log',
  offsetIndex: '.index',
  timeIndex: '.timeindex',
} as const;

/** One of the {@link SegmentFile} extensions. */
export type SegmentFileExt = (typeof SegmentFile)[keyof typeof SegmentFile];

/** Path of a segment file: the base offset zero-padded to 20 digits, plus the extension. */
export function segmentPath(dir: string, baseOffset: number, ext: SegmentFileExt): string {
  return path.join(dir, String(baseOffset).padStart(20, '0') + ext);
}

/** Base offset encoded in a segment file name with the given extension, or undefined if it is not one. */
export function parseSegmentFileName(fileName: string, ext: SegmentFileExt): number | undefined {
  if (!fileName.endsWith(ext)) return undefined;
  const stem = fileName.slice(0, -ext.length);
  if (!/^\d{20}$/.test(stem)) return undefined;
  const value = Number(stem);
  return Number.isSafeInteger(value) ? value : undefined;
}
