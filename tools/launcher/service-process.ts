import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(__dirname, '..', '..');
const MAX_RESTART_DELAY_MS = 30_000;
/** A child that stayed up this long is healthy again: its next crash restarts it at once. */
const HEALTHY_AFTER_MS = 60_000;
/**
 * The young generation's semi-space, in MB (V8's default is 16). The services allocate short-lived
 * objects per message; a larger nursery scavenges less often. bench:orders, two runs each: 773/713
 * orders/s and 1.49/1.62 ms of service CPU per order with 32, 684/676 and 1.69/1.70 ms without.
 * The Docker image sets the same through NODE_OPTIONS; a NODE_OPTIONS that sets it wins here too.
 */
export const SERVICE_SEMI_SPACE_MB = 32;

/** Node flags for a service: the semi-space size unless NODE_OPTIONS already chooses one. */
export function serviceNodeFlags(nodeOptions: string | undefined): string[] {
  return (nodeOptions ?? '').includes('--max-semi-space-size')
    ? []
    : [`--max-semi-space-size=${SERVICE_SEMI_SPACE_MB}`];
}

/** One opsline service as a supervised child process: restarted with backoff when it dies. */
export class ServiceProcess {
  private child: ChildProcess | null = null;
  private stopping = false;
  private restartDelayMs = 1000;
  private startedAt = 0;
  private restartTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
    private readonly print: (line: string) => void,
  ) {}

  /** The running child's process id, if one is running. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    this.startedAt = Date.now();
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.env, PORT: String(this.port) };
    const child = spawn(
      process.execPath,
      [
        ...serviceNodeFlags(env.NODE_OPTIONS),
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        join(ROOT, 'apps', this.name, 'src', 'main.ts'),
      ],
      {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    for (const stream of [child.stdout, child.stderr]) {
      if (stream)
        createInterface({ input: stream }).on('line', (line) =>
          this.print(`${this.name.padEnd(9)}| ${line}`),
        );
    }
    child.once('exit', (code, signal) => this.onExit(code, signal));
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.child = null;
    if (this.stopping) return;
    if (Date.now() - this.startedAt > HEALTHY_AFTER_MS) this.restartDelayMs = 1000;
    this.print(
      `launcher | ${this.name} exited (${signal ?? `code ${code}`}); restarting in ${this.restartDelayMs} ms`,
    );
    this.restartTimer = setTimeout(() => this.start(), this.restartDelayMs);
    this.restartDelayMs = Math.min(this.restartDelayMs * 2, MAX_RESTART_DELAY_MS);
  }

  /** SIGTERM (the service drains and exits by itself), then SIGKILL after `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    if (this.restartTimer !== null) clearTimeout(this.restartTimer);
    const child = this.child;
    if (child === null || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
