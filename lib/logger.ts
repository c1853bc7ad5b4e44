/**
 * Structured JSON logging (docs/behaviour.md §8): one JSON object per line on stdout, which CloudWatch Logs
 * indexes as is. Hand-written rather than `@aws-lambda-powertools/logger`: the same output for a
 * small part of its bundle size (docs/performance.md, "Why these settings"). Secrets — the
 * pre-signed `ResponseURL` above all, which lets anyone answer for the stack — are redacted from
 * every entry, by key and by value.
 */

export const LOG_LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof LOG_LEVELS;

/** What the product's modules log through. */
export interface Log {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger whose entries also carry `fields`, sharing level, sink and redactions. */
  child(fields: Record<string, unknown>): Log;
}

export interface LoggerOptions {
  /** Minimum level written. Default `info`. */
  level?: LogLevel;
  /** Fields on every entry (service, request id, …). */
  fields?: Record<string, unknown>;
  /** Strings replaced by `[REDACTED]` wherever they appear in an entry. */
  secrets?: string[];
  /** Where a serialised line goes. Default: stdout. */
  write?: (line: string) => void;
  now?: () => Date;
}

export const REDACTED = '[REDACTED]';

/** Keys whose values are never logged, whatever they hold. */
const SECRET_KEYS = new Set(['responseurl', 'response_url']);

function redactString(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) if (secret !== '' && out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

/** A JSON-safe copy of `value` with secrets removed; errors become `{name, message, stack}`. */
export function redact(value: unknown, secrets: string[], seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactString(value, secrets);
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (value instanceof Error) {
    const error: Record<string, unknown> = { name: value.name, message: redactString(value.message, secrets) };
    if (value.stack !== undefined) error.stack = redactString(value.stack, secrets);
    if (value.cause !== undefined) error.cause = redact(value.cause, secrets, seen);
    return error;
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, secrets, seen));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEYS.has(key.toLowerCase()) ? REDACTED : redact(item, secrets, seen);
  }
  return out;
}

/** A structured JSON logger. */
export function createLogger(options: LoggerOptions = {}): Log {
  const threshold = LOG_LEVELS[options.level ?? 'info'];
  const secrets = options.secrets ?? [];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());

  const make = (base: Record<string, unknown>): Log => {
    const emit = (level: Exclude<LogLevel, 'silent'>, message: string, fields?: Record<string, unknown>) => {
      if (LOG_LEVELS[level] < threshold) return;
      const entry = redact({ level: level.toUpperCase(), timestamp: now().toISOString(), message, ...base, ...fields }, secrets);
      try {
        write(JSON.stringify(entry));
      } catch {
        // Logging must never break a request.
      }
    };
    return {
      debug: (message, fields) => emit('debug', message, fields),
      info: (message, fields) => emit('info', message, fields),
      warn: (message, fields) => emit('warn', message, fields),
      error: (message, fields) => emit('error', message, fields),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return make(options.fields ?? {});
}

/** A logger that writes nothing (tests, library callers without logging). */
export const silentLog: Log = createLogger({ level: 'silent' });
