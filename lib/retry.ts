/**
 * Backoff with full jitter (delay = random × min(cap, base × 2^attempt)) and the classification of
 * KMS errors the executor and the reader retry on. Full jitter spreads the retries of many parallel
 * callers that were throttled at the same moment.
 */
import { KmsError } from './errors.ts';

/** Codes KMS (or the SDK on its behalf) uses for a request refused for rate: nothing happened. */
const THROTTLING_CODES = new Set(['ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded']);

export function isThrottlingCode(code: string): boolean {
  return THROTTLING_CODES.has(code);
}

/** A throttled request: always safe to repeat. */
export function isThrottling(error: unknown): boolean {
  return error instanceof KmsError && isThrottlingCode(error.code);
}

/** Transient, effect unknown (5xx, network): safe to repeat only for idempotent operations. */
export function isTransient(error: unknown): boolean {
  return error instanceof KmsError && error.retryable && !isThrottlingCode(error.code);
}

export interface BackoffOptions {
  /** First delay's ceiling, ms. */
  baseMs: number;
  /** Ceiling of any delay, ms. */
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 100, capMs: 5_000 };

/** Delay before retry number `attempt` (0 = the first retry). */
export function fullJitterDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

export interface RetryOptions extends Partial<BackoffOptions> {
  /** Attempts in all, including the first. */
  maxAttempts: number;
  /** Whether `error` (from attempt `attempt`, 0-based) may be retried. */
  shouldRetry: (error: unknown, attempt: number) => boolean;
  sleep: (ms: number) => Promise<void>;
  random?: () => number;
  /** Called before each retry (for the retry count). */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Epoch ms: a retry that would start after it is not made; the last error is thrown. */
  deadline?: number;
  now?: () => number;
}

/** Runs `fn` until it succeeds, `shouldRetry` says no, attempts run out, or the deadline would pass. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const backoff = { baseMs: options.baseMs ?? DEFAULT_BACKOFF.baseMs, capMs: options.capMs ?? DEFAULT_BACKOFF.capMs };
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt + 1 >= options.maxAttempts || !options.shouldRetry(error, attempt)) throw error;
      const delay = fullJitterDelay(attempt, backoff, options.random);
      if (options.deadline !== undefined && (options.now ?? Date.now)() + delay >= options.deadline) throw error;
      options.onRetry?.(error, attempt, delay);
      await options.sleep(delay);
    }
  }
}

/** `setTimeout` as a promise: the default sleep. */
export function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
