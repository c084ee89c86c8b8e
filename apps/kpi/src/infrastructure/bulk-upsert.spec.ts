import { Column, firstPerKey, lastPerKey, updateAllExcept } from './bulk-upsert';

describe('bulk upsert helpers', () => {
  const rows = [
    { id: 'a', v: 1 },
    { id: 'b', v: 2 },
    { id: 'a', v: 3 },
  ];

  it('collapse a batch to one row per key: the last for snapshots, the first for facts', () => {
    expect(lastPerKey(rows, (r) => r.id)).toEqual([
      { id: 'a', v: 3 },
      { id: 'b', v: 2 },
    ]);
    expect(firstPerKey(rows, (r) => r.id)).toEqual([
      { id: 'a', v: 1 },
      { id: 'b', v: 2 },
    ]);
  });

  it('update every column but the key on conflict', () => {
    const columns: Column<{ id: string; v: number }>[] = [
      { name: 'id', type: 'text', value: (r) => r.id },
      { name: 'v', type: 'int', value: (r) => r.v },
    ];
    expect(updateAllExcept(columns, ['id'])).toBe('ON CONFLICT (id) DO UPDATE SET v = EXCLUDED.v');
  });
});
