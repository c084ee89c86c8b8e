import { createTestDatabase, TestDatabase } from '../src/testing';
import { Client } from 'pg';
import { arrayLiteral, ArrayElement } from '../src/sql';

/** What PostgreSQL reads back from the literal, against what pg's own array parameter gives. */
describe('arrayLiteral', () => {
  let db: TestDatabase;
  let client: Client;

  beforeAll(async () => {
    db = await createTestDatabase({ name: __filename });
    client = new Client({ connectionString: db.url });
    await client.connect();
  });

  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  async function roundTrip(values: readonly ArrayElement[], type: string): Promise<[unknown, unknown]> {
    const { rows } = await client.query<{ ours: unknown; pgs: unknown }>(
      `SELECT $1::${type}[] AS ours, $2::${type}[] AS pgs`,
      [arrayLiteral(values), values],
    );
    return [rows[0].ours, rows[0].pgs];
  }

  it('reads back every text as given: quotes, backslashes, separators, braces, spaces, "NULL", empty', async () => {
    const texts = [
      'ORD-1',
      'say "hi"',
      'C:\\path\\',
      'a,b',
      '{x}',
      ' padded ',
      'NULL',
      '',
      'ünïcode ✓',
      null,
    ];
    const [ours, pgs] = await roundTrip(texts, 'text');
    expect(ours).toEqual(texts);
    expect(ours).toEqual(pgs);
  });

  it('reads back numbers, booleans, timestamps and nulls', async () => {
    expect(await roundTrip([1, -2, 0, null, 2_147_483_647], 'int')).toEqual([
      [1, -2, 0, null, 2_147_483_647],
      [1, -2, 0, null, 2_147_483_647],
    ]);
    expect((await roundTrip([9_007_199_254_740_991, null], 'bigint'))[0]).toEqual(['9007199254740991', null]);
    expect((await roundTrip([1.5, 0.1, null], 'float8'))[0]).toEqual([1.5, 0.1, null]);
    expect((await roundTrip([true, false, null], 'boolean'))[0]).toEqual([true, false, null]);
    expect((await roundTrip(['2026-11-20T10:00:00.000Z', null], 'timestamptz'))[0]).toEqual([
      new Date('2026-11-20T10:00:00.000Z'),
      null,
    ]);
  });

  it('gives an empty array for no values', async () => {
    expect(arrayLiteral([])).toBe('{}');
    expect((await roundTrip([], 'text'))[0]).toEqual([]);
  });
});
