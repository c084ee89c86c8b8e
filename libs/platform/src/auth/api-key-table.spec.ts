import { ApiKeySpecError, ApiKeyTable, DEV_API_KEY } from './api-key-table';

function problemsOf(spec: string): readonly string[] {
  try {
    ApiKeyTable.parse(spec);
  } catch (error) {
    if (error instanceof ApiKeySpecError) return error.problems;
    throw error;
  }
  throw new Error('expected an ApiKeySpecError');
}

describe('ApiKeyTable', () => {
  it('parses the contract example into keys with scopes and warehouse limits', () => {
    const table = ApiKeyTable.parse(
      'k1=orders:write,returns:write;k2=warehouse:write@WH-1;k3=kpi:read;k4=admin',
    );
    expect(table.size).toBe(4);
    expect(table.isDevDefault).toBe(false);
    expect(table.lookup('k1')?.grants).toEqual([{ scope: 'orders:write' }, { scope: 'returns:write' }]);
    expect(table.lookup('k2')?.grants).toEqual([{ scope: 'warehouse:write', warehouseId: 'WH-1' }]);
    expect(table.lookup('k4')?.grants).toEqual([{ scope: 'admin' }]);
    expect(table.lookup('k5')).toBeUndefined();
    expect(table.lookup(DEV_API_KEY)).toBeUndefined();
  });

  it('tolerates blanks, a trailing semicolon and base64 padding in keys', () => {
    const table = ApiKeyTable.parse(' abc== = kpi:read , orders:write ; ');
    expect(table.lookup('abc==')?.grants).toEqual([{ scope: 'kpi:read' }, { scope: 'orders:write' }]);
  });

  it('labels keys for logs without revealing short keys', () => {
    const table = ApiKeyTable.parse('k1=kpi:read;0123456789abcdefXYZ=admin');
    expect(table.lookup('k1')?.label).toBe('key #1');
    expect(table.lookup('0123456789abcdefXYZ')?.label).toBe('key 0123…');
  });

  it('names every malformed entry by position', () => {
    expect(
      problemsOf(
        'k1=orders:write;k2;k3=;k4=Orders:Write;k5=admin@WH-1;k6=warehouse:write@bad id;k7=a:b,,c:d',
      ),
    ).toEqual([
      'entry 2 (key #2) has no "=": write <key>=<scope>[,<scope>...]',
      'entry 3 (key #3) lists no scope',
      'entry 4 (key #4): scope "Orders:Write" is not "admin" or <area>:<action> in lower case (e.g. orders:write)',
      'entry 5 (key #5): scope "admin@WH-1": admin cannot be limited to a warehouse',
      'entry 6 (key #6): scope "warehouse:write@bad id" names an invalid warehouse id (1..64 characters of [A-Za-z0-9._:-])',
      'entry 7 (key #7): has an empty scope (two commas in a row?)',
    ]);
  });

  it('rejects a repeated key, an empty key and an empty spec', () => {
    expect(problemsOf('k1=kpi:read;k1=admin')).toEqual(['entry 2 (key #2) repeats a key configured earlier']);
    expect(problemsOf('=kpi:read')).toEqual([
      'entry 1 (key #1) has a key that is empty or uses characters outside [A-Za-z0-9._~+/=-]',
    ]);
    expect(problemsOf(' ; ')).toEqual(['no key is configured']);
  });

  it('falls back to the dev key with every scope only when nothing is configured', () => {
    for (const spec of [undefined, '', '   ']) {
      const table = ApiKeyTable.fromEnvironment(spec);
      expect(table.isDevDefault).toBe(true);
      expect(table.lookup(DEV_API_KEY)?.grants).toEqual([{ scope: 'admin' }]);
    }
    expect(ApiKeyTable.fromEnvironment('k1=kpi:read').lookup(DEV_API_KEY)).toBeUndefined();
  });
});
