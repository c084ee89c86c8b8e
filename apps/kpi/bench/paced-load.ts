/**
 * An open-loop HTTP load for the kpi bench, run as a process of its own:
 * `node -r ts-node/register/transpile-only paced-load.ts <url> <requests/s> <seconds> <header=value>...`
 *
 * Request i is due at start + i / rate, evenly spaced, whether or not earlier answers are in (as
 * independent users would ask), and its latency runs from when it was due: a stalled server or a
 * late timer here counts against the answer, not hidden by sending less. autocannon's `-R` instead
 * lets every connection send its share of each second back to back at the second's start, so its
 * latency grows with the connection count at the same rate. Prints one JSON line of results.
 */
import { Agent, request } from 'node:http';

export interface PacedResult {
  readonly sent: number;
  readonly answered: number;
  readonly failed: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

async function pacedLoad(
  url: string,
  rate: number,
  seconds: number,
  headers: Record<string, string>,
): Promise<PacedResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let failed = 0;
  const start = performance.now() + 50;
  const ask = (dueAt: number) =>
    new Promise<void>((resolve) => {
      const req = request(url, { agent, headers }, (res) => {
        res.on('data', () => undefined);
        res.on('end', () => {
          if (res.statusCode === 200) latencies.push(performance.now() - dueAt);
          else failed++;
          resolve();
        });
      });
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end();
    });
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const dueAt = start + (i * 1000) / rate;
    const wait = dueAt - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(ask(dueAt));
  }
  await Promise.all(pending);
  agent.destroy();
  const sorted = [...latencies].sort((a, b) => a - b);
  const result: PacedResult = {
    sent: total,
    answered: latencies.length,
    failed,
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? NaN,
  };
  return result;
}

if (require.main === module) {
  const [url, rate, seconds, ...headerArgs] = process.argv.slice(2);
  const headers = Object.fromEntries(
    headerArgs.map((arg) => [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]),
  );
  pacedLoad(url, Number(rate), Number(seconds), headers).then(
    (result) => console.log(JSON.stringify(result)),
    (error: Error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
