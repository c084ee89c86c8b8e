import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, type ValidationError } from 'class-validator';
import pino from 'pino';
import { createPlatformLogger } from '../logging/platform-logger';

/** One invalid variable and why. */
export interface ConfigProblem {
  readonly variable: string;
  readonly message: string;
}

/** The environment is invalid; `message` lists every bad variable, one per line. */
export class ConfigValidationError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((problem) => `  - ${problem.message}`).join('\n'),
    );
    this.name = 'ConfigValidationError';
  }
}

/** Variables whose values are secrets: their values are never repeated in an error message. */
const SECRET_NAME = /KEY|SECRET|PASSWORD|TOKEN|CREDENTIAL/i;

/**
 * Reads the variables declared on `EnvClass` (its properties and validated fields) from `env`,
 * converts them with class-transformer, validates them with class-validator and returns the instance.
 * Unset or empty variables keep the class's defaults. Checked once, at start.
 *
 * @throws ConfigValidationError naming every bad variable, its rule and the value it got
 *   (`PORT must be an integer 1..65535 (got "abc")`); secret values are not repeated.
 */
export function loadConfig<T extends object>(EnvClass: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const variables = declaredVariables(EnvClass);
  const plain: Record<string, string> = {};
  for (const name of variables) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') plain[name] = value;
  }
  const config = plainToInstance(EnvClass, plain);
  const errors = validateSync(config, { stopAtFirstError: true, forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new ConfigValidationError(flatten(errors).map((error) => describe(error, plain[error.property])));
  }
  return config;
}

/** The class's own properties (initialized or declared) plus every property carrying a validator. */
function declaredVariables(EnvClass: new () => object): string[] {
  const names = new Set(Object.keys(new EnvClass()));
  for (const metadata of getMetadataStorage().getTargetValidationMetadatas(EnvClass, '', true, false)) {
    names.add(metadata.propertyName);
  }
  return [...names];
}

function flatten(errors: readonly ValidationError[]): ValidationError[] {
  return errors.flatMap((error) => [error, ...flatten(error.children ?? [])]);
}

function describe(error: ValidationError, raw: string | undefined): ConfigProblem {
  const variable = error.property;
  const reasons = Object.values(error.constraints ?? {}).map((reason) => withoutName(reason, variable));
  const reason = reasons.length > 0 ? reasons.join(' and ') : 'is invalid';
  return { variable, message: `${variable} ${reason} (${shownValue(variable, raw)})` };
}

/** class-validator messages start with the property name; the problem line adds it once. */
function withoutName(reason: string, variable: string): string {
  return reason.startsWith(`${variable} `) ? reason.slice(variable.length + 1) : reason;
}

function shownValue(variable: string, raw: string | undefined): string {
  if (raw === undefined) return 'not set';
  if (SECRET_NAME.test(variable)) return `got a value of ${raw.length} characters`;
  return `got ${JSON.stringify(maskUrlPassword(raw))}`;
}

function maskUrlPassword(value: string): string {
  try {
    const url = new URL(value);
    if (url.password === '') return value;
    url.password = '***';
    return url.toString();
  } catch {
    return value;
  }
}

/** Options of {@link loadConfigOrExit}. */
export interface LoadConfigOrExitOptions {
  /** Named in the fatal log line. */
  readonly serviceName?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * {@link loadConfig} for a `main.ts`: on a {@link ConfigValidationError} it writes one fatal JSON line
 * to stderr listing every problem and exits with code 1.
 */
export function loadConfigOrExit<T extends object>(
  EnvClass: new () => T,
  options: LoadConfigOrExitOptions = {},
): T {
  try {
    return loadConfig(EnvClass, options.env);
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    const logger = createPlatformLogger({
      serviceName: options.serviceName ?? 'opsline',
      level: 'info',
      destination: pino.destination({ dest: 2, sync: true }),
    });
    logger.fatal({ problems: error.problems }, error.message);
    return process.exit(1);
  }
}
