/**
 * The one retry helper: a classifier names the kind of each failure, and each kind has its own
 * backoff and budget. Backoff is full jitter (delay = random × min(cap, base × 2^step)): it spreads
 * the retries of many parallel callers that failed at the same moment. Also the classification of
 * KMS and Tagging API errors the executor and the reader share.
 */
import { AwsServiceError } from '../errors.ts';
import type { Clock } from './clock.ts';

/** Codes KMS, the Tagging API (`ThrottledException`), CloudFormation (`Throttling`) or the SDK use for a request refused for rate: nothing happened. */
const THROTTLING_CODES = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'ThrottledException']);

export function isThrottlingCode(code: string): boolean {
  return THROTTLING_CODES.has(code);
}

/** A throttled request: always safe to repeat. */
export function isThrottling(error: unknown): boolean {
  return error instanceof AwsServiceError && isThrottlingCode(error.code);
}

/** Transient, effect unknown (5xx, network): safe to repeat only for idempotent operations. */
export function isTransient(error: unknown): boolean {
  return error instanceof AwsServiceError && error.retryable && !isThrottlingCode(error.code);
}

export interface BackoffOptions {
  /** First delay's ceiling, ms. */
  baseMs: number;
  /** Ceiling of any delay, ms. */
  capMs: number;
}

/** Backoff of KMS throttling / 5xx retries: full jitter over 100 ms … 5 s. */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 100, capMs: 5_000 };

/** Delay before retry number `attempt` (0 = the first retry). */
export function fullJitterDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

/** How one kind of failure is retried. */
export interface RetryRule {
  backoff: BackoffOptions;
  /** Attempts in all, the first included, after which a failure of this kind is final. */
  maxAttempts?: number;
  /** No retry whose wait would end later than this many ms after this kind's first failure. */
  maxWaitMs?: number;
  /**
   * Whether the backoff step and `maxAttempts` count this kind's failures only. Default false: they
   * count every failed attempt of the call, whatever its kind.
   */
  ownCount?: boolean;
  /** The error thrown instead of the last one when this kind runs out of budget or of time. */
  exhausted?: (error: unknown, waitedMs: number) => unknown;
}

/**
 * Names the kind of a failure (a key of the policy's `rules`), or undefined when it is final. May
 * depend on the call (an idempotent request retries more than a CreateKey).
 */
export type RetryClassifier<Kind extends string> = (error: unknown) => Kind | undefined;

export interface RetryPolicy<Kind extends string> {
  classify: RetryClassifier<Kind>;
  rules: Record<Kind, RetryRule>;
}

export interface RetryOptions<Kind extends string> {
  policy: RetryPolicy<Kind>;
  /** Times the failures and waits between attempts. */
  clock: Clock;
  random?: () => number;
  /** Called before each retry: the failure, its 0-based attempt number, its kind, the wait. */
  onRetry?: (error: unknown, attempt: number, delayMs: number, kind: Kind) => void;
  /** Epoch ms: a retry that would start at or after it is not made; the last error is thrown. */
  deadline?: number;
}

/**
 * Runs `fn` (given the 0-based attempt number) until it succeeds or a failure is final: not
 * classified, its kind out of attempts or time, or the deadline before the next attempt.
 */
export async function withRetry<T, Kind extends string>(fn: (attempt: number) => Promise<T>, options: RetryOptions<Kind>): Promise<T> {
  const { clock } = options;
  const now = () => clock.now();
  const failures = new Map<Kind, { count: number; firstAt: number }>();
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      const kind = options.policy.classify(error);
      if (kind === undefined) throw error;
      const rule = options.policy.rules[kind];
      const seen = failures.get(kind) ?? { count: 0, firstAt: now() };
      seen.count++;
      failures.set(kind, seen);
      const step = rule.ownCount ? seen.count - 1 : attempt;
      const delay = fullJitterDelay(step, rule.backoff, options.random);
      const outOfAttempts = rule.maxAttempts !== undefined && step + 1 >= rule.maxAttempts;
      const outOfTime =
        (rule.maxWaitMs !== undefined && now() + delay - seen.firstAt > rule.maxWaitMs) ||
        (options.deadline !== undefined && now() + delay >= options.deadline);
      if (outOfAttempts || outOfTime) throw rule.exhausted === undefined ? error : rule.exhausted(error, now() - seen.firstAt);
      options.onRetry?.(error, attempt, delay, kind);
      await clock.sleep(delay);
    }
  }
}
