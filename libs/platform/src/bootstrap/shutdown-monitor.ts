/** Nest lifecycle hooks that run during `app.close()`, in this order. */
export const SHUTDOWN_HOOKS = [
  'onModuleDestroy',
  'beforeApplicationShutdown',
  'onApplicationShutdown',
] as const;

/** Work still running when the shutdown deadline passed. */
export interface PendingWork {
  readonly name: string;
  readonly runningForMs: number;
}

type HookFunction = (...args: unknown[]) => unknown;
const INSTRUMENTED = Symbol('opsline:shutdown-instrumented');

/**
 * Knows what a shutdown is waiting for, so a forced exit can say so. It times every Nest shutdown hook
 * of the instances it is given and any work registered with {@link track}.
 */
export class ShutdownMonitor {
  private readonly running = new Map<number, { name: string; startedAt: number }>();
  private nextId = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Runs `work` as a named piece of pending work until it settles. */
  async track<T>(name: string, work: () => Promise<T> | T): Promise<T> {
    const id = this.nextId++;
    this.running.set(id, { name, startedAt: this.now() });
    try {
      return await work();
    } finally {
      this.running.delete(id);
    }
  }

  /**
   * Wraps the shutdown hooks of each instance (providers, controllers, modules) so they are tracked as
   * `ClassName.hookName`. Instances are wrapped once; everything else about the hook is unchanged.
   */
  instrument(instances: Iterable<unknown>): void {
    for (const instance of instances) {
      if (typeof instance !== 'object' || instance === null || INSTRUMENTED in instance) continue;
      const target = instance as Record<string | symbol, unknown>;
      for (const hook of SHUTDOWN_HOOKS) {
        const original = target[hook];
        if (typeof original !== 'function') continue;
        const name = `${instance.constructor.name}.${hook}`;
        target[hook] = (...args: unknown[]) =>
          this.track(name, () => (original as HookFunction).apply(instance, args));
      }
      target[INSTRUMENTED] = true;
    }
  }

  /** What is still running, longest first. */
  pending(): PendingWork[] {
    const now = this.now();
    return [...this.running.values()]
      .map(({ name, startedAt }) => ({ name, runningForMs: now - startedAt }))
      .sort((a, b) => b.runningForMs - a.runningForMs);
  }
}
