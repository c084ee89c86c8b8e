import { judgeAudit } from './audit-verdict';

const report = (vulnerabilities: Record<string, { severity: string }>, counts: Record<string, number>) =>
  JSON.stringify({ auditReportVersion: 2, vulnerabilities, metadata: { vulnerabilities: counts } });

describe('judgeAudit', () => {
  it('is clean with only low and moderate advisories', () => {
    expect(judgeAudit(report({ qs: { severity: 'moderate' } }, { moderate: 1, total: 1 }))).toEqual({
      kind: 'clean',
      counts: { info: 0, low: 0, moderate: 1, high: 0, critical: 0 },
    });
  });

  it('names the packages with high or critical advisories', () => {
    expect(
      judgeAudit(
        report(
          { qs: { severity: 'moderate' }, tar: { severity: 'critical' }, ws: { severity: 'high' } },
          { moderate: 1, high: 1, critical: 1 },
        ),
      ),
    ).toEqual({ kind: 'vulnerable', packages: ['tar (critical)', 'ws (high)'] });
  });

  it('does not call an audit that could not run clean', () => {
    const refused = JSON.stringify({
      message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
      statusCode: 405,
      error: { summary: '', detail: '' },
    });
    expect(judgeAudit(refused)).toEqual({
      kind: 'unavailable',
      reason: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
    });
    expect(judgeAudit('')).toMatchObject({ kind: 'unavailable' });
  });
});
