import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeRecord, encodeRecord, type OffsetLogRecord } from './offset-log-record';

const LOG_FILE = 'offsets.log';
const COMPACT_FILE = 'offsets.log.compacting';

/** A committed offset of one partition. */
export interface StoredOffset {
  topic: string;
  partition: number;
  offset: number;
  /** '' when the client sent none. */
  metadata: string;
}

/** Tuning of the offset store. */
export interface OffsetStoreOptions {
  /** Never compact a log holding fewer records than this (default 10 000). */
  compactMinRecords?: number;
  /** Compact once the log holds this many times more records than live entries (default 4). */
  compactRatio?: number;
  logger?: (msg: string) => void;
}

/** A group's live state in the store. */
interface StoredGroup {
  protocolType: string;
  topics: Map<string, Map<number, StoredOffset>>;
}

/**
 * Durable committed offsets: an append-only log (`offsets.log` under the directory) of commits, the
 * committing group's protocol type and tombstones, replayed on open and compacted when mostly dead.
 * Every mutation is written with `fs.writeSync` before it returns, so it survives the process being
 * killed; {@link flush} fsyncs it against power loss. Mutations throw on I/O failure and leave both the
 * file and the memory state as they were.
 */
export class OffsetStore {
  private readonly groupsById = new Map<string, StoredGroup>();
  private readonly file: string;
  private readonly compactMinRecords: number;
  private readonly compactRatio: number;
  private readonly log: (msg: string) => void;
  private fd: number | null = null;
  /** Bytes of whole records in the file. */
  private size = 0;
  /** Lines in the file, live or not. */
  private records = 0;
  private offsetCount = 0;
  /** A failed write could not be rolled back: start the next one on a fresh line. */
  private tornTail = false;
  /** After a failed compaction, wait for the log to grow this large before trying again. */
  private compactRetryAt = 0;

  /** Opens (creating if needed) the store in `dir` and replays its log. Throws if the directory is unusable. */
  constructor(
    private readonly dir: string,
    options: OffsetStoreOptions = {},
  ) {
    this.file = path.join(dir, LOG_FILE);
    this.compactMinRecords = options.compactMinRecords ?? 10_000;
    this.compactRatio = options.compactRatio ?? 4;
    this.log = options.logger ?? (() => undefined);
    fs.mkdirSync(dir, { recursive: true });
    // A compaction interrupted before its rename left the old log intact.
    fs.rmSync(path.join(dir, COMPACT_FILE), { force: true });
    this.replay();
    this.fd = fs.openSync(this.file, 'a');
  }

  /** Same as `new OffsetStore(dir, options)`. */
  static open(dir: string, options: OffsetStoreOptions = {}): OffsetStore {
    return new OffsetStore(dir, options);
  }

  /** Records the offsets a group committed (and its protocol type if it changed) durably against kill. */
  commit(groupId: string, protocolType: string, offsets: StoredOffset[]): void {
    // Clients re-commit unchanged positions on every auto-commit tick; those need no record.
    const changed = offsets.filter((o) => {
      const stored = this.get(groupId, o.topic, o.partition);
      return stored?.offset !== o.offset || stored.metadata !== o.metadata;
    });
    if (changed.length === 0) return;
    const records: OffsetLogRecord[] = [];
    if ((this.groupsById.get(groupId)?.protocolType ?? '') !== protocolType) {
      records.push({ type: 'group', groupId, protocolType });
    }
    for (const o of changed) {
      records.push({
        type: 'commit',
        groupId,
        topic: o.topic,
        partition: o.partition,
        offset: o.offset,
        metadata: o.metadata,
      });
    }
    this.appendAndApply(records);
  }

  /** Deletes every group's offsets for a topic. */
  deleteTopic(topic: string): void {
    const used = [...this.groupsById.values()].some((g) => g.topics.has(topic));
    if (used) this.appendAndApply([{ type: 'deleteTopic', topic }]);
  }

  /** Deletes all of a group's offsets. */
  deleteGroup(groupId: string): void {
    if (this.groupsById.has(groupId)) this.appendAndApply([{ type: 'deleteGroup', groupId }]);
  }

  /** The committed offset of one partition, if any. */
  get(groupId: string, topic: string, partition: number): StoredOffset | undefined {
    return this.groupsById.get(groupId)?.topics.get(topic)?.get(partition);
  }

  /** All of a group's committed offsets, by topic then partition. */
  list(groupId: string): StoredOffset[] {
    const group = this.groupsById.get(groupId);
    if (!group) return [];
    const topics = [...group.topics.keys()].sort();
    return topics.flatMap((t) =>
      [...(group.topics.get(t)?.values() ?? [])].sort((a, b) => a.partition - b.partition),
    );
  }

  /** Whether a group has any committed offset. */
  hasOffsets(groupId: string): boolean {
    return this.groupsById.has(groupId);
  }

  /** The groups holding committed offsets, with the protocol type recorded at their last commit. */
  groups(): { groupId: string; protocolType: string }[] {
    return [...this.groupsById].map(([groupId, g]) => ({ groupId, protocolType: g.protocolType }));
  }

  /** Record count of the log and number of live entries, to watch compaction. */
  stats(): { records: number; liveEntries: number } {
    return { records: this.records, liveEntries: this.liveEntries() };
  }

  /** Fsyncs the log. */
  flush(): void {
    if (this.fd !== null) fs.fsyncSync(this.fd);
  }

  /** Fsyncs and closes the log; later mutations throw. Safe to call twice. */
  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Rewrites the log as its live state: temp file, fsync, rename over the log, fsync the directory. */
  compact(): void {
    const fd = this.openFd();
    const snapshot = this.snapshot();
    const data = Buffer.from(snapshot.map(encodeRecord).join(''), 'utf8');
    const tmp = path.join(this.dir, COMPACT_FILE);
    const tmpFd = fs.openSync(tmp, 'w');
    try {
      writeFully(tmpFd, data);
      fs.fsyncSync(tmpFd);
    } finally {
      fs.closeSync(tmpFd);
    }
    fs.renameSync(tmp, this.file);
    fsyncDirectory(this.dir);
    this.fd = null;
    fs.closeSync(fd);
    this.fd = fs.openSync(this.file, 'a');
    this.log(`offset store compacted ${this.records} records to ${snapshot.length}`);
    this.size = data.length;
    this.records = snapshot.length;
    this.tornTail = false;
    this.compactRetryAt = 0;
  }

  private replay(): void {
    if (!fs.existsSync(this.file)) fs.writeFileSync(this.file, '');
    const data = fs.readFileSync(this.file);
    const end = data.lastIndexOf(0x0a) + 1;
    if (end < data.length) {
      // A crash mid-append leaves a line without its newline; later appends must not extend it.
      this.log(
        `offset store: ignoring a torn record of ${data.length - end} bytes at the end of ${this.file}`,
      );
      fs.truncateSync(this.file, end);
    }
    const lines = data.subarray(0, end).toString('utf8').split('\n');
    for (const line of lines) {
      if (line === '') continue;
      this.records += 1;
      const record = decodeRecord(line);
      if (record) this.apply(record);
      else this.log(`offset store: skipping a corrupt record in ${this.file}`);
    }
    // A protocol-type record whose commits were torn away leaves a group without offsets.
    for (const [groupId, group] of this.groupsById)
      if (group.topics.size === 0) this.groupsById.delete(groupId);
    this.size = end;
  }

  private appendAndApply(records: OffsetLogRecord[]): void {
    this.append(records);
    for (const record of records) this.apply(record);
    this.maybeCompact();
  }

  private append(records: OffsetLogRecord[]): void {
    const fd = this.openFd();
    const lead = this.tornTail ? '\n' : '';
    const data = Buffer.from(lead + records.map(encodeRecord).join(''), 'utf8');
    if (this.tornTail) this.size = fs.fstatSync(fd).size;
    try {
      writeFully(fd, data);
    } catch (err) {
      this.rollBack(fd);
      throw err;
    }
    this.tornTail = false;
    this.size += data.length;
    this.records += records.length;
  }

  private rollBack(fd: number): void {
    try {
      fs.ftruncateSync(fd, this.size);
    } catch {
      this.tornTail = true;
    }
  }

  private apply(record: OffsetLogRecord): void {
    switch (record.type) {
      case 'commit':
        return this.applyCommit(record.groupId, {
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
          metadata: record.metadata,
        });
      case 'group':
        this.groupFor(record.groupId).protocolType = record.protocolType;
        return;
      case 'deleteTopic':
        return this.applyDeleteTopic(record.topic);
      case 'deleteGroup':
        return this.applyDeleteGroup(record.groupId);
    }
  }

  private applyCommit(groupId: string, offset: StoredOffset): void {
    const topics = this.groupFor(groupId).topics;
    let partitions = topics.get(offset.topic);
    if (!partitions) {
      partitions = new Map();
      topics.set(offset.topic, partitions);
    }
    if (!partitions.has(offset.partition)) this.offsetCount += 1;
    partitions.set(offset.partition, offset);
  }

  private applyDeleteTopic(topic: string): void {
    for (const [groupId, group] of this.groupsById) {
      const partitions = group.topics.get(topic);
      if (!partitions) continue;
      this.offsetCount -= partitions.size;
      group.topics.delete(topic);
      if (group.topics.size === 0) this.groupsById.delete(groupId);
    }
  }

  private applyDeleteGroup(groupId: string): void {
    const group = this.groupsById.get(groupId);
    if (!group) return;
    for (const partitions of group.topics.values()) this.offsetCount -= partitions.size;
    this.groupsById.delete(groupId);
  }

  private groupFor(groupId: string): StoredGroup {
    let group = this.groupsById.get(groupId);
    if (!group) {
      group = { protocolType: '', topics: new Map() };
      this.groupsById.set(groupId, group);
    }
    return group;
  }

  private snapshot(): OffsetLogRecord[] {
    const records: OffsetLogRecord[] = [];
    for (const [groupId, group] of this.groupsById) {
      if (group.protocolType) records.push({ type: 'group', groupId, protocolType: group.protocolType });
      for (const o of this.list(groupId)) records.push({ type: 'commit', groupId, ...o });
    }
    return records;
  }

  private liveEntries(): number {
    return this.offsetCount + this.groupsById.size;
  }

  private maybeCompact(): void {
    const threshold = Math.max(
      this.compactMinRecords,
      this.compactRatio * this.liveEntries(),
      this.compactRetryAt,
    );
    if (this.records < threshold) return;
    try {
      this.compact();
    } catch (err) {
      // The uncompacted log is still complete, so commits go on; retry once it has doubled.
      this.compactRetryAt = this.records * 2;
      this.log(`offset store: compaction failed: ${String(err)}`);
      if (this.fd === null) this.reopen();
    }
  }

  private reopen(): void {
    try {
      this.fd = fs.openSync(this.file, 'a');
      this.size = fs.fstatSync(this.fd).size;
    } catch (err) {
      this.log(`offset store: cannot reopen ${this.file}: ${String(err)}`);
    }
  }

  private openFd(): number {
    if (this.fd === null) throw new Error(`offset store ${this.file} is closed`);
    return this.fd;
  }
}

function writeFully(fd: number, data: Buffer): void {
  let written = 0;
  while (written < data.length) written += fs.writeSync(fd, data, written, data.length - written);
}

function fsyncDirectory(dir: string): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some platforms cannot fsync a directory; the rename is then as durable as the OS makes it.
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}
