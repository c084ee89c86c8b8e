import { ChildProcess, spawn } from 'node:child_process';

/** How a child process ended, with everything it wrote. */
export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * A child process whose output is collected line by line as it runs. Every one started is tracked,
 * so `killAllChildren()` in `afterAll` leaves no process (and no open handle) behind.
 */
export class RunningChild {
  readonly stdoutLines: string[] = [];
  readonly stderrLines: string[] = [];
  readonly exited: Promise<Finished>;
  private stdout = '';
  private stderr = '';
  private finished: Finished | undefined;

  constructor(
    readonly description: string,
    private readonly child: ChildProcess,
  ) {
    const collect = (stream: 'stdout' | 'stderr', lines: string[]) => {
      let pending = '';
      return (chunk: Buffer) => {
        const text = chunk.toString();
        this[stream] += text;
        pending += text;
        const complete = pending.split('\n');
        pending = complete.pop() ?? '';
        lines.push(...complete);
      };
    };
    child.stdout?.on('data', collect('stdout', this.stdoutLines));
    child.stderr?.on('data', collect('stderr', this.stderrLines));
    this.exited = new Promise((resolve) => {
      child.on('error', (error) => {
        this.stderr += `${error.message}\n`;
        this.finished ??= { code: null, signal: null, stdout: this.stdout, stderr: this.stderr };
        resolve(this.finished);
      });
      child.on('close', (code, signal) => {
        this.finished ??= { code, signal, stdout: this.stdout, stderr: this.stderr };
        resolve(this.finished);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.finished !== undefined;
  }

  /** Sends `signal` if the process still runs, then waits until it has exited. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<Finished> {
    if (!this.hasExited) this.child.kill(signal);
    return this.exited;
  }

  /** Waits for the process to exit by itself; kills it with SIGKILL and fails after `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<Finished> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([this.exited, deadline]);
    clearTimeout(timer);
    if (outcome !== 'timeout') return outcome;
    const killed = await this.stop('SIGKILL');
    throw new Error(
      `${this.description} did not exit within ${timeoutMs} ms\nstdout:\n${killed.stdout}\nstderr:\n${killed.stderr}`,
    );
  }

  /** Everything written so far, for failure messages. */
  output(): string {
    return `${this.description}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`;
  }
}

const running = new Set<RunningChild>();

export interface StartOptions {
  /** Written to stdin, which is then closed; without it stdin is closed at once. */
  input?: string;
  env?: NodeJS.ProcessEnv;
}

export function startChild(
  command: string,
  args: readonly string[],
  options: StartOptions = {},
): RunningChild {
  const child = spawn(command, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: options.env ?? process.env,
  });
  child.stdin?.on('error', () => undefined); // a child that exits early must not fail the write
  child.stdin?.end(options.input ?? '');
  const started = new RunningChild(`${command} ${args.join(' ')}`, child);
  running.add(started);
  void started.exited.then(() => running.delete(started));
  return started;
}

/** Runs a command to completion (input on stdin), failing after `timeoutMs`. */
export async function runChild(
  command: string,
  args: readonly string[],
  timeoutMs: number,
  options: StartOptions = {},
): Promise<Finished> {
  return startChild(command, args, options).waitForExit(timeoutMs);
}

/** SIGKILLs every child still running and waits for them: for `afterAll`. */
export async function killAllChildren(): Promise<void> {
  await Promise.all([...running].map((child) => child.stop('SIGKILL')));
}
