import { crc32 } from 'node:zlib';

/** One entry of the offset log; the log is replayed in order to rebuild the committed offsets. */
export type OffsetLogRecord =
  | { type: 'commit'; groupId: string; topic: string; partition: number; offset: number; metadata: string }
  | { type: 'group'; groupId: string; protocolType: string }
  | { type: 'deleteTopic'; topic: string }
  | { type: 'deleteGroup'; groupId: string };

/**
 * Encodes a record as one line: the CRC-32 of the JSON in hex, a space, the JSON, a newline. JSON escapes
 * newlines inside strings, so a newline only ever ends a record.
 */
export function encodeRecord(record: OffsetLogRecord): string {
  const json = JSON.stringify(record);
  return `${crc32(json).toString(16).padStart(8, '0')} ${json}\n`;
}

/** Decodes one line (without its newline); null if it is torn, corrupt or not a record. */
export function decodeRecord(line: string): OffsetLogRecord | null {
  const space = line.indexOf(' ');
  if (space !== 8) return null;
  const json = line.slice(space + 1);
  if (Number.parseInt(line.slice(0, space), 16) !== crc32(json)) return null;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  return isRecord(value) ? value : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isRecord(value: unknown): value is OffsetLogRecord {
  if (!isObject(value)) return false;
  const text = (key: string): boolean => typeof value[key] === 'string';
  const integer = (key: string): boolean => Number.isSafeInteger(value[key]);
  switch (value.type) {
    case 'commit':
      return (
        text('groupId') && text('topic') && integer('partition') && integer('offset') && text('metadata')
      );
    case 'group':
      return text('groupId') && text('protocolType');
    case 'deleteTopic':
      return text('topic');
    case 'deleteGroup':
      return text('groupId');
    default:
      return false;
  }
}
