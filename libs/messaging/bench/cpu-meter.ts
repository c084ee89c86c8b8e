/** CPU accounting for the messaging bench: this process, the broker process and PostgreSQL's backends, from /proc. */
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { BrokerProcess } from '../../kafka-broker/bench/broker-process';

const CLOCK_TICKS_PER_SECOND = 100;

interface PostgresPids {
  /** Backends connected to the bench database (this run's pools, the relay, the listener). */
  backends: number[];
  /** walwriter, checkpointer, background writer: shared with anything else on the server. */
  background: number[];
}

function procCpuSeconds(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat fields 14 and 15: utime and stime in clock ticks.
    const fields = readProc(`/proc/${pid}/stat`).split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined; // exited, or not readable by this user
  }
}

/** Busy and total CPU seconds of the whole machine (all cores), from /proc/stat. */
function machineCpuSeconds(): { busy: number; total: number } {
  const [, ...ticks] = readProc('/proc/stat').split('\n')[0].trim().split(/\s+/).map(Number);
  const total = ticks.reduce((sum, t) => sum + t, 0);
  const idle = ticks[3] + ticks[4]; // idle + iowait
  return { busy: (total - idle) / CLOCK_TICKS_PER_SECOND, total: total / CLOCK_TICKS_PER_SECOND };
}

function readProc(path: string): string {
  return readFileSync(path, 'utf8');
}

export class CpuMeter {
  /** `servicePids` lists service child processes to account for separately (none by default). */
  constructor(
    private readonly broker: BrokerProcess,
    private readonly admin: Client,
    private readonly databaseName: string,
    private readonly servicePids: () => readonly { name: string; pid: number }[] = () => [],
  ) {}

  async snapshot(): Promise<CpuSnapshot> {
    const { rows } = await this.admin.query<{ pid: number; mine: boolean }>(
      `SELECT pid, datname = $1 AS mine FROM pg_stat_activity
       WHERE datname = $1 OR backend_type IN ('walwriter', 'checkpointer', 'background writer')`,
      [this.databaseName],
    );
    const pids: PostgresPids = {
      backends: rows.filter((r) => r.mine).map((r) => r.pid),
      background: rows.filter((r) => !r.mine).map((r) => r.pid),
    };
    const postgres = new Map<number, number>();
    for (const pid of [...pids.backends, ...pids.background]) {
      const cpu = procCpuSeconds(pid);
      if (cpu !== undefined) postgres.set(pid, cpu);
    }
    const services = new Map<number, { name: string; cpu: number }>();
    for (const { name, pid } of this.servicePids()) {
      const cpu = procCpuSeconds(pid);
      if (cpu !== undefined) services.set(pid, { name, cpu });
    }
    return {
      at: process.hrtime.bigint(),
      bench: process.cpuUsage(),
      services,
      broker: this.broker.cpuSeconds(),
      pids,
      postgres,
      machine: machineCpuSeconds(),
    };
  }

  async since(before: CpuSnapshot): Promise<CpuSplit> {
    const after = await this.snapshot();
    const bench = process.cpuUsage(before.bench);
    // A backend that appeared during the phase counts from zero; one that exited is lost (pools keep theirs).
    const delta = (pids: number[]) =>
      pids.reduce((sum, pid) => sum + (after.postgres.get(pid) ?? 0) - (before.postgres.get(pid) ?? 0), 0);
    return {
      seconds: Number(after.at - before.at) / 1e9,
      bench: (bench.user + bench.system) / 1e6,
      services: [...after.services].reduce(
        (byName, [pid, { name, cpu }]) => byName.set(name, cpu - (before.services.get(pid)?.cpu ?? 0)),
        new Map<string, number>(),
      ),
      broker: after.broker - before.broker,
      postgresBackends: after.postgres.size === 0 ? undefined : delta(after.pids.backends),
      postgresBackground: after.postgres.size === 0 ? undefined : delta(after.pids.background),
      machineBusy: after.machine.busy - before.machine.busy,
      machineTotal: after.machine.total - before.machine.total,
    };
  }
}

export interface CpuSnapshot {
  at: bigint;
  bench: NodeJS.CpuUsage;
  /** CPU seconds of each service child process, by pid. */
  services: Map<number, { name: string; cpu: number }>;
  broker: number;
  pids: PostgresPids;
  postgres: Map<number, number>;
  machine: { busy: number; total: number };
}

export interface CpuSplit {
  seconds: number;
  bench: number;
  /** CPU seconds of each service child process by service name (empty when they run inside the bench process). */
  services: Map<string, number>;
  broker: number;
  postgresBackends: number | undefined;
  postgresBackground: number | undefined;
  machineBusy: number;
  machineTotal: number;
}

/** CPU seconds of all service child processes. */
export function servicesCpu(cpu: CpuSplit): number {
  return [...cpu.services.values()].reduce((sum, seconds) => sum + seconds, 0);
}

export function cpuLine(cpu: CpuSplit): string {
  const share = (x: number) => `${((100 * x) / cpu.seconds).toFixed(0)}%`;
  const part = (label: string, x: number | undefined) =>
    x === undefined ? `${label} n/a` : `${label} ${x.toFixed(2)} s (${share(x)})`;
  const ours =
    cpu.bench + servicesCpu(cpu) + cpu.broker + (cpu.postgresBackends ?? 0) + (cpu.postgresBackground ?? 0);
  const cores = cpu.machineTotal / cpu.seconds;
  return (
    `CPU (% of one core): ${part('bench', cpu.bench)}, ` +
    (cpu.services.size > 0
      ? `${part('services', servicesCpu(cpu))} [${[...cpu.services].map(([name, x]) => `${name} ${share(x)}`).join(', ')}], `
      : '') +
    `${part('broker', cpu.broker)}, ` +
    `${part('postgres backends', cpu.postgresBackends)}, ${part('postgres wal/ckpt/bgwriter', cpu.postgresBackground)}; ` +
    `machine ${share(cpu.machineBusy)} of ${(cores * 100).toFixed(0)}% busy, ` +
    `${share(Math.max(0, cpu.machineBusy - ours))} not ours`
  );
}
