/**
 * The kpi bench's HTTP side: the two loads on `GET /kpis` (autocannon, and evenly spaced requests),
 * each in a process of its own, and what the API process says about itself on `/metrics`.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type autocannon from 'autocannon';
import type { PacedResult } from './paced-load';

/** A load on one URL: `rate` requests/s for `seconds`, with `headers`, over `connections` (autocannon). */
export interface ApiLoad {
  readonly rate: number;
  readonly seconds: number;
  readonly connections: number;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * autocannon in a process of its own: in this one, the producer and the visibility poller would
 * delay its clock and its sockets, and their delay would be counted as the API's.
 */
export async function loadInOwnProcess(url: string, load: ApiLoad): Promise<autocannon.Result> {
  const args = [
    require.resolve('autocannon/autocannon.js'),
    '-j',
    ...['-c', String(load.connections), '-R', String(load.rate), '-d', String(load.seconds)],
    ...Object.entries(load.headers).flatMap(([name, value]) => ['-H', `${name}=${value}`]),
    url,
  ];
  return jsonPrintedBy<autocannon.Result>('autocannon', args, 'ignore');
}

/** GET `url` at `load.rate` evenly spaced requests/s for `load.seconds`, from a process of its own (paced-load.ts). */
export async function pacedInOwnProcess(
  url: string,
  load: Omit<ApiLoad, 'connections'>,
): Promise<PacedResult> {
  const args = [
    '-r',
    'ts-node/register/transpile-only',
    join(__dirname, 'paced-load.ts'),
    url,
    String(load.rate),
    String(load.seconds),
    ...Object.entries(load.headers).map(([name, value]) => `${name}=${value}`),
  ];
  return jsonPrintedBy<PacedResult>('paced load', args, 'inherit');
}

/** Runs `node args…` and parses what it printed on stdout as JSON; its stderr goes to `stderr`. */
async function jsonPrintedBy<T>(
  what: string,
  args: readonly string[],
  stderr: 'ignore' | 'inherit',
): Promise<T> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', stderr] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${what} exited with ${code}`);
  return JSON.parse(output) as T;
}

/** The kpi process's event-loop delay since its previous scrape, from prom-client's default metrics. */
export async function eventLoopLag(base: string): Promise<{ p50: string; p99: string; max: string }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const ms = (name: string) => {
    const match = new RegExp(`^${name} ([0-9.e+-]+)`, 'm').exec(text);
    return match === null ? 'n/a' : (Number(match[1]) * 1000).toFixed(0);
  };
  return {
    p50: ms('nodejs_eventloop_lag_p50_seconds'),
    p99: ms('nodejs_eventloop_lag_p99_seconds'),
    max: ms('nodejs_eventloop_lag_max_seconds'),
  };
}

/** The API's own `GET /kpis` duration histogram: cumulative count per upper bound (seconds). */
export async function serverDurations(base: string): Promise<Map<number, number>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const counts = new Map<number, number>();
  const line = /^opsline_http_request_duration_seconds_bucket\{(.*)\} ([0-9.e+-]+)$/gm;
  for (const [, labels, value] of text.matchAll(line)) {
    if (!labels.includes('route="/kpis"') || !labels.includes('method="GET"')) continue;
    const le = /le="([^"]+)"/.exec(labels)?.[1] ?? '+Inf';
    const bound = le === '+Inf' ? Infinity : Number(le);
    counts.set(bound, (counts.get(bound) ?? 0) + Number(value));
  }
  return counts;
}

/** Share of the requests between two histogram readings answered within each bound, e.g. "≤ 50 ms 97%". */
export function serverShares(
  before: Map<number, number>,
  after: Map<number, number>,
  boundsS: number[],
): string {
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  if (total === 0) return 'no requests';
  return boundsS
    .map((bound) => {
      const within = (after.get(bound) ?? 0) - (before.get(bound) ?? 0);
      return `≤ ${bound * 1000} ms ${((100 * within) / total).toFixed(1)}%`;
    })
    .join(', ');
}
