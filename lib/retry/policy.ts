/**
 * Every retry policy of the product in one place: how KMS requests (reads and writes) are retried
 * for throttling, transient failures, keys KMS has not caught up with (settling) and principals IAM
 * has not propagated, how long the waits for keys in transition poll, and how the request itself
 * re-reads and answers. The mechanism is `withRetry` (retry.ts) and `poll` (poll.ts); this module
 * holds the limits, the timings and the messages. docs/behaviour.md §9 says what each one is for.
 */
import { KmsError } from '../errors.ts';
import { type BackoffOptions, DEFAULT_BACKOFF } from './retry.ts';

// ── Throttling and transient failures ────────────────────────────────────────────────────────────

/** Attempts in all for an idempotent request meeting 5xx / network errors. */
export const MAX_ATTEMPTS = 6;

/**
 * Attempts in all while KMS throttles: higher, because a throttled request did nothing and the
 * deadline bounds the wait anyway (a throttling storm must slow the run down, not fail it).
 */
export const MAX_THROTTLED_ATTEMPTS = 20;

/** Attempts in all for one read request (throttling, 5xx). */
export const READ_ATTEMPTS = 8;

export { DEFAULT_BACKOFF };

// ── Principal propagation ────────────────────────────────────────────────────────────────────────

/** Backoff while waiting for IAM to propagate new principals: full jitter over 1 s … 15 s. */
export const POLICY_PROPAGATION_BACKOFF = { baseMs: 1_000, capMs: 15_000 } as const;

/** How long to wait for IAM to propagate a policy's principals. */
export const DEFAULT_POLICY_PROPAGATION_TIMEOUT_MS = 120_000;

/**
 * How long a listing (ListKeys, ListAliases) answering an AccessDeniedException that no service
 * control policy caused is asked again (lib/reader/readRetry.ts): a role made with the stack whose
 * IAM policy has not propagated yet. IAM documents no bound ("eventually consistent"); a guess,
 * overridable with the function's `IAM_PROPAGATION_MS`.
 */
export const IAM_PROPAGATION_MS = 60_000;

/** Backoff of those retries: full jitter over 1 s … 8 s. */
export const IAM_PROPAGATION_BACKOFF: BackoffOptions = { baseMs: 1_000, capMs: 8_000 };

// ── Settling: keys KMS has not caught up with ────────────────────────────────────────────────────

/**
 * How a key is known decides which codes count as "not caught up yet":
 * - `made`: the key was made or changed in this request (CreateKey, ReplicateKey, UpdatePrimaryRegion):
 *   NotFoundException and KMSInvalidStateException.
 * - `listed`: the reader has just listed the key: NotFoundException (a listed key is never taken for
 *   "already gone"). KMSInvalidStateException keeps its meaning (e.g. already pending deletion).
 */
export type SettlingClass = 'made' | 'listed';

/** How long one request keeps retrying a key KMS has not caught up with. Real KMS: seconds. */
export const DEFAULT_SETTLING_TIMEOUT_MS = 30_000;

/** How long a listed (or just made) key answering NotFoundException is read again. */
export const READ_SETTLING_MS = 20_000;

/** Backoff of those retries: full jitter over 200 ms … 2 s (short: the wait is usually under 2 s). */
export const SETTLING_BACKOFF: BackoffOptions = { baseMs: 200, capMs: 2_000 };

const SETTLING_CODES: Record<SettlingClass, readonly string[]> = {
  made: ['NotFoundException', 'KMSInvalidStateException'],
  listed: ['NotFoundException'],
};

/** True when `error` is what a key of `settling` answers while KMS catches up. */
export function isSettling(error: unknown, settling: SettlingClass | undefined): boolean {
  return settling !== undefined && error instanceof KmsError && SETTLING_CODES[settling].includes(error.code);
}

/** The message of a key that stayed unsettled for the whole wait: says what happened and that a retry resumes. */
export function stillSettling(error: KmsError, waitedMs: number): KmsError {
  return new KmsError(error.code, `${error.message.replace(/^\w+: /, '')} (still after ${Math.round(waitedMs / 1000)} s of retries: KMS had not caught up)`, {
    cause: error,
    context: error.context,
    retryable: true,
  });
}

// ── Keys in transition ───────────────────────────────────────────────────────────────────────────

/** How long a new replica may stay `Creating`. */
export const DEFAULT_REPLICA_READY_TIMEOUT_MS = 60_000;

/** How long both keys may stay `Updating` after UpdatePrimaryRegion. */
export const DEFAULT_PRIMARY_UPDATE_TIMEOUT_MS = 300_000;

/**
 * Polling of a new replica's state: once at once (a replica found existing may be ready), then after
 * `firstMs` (a replica takes seconds: earlier polls only spend requests), then every `intervalMs`.
 * Fine-grained because every alias and key of the replica waits on it: on average a replica is seen
 * ready half an interval late, and one poll per `intervalMs` is a small share of DescribeKey's quota.
 */
export const REPLICA_POLL = { firstMs: 1_000, intervalMs: 100 } as const;

/**
 * Polling of both keys after UpdatePrimaryRegion: first after `firstMs`, then doubling up to
 * `maxIntervalMs` (KMS takes seconds to minutes; a few DescribeKey calls of a 2,000/s quota).
 */
export const PRIMARY_UPDATE_POLL = { firstMs: 250, maxIntervalMs: 2_000 } as const;

/** Waits between reads while keys are in transition: 250 ms, doubling up to 2 s. */
export const SETTLE_POLL = { firstMs: 250, capMs: 2_000 } as const;

// ── The request ──────────────────────────────────────────────────────────────────────────────────

/** Read, plan and execute at most this many times when failures were transient. */
export const MAX_RECONCILE_PASSES = 3;

/** Pause before a reconcile pass that follows transient failures (KMS's listings catching up). */
export const REREAD_PAUSE_MS = 1_000;

/** The PUT of the answer to CloudFormation: attempts, window, per-attempt timeout, backoff. */
export const RESPONSE_PUT = { maxAttempts: 6, windowMs: 30_000, attemptTimeoutMs: 10_000, backoffBaseMs: 250, backoffCapMs: 4_000 } as const;
