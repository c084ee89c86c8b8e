import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Gives each test of the enclosing suite a fresh temporary directory, removed after the test. */
export function useTempDir(): () => string {
  let dir: string | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-log-'));
  });
  afterEach(() => {
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return () => {
    if (dir === undefined) throw new Error('temp dir used outside a test');
    return dir;
  };
}
