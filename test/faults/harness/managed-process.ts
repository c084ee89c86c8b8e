import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = join(__dirname, '..', '..', '..');
const TAIL_LINES = 60;

/** How a child process ended. */
export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly at: number;
}

/**
 * One child process of the system under test (the broker or a service), run from TypeScript sources
 * the way the launcher runs them. Its output goes to a log file and a short tail kept for failures.
 */
export class ManagedProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<ExitInfo> | null = null;
  private readonly tail: string[] = [];
  private readonly log: WriteStream;

  constructor(
    readonly name: string,
    private readonly script: string,
    private readonly args: readonly string[],
    private readonly env: NodeJS.ProcessEnv,
    logFile: string,
  ) {
    this.log = createWriteStream(logFile, { flags: 'a' });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null;
  }

  start(): void {
    if (this.child !== null) throw new Error(`${this.name} is already running`);
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', this.script, ...this.args],
      { cwd: ROOT, env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    this.note(`--- started pid ${child.pid}`);
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => this.note(line));
    }
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.child = null;
        this.note(`--- exited (${signal ?? `code ${code}`})`);
        resolve({ code, signal, at: Date.now() });
      }),
    );
  }

  /** Sends a signal to the running child (SIGKILL, SIGTERM, SIGSTOP, SIGCONT). */
  signal(signal: NodeJS.Signals): void {
    if (this.child === null) throw new Error(`${this.name} is not running (cannot send ${signal})`);
    this.note(`--- ${signal}`);
    this.child.kill(signal);
  }

  /** Resolves when the current child exits (at once if none runs). */
  async waitForExit(timeoutMs: number): Promise<ExitInfo> {
    if (this.exited === null || this.child === null) return { code: null, signal: null, at: Date.now() };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${this.name} did not exit within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILL and wait: used for teardown and for crash faults. */
  async kill(): Promise<ExitInfo> {
    if (this.child === null) return { code: null, signal: null, at: Date.now() };
    this.signal('SIGKILL');
    return this.waitForExit(10_000);
  }

  /** The last lines the process printed, for failure messages. */
  lastLines(): string {
    return this.tail.map((line) => `${this.name}| ${line}`).join('\n');
  }

  close(): void {
    this.log.end();
  }

  private note(line: string): void {
    this.log.write(`${new Date().toISOString()} ${line}\n`);
    this.tail.push(line.length > 400 ? `${line.slice(0, 400)}…` : line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
  }
}
