import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { isProcessAlive, procCwd, procStat } from './process-info';

const onLinux = process.platform === 'linux' ? it : it.skip;

describe('process inspection', () => {
  it('tells live processes from exited ones', async () => {
    const child = spawn(process.execPath, ['-e', '']);
    const pid = child.pid!;
    await once(child, 'exit');

    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(pid)).toBe(false);
  });

  onLinux('reads parent pid and working directory from /proc', () => {
    expect(procStat(process.pid)).toEqual({ state: expect.any(String), ppid: process.ppid });
    expect(procCwd(process.pid)).toBe(process.cwd());
  });
});
