/**
 * npm run audit:prod — `npm audit --omit=dev`, failing on a high or critical advisory in a production
 * dependency. When the registry's advisory endpoint does not answer (some networks allow only GET
 * requests to the registry, and the audit is a POST) it says so and nothing is checked: exit 0,
 * unless OPSLINE_REQUIRE_AUDIT=1 makes an unavailable audit a failure too.
 */
import { spawnSync } from 'node:child_process';
import { judgeAudit } from './audit-verdict';

const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8', timeout: 120_000 });
const verdict = judgeAudit(run.stdout ?? '');
switch (verdict.kind) {
  case 'clean':
    console.log(`npm audit --omit=dev: no high or critical advisory (${JSON.stringify(verdict.counts)})`);
    break;
  case 'vulnerable':
    console.error(`npm audit --omit=dev: high or critical advisories in ${verdict.packages.join(', ')}`);
    process.exitCode = 1;
    break;
  case 'unavailable':
    console.warn(
      `npm audit --omit=dev: NOT CHECKED, the advisory endpoint did not answer: ${verdict.reason}`,
    );
    if (process.env.OPSLINE_REQUIRE_AUDIT === '1') process.exitCode = 1;
    break;
}
