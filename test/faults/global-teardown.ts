import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { ROOT } from './harness/managed-process';
import { writeTableToDocs } from './harness/docs-table';
import { readResults, RESULTS_FILE_ENV, resultsTable } from './harness/results';

/** Prints the summary table and, unless FAULTS_WRITE_DOCS=0, puts it in docs/reliability.md. */
export default async function globalTeardown(): Promise<void> {
  const file = process.env[RESULTS_FILE_ENV];
  if (!file) return;
  const results = readResults(file);
  rmSync(dirname(file), { recursive: true, force: true });
  if (results.length === 0) return;
  const seconds = (Date.now() - Number(process.env.OPSLINE_FAULTS_STARTED_AT)) / 1000;
  const table = resultsTable(results);
  const failed = results.filter((r) => !r.passed).length;
  const footer =
    `Run of ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${results.length} faults, ` +
    `${failed} failed, ${seconds.toFixed(0)} s in all (\`npm run test:faults\`${process.env.FAULTS_ALL === '1' ? ', FAULTS_ALL=1' : ''}).`;
  process.stdout.write(`\nFault suite summary\n\n${table}\n\n${footer}\n`);
  if (process.env.FAULTS_WRITE_DOCS !== '0') await writeTableToDocs(ROOT, table, footer);
}
