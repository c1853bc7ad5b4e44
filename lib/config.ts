/**
 * The function's configuration: its environment variables read once per invocation into a typed
 * `FunctionConfig`, with every problem listed. A set variable that is invalid is a problem, never a
 * silent default: a typo in `KMS_QUOTAS` must not quietly keep the default quotas. A request whose
 * configuration has problems answers FAILED before any AWS call (docs/behaviour.md §8).
 */
import { DEFAULT_KMS_QUOTAS, type KmsQuotas } from './kmsApi.ts';
import { LOG_LEVELS, type LogLevel } from './logger.ts';

/** `process.env`, or what a test injects. */
export type Env = Record<string, string | undefined>;

/** Default deadline margin: a KMS request in flight may take ~10 s to time out, the PUT a few more. */
export const DEFAULT_DEADLINE_MARGIN_MS = 20_000;

/** Below this, the PUT itself would have no time left. */
export const MIN_DEADLINE_MARGIN_MS = 2_000;

export interface FunctionConfig {
  /** `AWS_REGION`: the Region the function runs in (Lambda always sets it). */
  region: string | undefined;
  /** `EXECUTION_ROLE_ARN`: the function's role, named in every key policy; `''` when unset. */
  executionRoleArn: string;
  /** `KMS_QUOTAS`: raised request quotas (operation → requests per second); `{}` = the defaults. */
  kmsQuotas: Partial<KmsQuotas>;
  /** `DEADLINE_MARGIN_MS`: time kept back from the Lambda deadline (lib/request/deadline.ts). */
  deadlineMarginMs: number;
  /**
   * `IAM_PROPAGATION_MS`: how long a KMS request denied by anything but a service control policy is
   * asked again before the request fails (lib/retry/policy.ts, reads and writes alike); undefined = the default.
   */
  iamPropagationMs: number | undefined;
  /** `POWERTOOLS_LOG_LEVEL` or `LOG_LEVEL`, case-insensitive; `info` when unset or unknown. */
  logLevel: LogLevel;
  /**
   * `REQUEST_VERIFICATION`: `on` (default, also when unset) verifies every request with
   * CloudFormation before any KMS call; `off` (only for harnesses that invoke the bundle directly)
   * skips that, with a warning on every request. Any other value is a problem.
   */
  requestVerification: boolean;
  /** `TRUSTED_RESPONSE_HOSTS`: extra ResponseURL hosts (`host`: any port, or `host:port`), comma-separated, for local runs; `[]` when unset. */
  trustedResponseHosts: string[];
}

/** The configuration, with defaults where a value is invalid, and the problems (empty when valid). */
export interface ConfigReading {
  config: FunctionConfig;
  problems: string[];
}

export interface ReadConfigOptions {
  /** Whether the request needs `EXECUTION_ROLE_ARN` (a key policy does; a Delete must not fail for want of it). */
  executionRoleRequired: boolean;
}

/** Reads every variable; never throws. */
export function readConfig(env: Env, options: ReadConfigOptions = { executionRoleRequired: true }): ConfigReading {
  const problems: string[] = [];
  const deadlineMarginMs = readDeadlineMargin(env.DEADLINE_MARGIN_MS, problems);
  const executionRoleArn = env.EXECUTION_ROLE_ARN ?? '';
  if (executionRoleArn === '' && options.executionRoleRequired) problems.push('EXECUTION_ROLE_ARN is not set');
  const kmsQuotas = readKmsQuotas(env.KMS_QUOTAS, problems);
  const iamPropagationMs = readIamPropagation(env.IAM_PROPAGATION_MS, problems);
  const requestVerification = readRequestVerification(env.REQUEST_VERIFICATION, problems);
  const trustedResponseHosts = readTrustedResponseHosts(env.TRUSTED_RESPONSE_HOSTS, problems);
  return {
    config: {
      region: env.AWS_REGION,
      executionRoleArn,
      kmsQuotas,
      deadlineMarginMs,
      iamPropagationMs,
      logLevel: readLogLevel(env),
      requestVerification,
      trustedResponseHosts,
    },
    problems,
  };
}

/** `IAM_PROPAGATION_MS`: milliseconds, an integer ≥ 0 (0: an access denial other than an SCP's fails at once). */
function readIamPropagation(raw: string | undefined, problems: string[]): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (Number.isInteger(value) && value >= 0) return value;
  problems.push(`IAM_PROPAGATION_MS must be an integer number of milliseconds ≥ 0, got ${JSON.stringify(raw)}`);
  return undefined;
}

/** `REQUEST_VERIFICATION`: `on` or `off` (case-insensitive); unset or empty is `on`. A typo never turns it off. */
function readRequestVerification(raw: string | undefined, problems: string[]): boolean {
  const value = (raw ?? '').trim().toLowerCase();
  if (value === '' || value === 'on') return true;
  if (value === 'off') return false;
  problems.push(`REQUEST_VERIFICATION must be "on" or "off", got ${JSON.stringify(raw)}`);
  return true;
}

/** A host name or IPv4 address, optionally `:port`; lower case. IPv6 literals are not accepted. */
const HOST_ENTRY = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/;

/** `TRUSTED_RESPONSE_HOSTS`: comma-separated `host` or `host:port` entries, compared with the URL's host exactly. */
function readTrustedResponseHosts(raw: string | undefined, problems: string[]): string[] {
  if (raw === undefined || raw.trim() === '') return [];
  const entries = raw.split(',').map((entry) => entry.trim().toLowerCase());
  const wrong = entries.filter((entry) => !HOST_ENTRY.test(entry));
  if (wrong.length > 0)
    problems.push(`TRUSTED_RESPONSE_HOSTS must be a comma-separated list of host or host:port, got ${wrong.map((w) => JSON.stringify(w)).join(', ')}`);
  return entries.filter((entry) => HOST_ENTRY.test(entry));
}

/** `DEADLINE_MARGIN_MS`: milliseconds, an integer ≥ 2,000. */
function readDeadlineMargin(raw: string | undefined, problems: string[]): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_DEADLINE_MARGIN_MS;
  const value = Number(raw);
  if (Number.isInteger(value) && value >= MIN_DEADLINE_MARGIN_MS) return value;
  problems.push(`DEADLINE_MARGIN_MS must be an integer number of milliseconds ≥ ${MIN_DEADLINE_MARGIN_MS}, got ${JSON.stringify(raw)}`);
  return DEFAULT_DEADLINE_MARGIN_MS;
}

/** `KMS_QUOTAS`: a JSON object of KMS operation → requests per second, for accounts with raised quotas. */
function readKmsQuotas(text: string | undefined, problems: string[]): Partial<KmsQuotas> {
  if (text === undefined || text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    problems.push(`KMS_QUOTAS is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    return {};
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push('KMS_QUOTAS must be a JSON object of KMS operation → requests per second');
    return {};
  }
  const wrong: string[] = [];
  for (const [operation, rate] of Object.entries(value)) {
    if (!Object.hasOwn(DEFAULT_KMS_QUOTAS, operation)) wrong.push(`unknown operation ${JSON.stringify(operation)}`);
    else if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0) wrong.push(`${operation} must be a positive number, got ${JSON.stringify(rate)}`);
  }
  if (wrong.length === 0) return value as Partial<KmsQuotas>;
  problems.push(`KMS_QUOTAS: ${wrong.join('; ')}`);
  return {};
}

/** Lenient by design: the level only changes what is logged, and an unknown one logs the default. */
function readLogLevel(env: Env): LogLevel {
  const value = (env.POWERTOOLS_LOG_LEVEL ?? env.LOG_LEVEL ?? '').toLowerCase();
  return Object.hasOwn(LOG_LEVELS, value) ? (value as LogLevel) : 'info';
}
