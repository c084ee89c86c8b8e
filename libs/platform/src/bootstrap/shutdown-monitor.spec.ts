import { ShutdownMonitor } from './shutdown-monitor';

describe('ShutdownMonitor', () => {
  it('lists tracked work while it runs and forgets it when it settles', async () => {
    let clock = 1000;
    const monitor = new ShutdownMonitor(() => clock);
    let finish!: () => void;
    const work = monitor.track('outbox drain', () => new Promise<void>((resolve) => (finish = resolve)));
    clock = 1250;
    expect(monitor.pending()).toEqual([{ name: 'outbox drain', runningForMs: 250 }]);
    finish();
    await work;
    expect(monitor.pending()).toEqual([]);
    await expect(monitor.track('failing', () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(monitor.pending()).toEqual([]);
  });

  it('names the Nest shutdown hooks still running, keeping their results and this', async () => {
    class BatchConsumer {
      readonly drained: string[] = [];
      release!: () => void;
      beforeApplicationShutdown(signal?: string): Promise<void> {
        return new Promise((resolve) => {
          this.release = () => {
            this.drained.push(signal ?? 'none');
            resolve();
          };
        });
      }
      onApplicationShutdown(): string {
        return 'closed';
      }
    }
    const consumer = new BatchConsumer();
    const monitor = new ShutdownMonitor();
    monitor.instrument([consumer, consumer, null, 'text', {}]);
    const draining = consumer.beforeApplicationShutdown('SIGTERM');
    expect(monitor.pending().map((work) => work.name)).toEqual(['BatchConsumer.beforeApplicationShutdown']);
    consumer.release();
    await draining;
    expect(consumer.drained).toEqual(['SIGTERM']);
    await expect(consumer.onApplicationShutdown()).resolves.toBe('closed');
    expect(monitor.pending()).toEqual([]);
  });
});
