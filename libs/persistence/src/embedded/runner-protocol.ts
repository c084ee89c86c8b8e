/** What the parent tells the runner on its command line (JSON in argv[2]). */
export interface RunnerConfig {
  dataDir: string;
  port: number;
  user: string;
  password: string;
  createPostgresUser: boolean;
  initdbFlags: string[];
  postgresFlags: string[];
}

/** Messages from the runner to the parent over the IPC channel. */
export type RunnerMessage =
  | { type: 'log'; line: string }
  | { type: 'ready'; initialised: boolean; postmasterPid: number | undefined }
  | { type: 'failed'; message: string }
  | { type: 'exited'; code: number | null; signal: string | null };

/** Messages from the parent to the runner. */
export type ParentMessage = { type: 'stop' };

const RUNNER_MESSAGE_TYPES = new Set(['log', 'ready', 'failed', 'exited']);

export function isRunnerMessage(value: unknown): value is RunnerMessage {
  const type = (value as { type?: unknown } | null)?.type;
  return typeof type === 'string' && RUNNER_MESSAGE_TYPES.has(type);
}

export function isParentMessage(value: unknown): value is ParentMessage {
  return (value as { type?: unknown } | null)?.type === 'stop';
}
