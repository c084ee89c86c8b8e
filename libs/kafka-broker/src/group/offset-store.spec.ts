import * as fs from 'node:fs';
import * as path from 'node:path';
import { encodeRecord } from './offset-log-record';
import { OffsetStore, type StoredOffset } from './offset-store';
import { tempDir } from './test/group-test-helpers';

let dir: string;
let open: OffsetStore[];

beforeEach(() => {
  dir = tempDir();
  open = [];
});

afterEach(() => {
  for (const store of open) store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function openStore(options = {}): OffsetStore {
  const store = OffsetStore.open(dir, options);
  open.push(store);
  return store;
}

function o(topic: string, partition: number, offset: number, metadata = ''): StoredOffset {
  return { topic, partition, offset, metadata };
}

const logFile = () => path.join(dir, 'offsets.log');
const logLines = () => fs.readFileSync(logFile(), 'utf8').split('\n').filter(Boolean);

it('makes a commit readable from the file as soon as commit returns, without flush or close', () => {
  openStore().commit('g', 'consumer', [o('t', 0, 1)]);
  expect(openStore().get('g', 't', 0)).toEqual(o('t', 0, 1));
});

it('replays offsets and protocol types when reopened', () => {
  const store = openStore();
  store.commit('g', 'consumer', [o('t', 0, 1), o('t', 1, 2, 'm')]);
  store.commit('g', 'consumer', [o('t', 0, 3)]);
  store.commit('solo', '', [o('u', 0, 4)]);
  store.close();
  const reopened = openStore();
  expect(reopened.groups()).toEqual([
    { groupId: 'g', protocolType: 'consumer' },
    { groupId: 'solo', protocolType: '' },
  ]);
  expect(reopened.list('g')).toEqual([o('t', 0, 3), o('t', 1, 2, 'm')]);
  expect(reopened.list('solo')).toEqual([o('u', 0, 4)]);
});

it('keeps deleted topics and groups deleted after reopening', () => {
  const store = openStore();
  store.commit('g', 'consumer', [o('t', 0, 1), o('u', 0, 2)]);
  store.commit('h', 'consumer', [o('t', 0, 3)]);
  store.commit('k', 'consumer', [o('v', 0, 4)]);
  store.deleteTopic('t');
  store.deleteGroup('k');
  store.close();
  const reopened = openStore();
  expect(reopened.groups().map((g) => g.groupId)).toEqual(['g']);
  expect(reopened.list('g')).toEqual([o('u', 0, 2)]);
});

it.each([
  ['a partial record', (line: string) => line.slice(0, 20)],
  ['a record missing only its newline', (line: string) => line.slice(0, -1)],
])('ignores %s at the end of the log and appends after it on a fresh line', (_name, tear) => {
  const store = openStore();
  store.commit('g', 'consumer', [o('t', 0, 1)]);
  store.close();
  fs.appendFileSync(
    logFile(),
    tear(encodeRecord({ type: 'commit', groupId: 'g', topic: 't', partition: 0, offset: 2, metadata: '' })),
  );
  const reopened = openStore();
  expect(reopened.get('g', 't', 0)?.offset).toBe(1);
  reopened.commit('g', 'consumer', [o('t', 0, 3)]);
  reopened.close();
  expect(openStore().get('g', 't', 0)?.offset).toBe(3);
  expect(logLines()).toHaveLength(3);
});

it('does not restore a group whose commits were torn away from its protocol type record', () => {
  const commit = encodeRecord({
    type: 'commit',
    groupId: 'g',
    topic: 't',
    partition: 0,
    offset: 1,
    metadata: '',
  });
  fs.writeFileSync(
    logFile(),
    encodeRecord({ type: 'group', groupId: 'g', protocolType: 'consumer' }) + commit.slice(0, 10),
  );
  expect(openStore().groups()).toEqual([]);
});

it('skips a corrupt record in the middle of the log', () => {
  const store = openStore();
  store.commit('g', 'consumer', [o('t', 0, 1)]);
  store.close();
  fs.appendFileSync(logFile(), '00000000 {"type":"commit","groupId":"g"}\n');
  const reopened = openStore();
  reopened.commit('g', 'consumer', [o('t', 1, 5)]);
  reopened.close();
  expect(openStore().list('g')).toEqual([o('t', 0, 1), o('t', 1, 5)]);
});

it('compacts a log holding many more records than live entries, keeping the live state', () => {
  const store = openStore({ compactMinRecords: 20, compactRatio: 4 });
  for (let i = 0; i < 100; i += 1) store.commit('g', 'consumer', [o('t', i % 2, i)]);
  store.commit('h', '', [o('u', 0, 7)]);
  store.commit('k', 'consumer', [o('gone', 0, 1)]);
  store.deleteTopic('gone');
  expect(store.stats().records).toBeLessThan(20);
  expect(logLines()).toHaveLength(store.stats().records);
  store.close();
  const reopened = openStore();
  expect(reopened.groups()).toEqual([
    { groupId: 'g', protocolType: 'consumer' },
    { groupId: 'h', protocolType: '' },
  ]);
  expect(reopened.list('g')).toEqual([o('t', 0, 98), o('t', 1, 99)]);
  expect(reopened.list('h')).toEqual([o('u', 0, 7)]);
});

it('discards a compaction file left by a crash before its rename', () => {
  const store = openStore();
  store.commit('g', 'consumer', [o('t', 0, 1)]);
  store.close();
  const leftover = path.join(dir, 'offsets.log.compacting');
  fs.writeFileSync(leftover, 'partial');
  expect(openStore().get('g', 't', 0)?.offset).toBe(1);
  expect(fs.existsSync(leftover)).toBe(false);
});

it('throws on commits after close without changing its state', () => {
  const store = openStore();
  store.commit('g', 'consumer', [o('t', 0, 1)]);
  store.close();
  expect(() => store.commit('g', 'consumer', [o('t', 0, 2)])).toThrow(/closed/);
  expect(store.get('g', 't', 0)?.offset).toBe(1);
});

it('writes no record for a re-commit of an unchanged offset', () => {
  const store = openStore();
  store.commit('g', 'consumer', [o('t', 0, 1, 'm')]);
  store.commit('g', 'consumer', [o('t', 0, 1, 'm')]);
  expect(logLines()).toHaveLength(2);
  store.commit('g', 'consumer', [o('t', 0, 1, 'changed')]);
  expect(logLines()).toHaveLength(3);
});
