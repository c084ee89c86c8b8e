import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RESULTS_FILE_ENV } from './harness/results';

/** Gives the run one results file; test workers inherit the variable. */
export default function globalSetup(): void {
  process.env[RESULTS_FILE_ENV] = join(
    mkdtempSync(join(tmpdir(), 'opsline-fault-results-')),
    'results.jsonl',
  );
  process.env.OPSLINE_FAULTS_STARTED_AT = String(Date.now());
}
