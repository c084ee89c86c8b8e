import { DataSource } from 'typeorm';
import { copyRowsInto, copyTextRow } from '../src/copy';
import { createTestDatabase, TestDatabase } from '../src/testing';

/** What PostgreSQL reads back from rows appended with COPY, in and out of the caller's transaction. */
describe('copyRowsInto', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  const columns = ['label', 'amount', 'at', 'doc'];

  beforeAll(async () => {
    db = await createTestDatabase({ name: __filename });
    dataSource = new DataSource({ type: 'postgres', url: db.url });
    await dataSource.initialize();
    await dataSource.query(`CREATE TABLE copied (label text, amount bigint, at timestamptz, doc json)`);
  });

  afterEach(async () => {
    await dataSource.query('TRUNCATE copied');
  });

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  const readBack = () =>
    dataSource.query(`SELECT label, amount::text AS amount, at, doc FROM copied ORDER BY amount`);

  it('reads back every text as given: tabs, newlines, backslashes, "\\N", empty, unicode; and NULL', async () => {
    const labels = ['tab\there', 'line\nbreak\r\n', 'C:\\path\\', '\\N', '', 'ünïcode ✓', null];
    await dataSource.transaction((manager) =>
      copyRowsInto(
        manager,
        'copied',
        columns,
        labels.map((label, i) => copyTextRow([label, i, null, null])).join(''),
      ),
    );
    expect((await readBack()).map((row: { label: string | null }) => row.label)).toEqual(labels);
  });

  it('reads each field with its column type: bigints, timestamps (`now` is the transaction start), JSON with escapes', async () => {
    const doc = { note: 'say "hi"\n\ttab \\ slash', nested: [1, { ok: true }] };
    const now = await dataSource.transaction(async (manager) => {
      await copyRowsInto(
        manager,
        'copied',
        columns,
        copyTextRow(['a', 9_007_199_254_740_991, '2026-11-20T10:00:00.123Z', JSON.stringify(doc)]) +
          copyTextRow(['b', -1, 'now', null]),
      );
      const [row] = (await manager.query('SELECT now()')) as { now: Date }[];
      return row.now;
    });
    expect(await readBack()).toEqual([
      { label: 'b', amount: '-1', at: now, doc: null },
      { label: 'a', amount: '9007199254740991', at: new Date('2026-11-20T10:00:00.123Z'), doc },
    ]);
  });

  it('commits and rolls back with the caller: rows of a failed transaction are not kept', async () => {
    await expect(
      dataSource.transaction(async (manager) => {
        await copyRowsInto(manager, 'copied', columns, copyTextRow(['kept?', 1, null, null]));
        throw new Error('the handler failed after the copy');
      }),
    ).rejects.toThrow('the handler failed after the copy');
    expect(await readBack()).toEqual([]);
  });

  it("rejects a row a column cannot read, with PostgreSQL's error, and keeps none of the rows", async () => {
    const rows = copyTextRow(['fine', 1, null, '{}']) + copyTextRow(['broken', 2, null, '{not json']);
    await expect(
      dataSource.transaction((manager) => copyRowsInto(manager, 'copied', columns, rows)),
    ).rejects.toMatchObject({ code: '22P02', message: expect.stringContaining('json') });
    expect(await readBack()).toEqual([]);
  });

  it("refuses a manager outside a transaction (the rows would not be part of the caller's unit of work)", async () => {
    await expect(
      copyRowsInto(dataSource.manager, 'copied', columns, copyTextRow(['x', 1, null, null])),
    ).rejects.toThrow('COPY into copied needs a transaction');
    const runner = dataSource.createQueryRunner(); // a connection of its own, but no transaction
    try {
      await expect(
        copyRowsInto(runner.manager, 'copied', columns, copyTextRow(['x', 1, null, null])),
      ).rejects.toThrow('COPY into copied needs a transaction');
    } finally {
      await runner.release();
    }
    expect(await readBack()).toEqual([]);
  });
});
