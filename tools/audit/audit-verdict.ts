/** Severities `npm audit` reports, lowest first. */
const SEVERITIES = ['info', 'low', 'moderate', 'high', 'critical'] as const;
type Severity = (typeof SEVERITIES)[number];

/** What fails the audit: a high or critical advisory in a production dependency. */
const FAILING: readonly Severity[] = ['high', 'critical'];

/** What one `npm audit --omit=dev --json` run says. */
export type AuditVerdict =
  | { readonly kind: 'clean'; readonly counts: Readonly<Record<Severity, number>> }
  | { readonly kind: 'vulnerable'; readonly packages: readonly string[] }
  | { readonly kind: 'unavailable'; readonly reason: string };

interface AuditReport {
  metadata?: { vulnerabilities?: Partial<Record<Severity, number>> };
  vulnerabilities?: Record<string, { severity?: string }>;
  message?: string;
}

/**
 * Reads `npm audit --json` output. A report without `metadata` is npm's error object (the registry's
 * advisory endpoint refused or could not be reached): nothing was checked, which is not "clean".
 */
export function judgeAudit(json: string): AuditVerdict {
  let report: AuditReport;
  try {
    report = JSON.parse(json) as AuditReport;
  } catch {
    return { kind: 'unavailable', reason: 'npm audit printed no JSON report' };
  }
  const counted = report.metadata?.vulnerabilities;
  if (counted === undefined)
    return { kind: 'unavailable', reason: report.message ?? 'npm audit printed no vulnerability counts' };
  const packages = Object.entries(report.vulnerabilities ?? {})
    .filter(([, advisory]) => FAILING.includes(advisory.severity as Severity))
    .map(([name, advisory]) => `${name} (${advisory.severity})`)
    .sort();
  if (packages.length > 0 || FAILING.some((severity) => (counted[severity] ?? 0) > 0))
    return { kind: 'vulnerable', packages };
  const counts = Object.fromEntries(SEVERITIES.map((severity) => [severity, counted[severity] ?? 0]));
  return { kind: 'clean', counts: counts as Record<Severity, number> };
}
