import { createHash } from 'node:crypto';

/** The scope that grants every other scope. */
export const ADMIN_SCOPE = 'admin';
/** The documented key accepted, with every scope, when `OPSLINE_API_KEYS` is not set (never in production). */
export const DEV_API_KEY = 'dev-key';

/** One scope a key holds, optionally limited to one warehouse (`warehouse:write@WH-1`). */
export interface ScopeGrant {
  readonly scope: string;
  /** When set, the grant covers only events of this warehouse. */
  readonly warehouseId?: string;
}

/** A configured key, identified in logs by `label` (never by the key itself). */
export interface ApiKeyEntry {
  /** Unique per configured key: its position in `OPSLINE_API_KEYS` (`#3`), or `dev`. */
  readonly id: string;
  readonly label: string;
  readonly grants: readonly ScopeGrant[];
}

/** `OPSLINE_API_KEYS` could not be parsed; `problems` names each bad entry. */
export class ApiKeySpecError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
    this.name = 'ApiKeySpecError';
  }
}

const SCOPE = /^[a-z][a-z0-9-]*:[a-z][a-z0-9-]*$/;
const WAREHOUSE_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const KEY = /^[A-Za-z0-9._~+/=-]{1,256}$/;

/**
 * The parsed `OPSLINE_API_KEYS` table. Keys are held as SHA-256 digests, so a lookup neither keeps the
 * secret in memory nor compares it character by character.
 */
export class ApiKeyTable {
  private constructor(
    private readonly entries: ReadonlyMap<string, ApiKeyEntry>,
    /** `true` when no keys are configured and only {@link DEV_API_KEY} is accepted. */
    readonly isDevDefault: boolean,
  ) {}

  /**
   * Parses `k1=orders:write,returns:write;k2=warehouse:write@WH-1;k4=admin`: entries separated by `;`,
   * key and scopes by the last `=`, scopes by `,`; blanks around separators and empty entries ignored.
   * @throws ApiKeySpecError naming every malformed entry (by position and a masked key).
   */
  static parse(spec: string): ApiKeyTable {
    const entries = new Map<string, ApiKeyEntry>();
    const problems: string[] = [];
    const rawEntries = spec.split(';').map((entry) => entry.trim());
    rawEntries.forEach((raw, index) => {
      if (raw === '') return;
      const parsed = parseEntry(raw, index + 1);
      if (typeof parsed === 'string') {
        problems.push(parsed);
        return;
      }
      const digest = digestOf(parsed.key);
      if (entries.has(digest)) {
        problems.push(`entry ${index + 1} (${parsed.entry.label}) repeats a key configured earlier`);
        return;
      }
      entries.set(digest, parsed.entry);
    });
    if (problems.length === 0 && entries.size === 0) problems.push('no key is configured');
    if (problems.length > 0) throw new ApiKeySpecError(problems);
    return new ApiKeyTable(entries, false);
  }

  /** The single-machine default: {@link DEV_API_KEY} with the admin scope. */
  static devDefault(): ApiKeyTable {
    const entry: ApiKeyEntry = { id: 'dev', label: DEV_API_KEY, grants: [{ scope: ADMIN_SCOPE }] };
    return new ApiKeyTable(new Map([[digestOf(DEV_API_KEY), entry]]), true);
  }

  /** The table for an optional spec: parsed when set and not blank, else {@link devDefault}. */
  static fromEnvironment(spec: string | undefined): ApiKeyTable {
    return spec === undefined || spec.trim() === '' ? ApiKeyTable.devDefault() : ApiKeyTable.parse(spec);
  }

  /** The entry for a presented key, or `undefined` when unknown. */
  lookup(key: string): ApiKeyEntry | undefined {
    return this.entries.get(digestOf(key));
  }

  /** How many keys are configured. */
  get size(): number {
    return this.entries.size;
  }
}

function parseEntry(raw: string, position: number): { key: string; entry: ApiKeyEntry } | string {
  const separator = raw.lastIndexOf('=');
  const key = separator < 0 ? raw : raw.slice(0, separator).trim();
  const label = maskKey(key, position);
  const where = `entry ${position} (${label})`;
  if (separator < 0) return `${where} has no "=": write <key>=<scope>[,<scope>...]`;
  if (!KEY.test(key)) return `${where} has a key that is empty or uses characters outside [A-Za-z0-9._~+/=-]`;
  const scopeTexts = raw
    .slice(separator + 1)
    .split(',')
    .map((scope) => scope.trim());
  if (scopeTexts.every((scope) => scope === '')) return `${where} lists no scope`;
  const grants: ScopeGrant[] = [];
  for (const text of scopeTexts) {
    const grant = parseGrant(text);
    if (typeof grant === 'string') return `${where}: ${grant}`;
    grants.push(grant);
  }
  return { key, entry: { id: `#${position}`, label, grants } };
}

function parseGrant(text: string): ScopeGrant | string {
  if (text === '') return 'has an empty scope (two commas in a row?)';
  const at = text.indexOf('@');
  const scope = at < 0 ? text : text.slice(0, at);
  const warehouseId = at < 0 ? undefined : text.slice(at + 1);
  if (scope !== ADMIN_SCOPE && !SCOPE.test(scope)) {
    return `scope "${text}" is not "admin" or <area>:<action> in lower case (e.g. orders:write)`;
  }
  if (warehouseId === undefined) return { scope };
  if (scope === ADMIN_SCOPE) return `scope "${text}": admin cannot be limited to a warehouse`;
  if (!WAREHOUSE_ID.test(warehouseId)) {
    return `scope "${text}" names an invalid warehouse id (1..64 characters of [A-Za-z0-9._:-])`;
  }
  return { scope, warehouseId };
}

/** A key as logs may show it: its first characters when it is long enough to stay secret, else its position. */
function maskKey(key: string, position: number): string {
  return key.length >= 16 ? `key ${key.slice(0, 4)}…` : `key #${position}`;
}

function digestOf(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
