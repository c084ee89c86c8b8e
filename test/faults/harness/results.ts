import { appendFileSync, existsSync, readFileSync } from 'node:fs';

/** One row of the summary table: one fault and what it did to the KPIs. */
export interface FaultResult {
  readonly scenario: string;
  readonly eventsIn: number;
  readonly effectsOut: number;
  readonly effectsExpected: number;
  readonly lost: number;
  readonly doubleCounted: number;
  readonly recoverySeconds: number;
  /** Metric values (counts, rates, cycle times, any bucket) that differ from the oracle. */
  readonly metricDifferences: number;
  readonly passed: boolean;
  readonly note?: string;
}

/** Set by the global setup: the file the spec files append their rows to. */
export const RESULTS_FILE_ENV = 'OPSLINE_FAULTS_RESULTS_FILE';
export const TABLE_START = '<!-- fault-table:start -->';
export const TABLE_END = '<!-- fault-table:end -->';

export function recordResult(result: FaultResult): void {
  const file = process.env[RESULTS_FILE_ENV];
  if (file) appendFileSync(file, `${JSON.stringify(result)}\n`);
}

export function readResults(file: string): FaultResult[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as FaultResult);
}

/** The results as a Markdown table. */
export function resultsTable(results: readonly FaultResult[]): string {
  const header = [
    '| Scenario | Events in | Effects out (expected) | Lost | Double-counted | Recovery s | Result |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  const rows = results.map(
    (r) =>
      `| ${r.scenario} | ${r.eventsIn} | ${r.effectsOut} (${r.effectsExpected}) | ${r.lost} | ${r.doubleCounted} | ` +
      `${r.recoverySeconds.toFixed(1)} | ${r.passed ? 'pass' : `**FAIL**${r.metricDifferences > 0 ? ` (${r.metricDifferences} metric values differ)` : ''}`}${r.note ? ` — ${r.note}` : ''} |`,
  );
  return [...header, ...rows].join('\n');
}
