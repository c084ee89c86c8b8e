import * as fs from 'fs';
import * as path from 'path';

import { ErrorCode } from '../protocol/error-codes';
import { LogManager, TopicDefaults } from './log-manager';
import { decodeValues, encodeValues } from './test/batch-builder';
import { useTempDir } from './test/temp-dir';

const DEFAULTS: TopicDefaults = {
  numPartitions: 3,
  segmentBytes: 1024 * 1024,
  retentionBytes: -1,
  retentionMs: 7 * 24 * 3600 * 1000,
  indexIntervalBytes: 4096,
  maxMessageBytes: 1024 * 1024,
};

describe('LogManager', () => {
  const tmp = useTempDir();
  const open = (): LogManager => LogManager.open(tmp(), DEFAULTS);

  it('creates a topic with the default partition count and effective config', () => {
    const logs = open();
    const result = logs.createTopic('orders', undefined, { 'retention.ms': '60000' });
    expect(result.ok).toBe(true);
    const topic = logs.getTopic('orders');
    expect(topic?.partitions).toHaveLength(3);
    expect(topic?.topicId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(topic?.config).toEqual({
      retentionMs: 60000,
      retentionBytes: -1,
      segmentBytes: DEFAULTS.segmentBytes,
      maxMessageBytes: DEFAULTS.maxMessageBytes,
    });
    expect(fs.readdirSync(path.join(tmp(), 'logs')).sort()).toEqual(['orders-0', 'orders-1', 'orders-2']);
    logs.close();
  });

  it('treats -1 partitions as the broker default', () => {
    const logs = open();
    const result = logs.createTopic('t', -1, {});
    expect(result.ok && result.topic.partitions.length).toBe(3);
    logs.close();
  });

  it('rejects invalid names, duplicates, colliding names, bad partition counts and configs', () => {
    const logs = open();
    logs.createTopic('a.b', 1, {});
    const cases: [string, number | undefined, Record<string, string>, number][] = [
      ['bad/name', 1, {}, ErrorCode.INVALID_TOPIC_EXCEPTION],
      ['..', 1, {}, ErrorCode.INVALID_TOPIC_EXCEPTION],
      ['a.b', 1, {}, ErrorCode.TOPIC_ALREADY_EXISTS],
      ['a_b', 1, {}, ErrorCode.INVALID_TOPIC_EXCEPTION],
      ['p0', 0, {}, ErrorCode.INVALID_PARTITIONS],
      ['p-2', -2, {}, ErrorCode.INVALID_PARTITIONS],
      ['cfg', 1, { 'cleanup.policy': 'compact' }, ErrorCode.INVALID_CONFIG],
      ['cfg', 1, { 'unknown.config': '1' }, ErrorCode.INVALID_CONFIG],
    ];
    for (const [name, partitions, configs, errorCode] of cases) {
      expect(logs.createTopic(name, partitions, configs)).toEqual({
        ok: false,
        errorCode,
        message: expect.any(String),
      });
    }
    expect(logs.listTopics().map((t) => t.name)).toEqual(['a.b']);
    expect(fs.readdirSync(path.join(tmp(), 'logs'))).toEqual(['a.b-0']);
    logs.close();
  });

  it('checks a new topic without creating it', () => {
    const logs = open();
    expect(logs.checkNewTopic('fresh', 2, {})).toBeNull();
    expect(logs.checkNewTopic('fresh', 2, { 'segment.bytes': 'x' })).toMatchObject({
      errorCode: ErrorCode.INVALID_CONFIG,
    });
    expect(logs.getTopic('fresh')).toBeUndefined();
    logs.close();
  });

  it('lists topics sorted by name', () => {
    const logs = open();
    for (const name of ['zeta', 'alpha', 'mid']) logs.createTopic(name, 1, {});
    expect(logs.listTopics().map((t) => t.name)).toEqual(['alpha', 'mid', 'zeta']);
    logs.close();
  });

  it('restores topics, ids, configs, offsets and data after a reopen', () => {
    const first = open();
    const created = first.createTopic('orders', 2, { 'retention.bytes': '99999' });
    if (!created.ok) throw new Error(created.message);
    created.topic.partitions[1].append(encodeValues('hello', 3));
    first.close();

    const second = open();
    const topic = second.getTopic('orders');
    expect(topic?.topicId).toBe(created.topic.topicId);
    expect(topic?.config.retentionBytes).toBe(99999);
    expect(topic?.configOverrides).toEqual({ 'retention.bytes': '99999' });
    expect(topic?.partitions.map((p) => p.logEndOffset)).toEqual([0, 3]);
    expect(decodeValues(topic?.partitions[1].read(0, 1e6) ?? Buffer.alloc(0))).toEqual([
      'hello-0',
      'hello-1',
      'hello-2',
    ]);
    second.close();
  });

  it('deletes a topic with its data so that it stays deleted and can be recreated empty', () => {
    const logs = open();
    const created = logs.createTopic('gone', 1, {});
    if (!created.ok) throw new Error(created.message);
    created.topic.partitions[0].append(encodeValues('old', 2));
    expect(logs.deleteTopic('gone')).toBe(true);
    expect(logs.deleteTopic('gone')).toBe(false);
    expect(fs.existsSync(path.join(tmp(), 'logs', 'gone-0'))).toBe(false);
    logs.close();

    const reopened = open();
    expect(reopened.getTopic('gone')).toBeUndefined();
    const again = reopened.createTopic('gone', 1, {});
    expect(again.ok && again.topic.partitions[0].logEndOffset).toBe(0);
    reopened.close();
  });

  it('writes metadata atomically to meta/topics.json without leaving temp files', () => {
    const logs = open();
    logs.createTopic('one', 1, { 'cleanup.policy': 'delete' });
    const metaDir = path.join(tmp(), 'meta');
    expect(fs.readdirSync(metaDir)).toEqual(['topics.json']);
    const meta = JSON.parse(fs.readFileSync(path.join(metaDir, 'topics.json'), 'utf8'));
    expect(meta.topics).toEqual([
      { name: 'one', topicId: expect.any(String), numPartitions: 1, configs: { 'cleanup.policy': 'delete' } },
    ]);
    logs.close();
  });

  it('removes partition directories of unknown topics left by an interrupted create or delete', () => {
    const logs = open();
    logs.createTopic('kept', 1, {});
    logs.close();
    const orphan = path.join(tmp(), 'logs', 'half-created-0');
    fs.mkdirSync(orphan);
    const reopened = open();
    expect(fs.existsSync(orphan)).toBe(false);
    expect(reopened.getTopic('kept')?.partitions).toHaveLength(1);
    reopened.close();
  });

  it('refuses to start on unreadable topic metadata', () => {
    fs.mkdirSync(path.join(tmp(), 'meta'), { recursive: true });
    fs.writeFileSync(path.join(tmp(), 'meta', 'topics.json'), '{"version":1,"topics":[{"name":1}]}');
    expect(() => open()).toThrow(/malformed/);
  });

  it('flushes and applies retention to every partition', () => {
    const logs = open();
    const created = logs.createTopic('small', 2, { 'segment.bytes': '200', 'retention.bytes': '0' });
    if (!created.ok) throw new Error(created.message);
    for (let i = 0; i < 10; i++) created.topic.partitions[i % 2].append(encodeValues(`m${i}`, 1));
    logs.flushAll();
    expect(logs.deleteExpiredSegments(Date.now())).toBeGreaterThan(0);
    expect(created.topic.partitions.every((p) => p.segmentCount === 1)).toBe(true);
    logs.close();
  });
});
