import { readFile, realpath, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { PersistenceLogger } from '../logger';
import { isProcessAlive, procCommandLine, procCwd, procStat } from './process-info';

/** Part of the runner's file name, used to recognise a postmaster that a live runner still owns. */
export const RUNNER_MARKER = 'embedded-postgres.runner';

/** What {@link reclaimPostmasterLock} found and did. */
export type PostmasterLockOutcome =
  | 'absent'
  /** postmaster.pid named a dead process, or a live one that is not our postmaster (pid reused): removed. */
  | 'removed-stale'
  /** Our postmaster was still running without its runner (the runner was killed): shut down. */
  | 'stopped-orphan'
  /** Cannot inspect the process (no /proc); left for postgres to judge. */
  | 'left-to-postgres';

/**
 * Makes `dataDir` startable after a crash. PostgreSQL itself ignores a postmaster.pid whose pid is
 * dead, but refuses to start when the pid has been reused by any other live process — common in
 * containers, where pids restart from 1 — and cannot start while an orphaned postmaster from a
 * killed launcher still holds the directory. Throws when a live runner owns the directory.
 */
export async function reclaimPostmasterLock(
  dataDir: string,
  logger: PersistenceLogger,
): Promise<PostmasterLockOutcome> {
  const lockFile = join(dataDir, 'postmaster.pid');
  let content: string;
  try {
    content = await readFile(lockFile, 'utf8');
  } catch {
    return 'absent';
  }
  const pid = Number.parseInt(content.split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid)) {
    logger.warn('removing stale postmaster.pid (PostgreSQL did not shut down cleanly)', { dataDir, pid });
    await rm(lockFile, { force: true });
    return 'removed-stale';
  }
  const cwd = procCwd(pid);
  const commandLine = procCommandLine(pid);
  if (cwd === undefined && commandLine === undefined) return 'left-to-postgres';
  const realDataDir = await realpath(dataDir);
  // The postmaster chdirs into its data directory and was started with `-D <dataDir>`.
  const servesDataDir =
    cwd === realDataDir || (commandLine ?? []).some((arg) => arg === dataDir || arg === realDataDir);
  if (!servesDataDir) {
    logger.warn('removing postmaster.pid whose pid now belongs to another process', { dataDir, pid });
    await rm(lockFile, { force: true });
    return 'removed-stale';
  }
  const ownerPid = procStat(pid)?.ppid;
  if (ownerPid !== undefined && ownerPid > 1 && isRunner(ownerPid)) {
    throw new Error(
      `embedded PostgreSQL (pid ${pid}) is already running on ${dataDir}, started by process ${ownerPid}; ` +
        'one process owns a data directory at a time',
    );
  }
  logger.warn('shutting down PostgreSQL left running on this data directory by a killed launcher', {
    dataDir,
    pid,
  });
  await shutDown(pid);
  return 'stopped-orphan';
}

function isRunner(pid: number): boolean {
  return (procCommandLine(pid) ?? []).some((arg) => arg.includes(RUNNER_MARKER));
}

/** Fast shutdown (SIGINT); then immediate (SIGQUIT); then SIGKILL, each with a deadline. */
async function shutDown(pid: number): Promise<void> {
  const steps: Array<[NodeJS.Signals, number]> = [
    ['SIGINT', 30_000],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ];
  for (const [signal, timeoutMs] of steps) {
    try {
      process.kill(pid, signal);
    } catch {
      return; // already gone
    }
    if (await waitForExit(pid, timeoutMs)) return;
  }
  throw new Error(`PostgreSQL pid ${pid} did not exit after SIGKILL`);
}

/** Polls until the process is gone (it is not our child, so there is no exit event to wait on). */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) return false;
    await delay(25);
  }
  return true;
}
