/**
 * Every retry policy of the product in one place: how KMS requests (reads and writes alike) are
 * retried for throttling, transient failures, keys KMS has not caught up with (settling), principals
 * a key policy names that IAM has not propagated, and the function role's own permissions IAM has
 * not propagated (an AccessDeniedException no SCP caused) — one rule, one time limit and one message for each — how long
 * the waits for keys in transition poll, and how the request itself re-reads and answers. The
 * mechanism is `withRetry` (retry.ts) and `poll` (poll.ts); this module holds the limits, the
 * timings and the messages. docs/behaviour.md §9 says what each one is for.
 */
import { hasCode, KmsError } from '../errors.ts';
import { isScpDenial } from './accessDenial.ts';
import { type DeniedRequest, notCaughtUp, principalsNotPropagated, stillDenied } from './messages.ts';
import { type BackoffOptions, DEFAULT_BACKOFF, isThrottling, isTransient, type RetryPolicy } from './retry.ts';

// ── Throttling and transient failures ────────────────────────────────────────────────────────────

/** Attempts in all for an idempotent request (every read) meeting 5xx / network errors. */
export const MAX_ATTEMPTS = 6;

/**
 * Attempts in all while KMS throttles: higher, because a throttled request did nothing and the
 * deadline bounds the wait anyway (a throttling storm must slow the run down, not fail it).
 */
export const MAX_THROTTLED_ATTEMPTS = 20;

// ── Principal propagation ────────────────────────────────────────────────────────────────────────

/** Backoff while waiting for IAM to propagate new principals: full jitter over 1 s … 15 s. */
export const POLICY_PROPAGATION_BACKOFF: BackoffOptions = { baseMs: 1_000, capMs: 15_000 };

/**
 * How long a request answering an AccessDeniedException that no service control policy caused is
 * asked again: a role made with the stack whose IAM policy has not propagated yet (a listing of the
 * reader, a CreateKey of the executor alike). IAM documents no bound ("eventually consistent"); a
 * guess, overridable with the function's `IAM_PROPAGATION_MS` (RetryTimings.iamPropagationMs).
 */
export const IAM_PROPAGATION_MS = 60_000;

/** Backoff of those retries: full jitter over 1 s … 8 s. */
export const IAM_PROPAGATION_BACKOFF: BackoffOptions = { baseMs: 1_000, capMs: 8_000 };

/**
 * True when `error` is an AccessDeniedException that may pass with time: any but a service control
 * policy's (lib/retry/accessDenial.ts), which never does and makes a denied Region on the listings.
 */
export function isPropagatingDenial(error: unknown): error is KmsError {
  return hasCode(error, 'AccessDeniedException') && !isScpDenial(error.message);
}

// ── Settling: keys KMS has not caught up with ────────────────────────────────────────────────────

/**
 * How a key is known decides which codes count as "not caught up yet":
 * - `made`: the key was made or changed in this request (CreateKey, ReplicateKey, UpdatePrimaryRegion):
 *   NotFoundException and KMSInvalidStateException.
 * - `listed`: the reader has just listed the key, or an alias targets it: NotFoundException (a
 *   listed key is never taken for "already gone"). KMSInvalidStateException keeps its meaning
 *   (e.g. already pending deletion).
 */
export type SettlingClass = 'made' | 'listed';

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

// ── Time limits ──────────────────────────────────────────────────────────────────────────────────

/**
 * The time limits of the waits; every wait also ends at the request's deadline. Settling has no
 * limit of its own when there is a deadline: KMS says propagation usually takes seconds and
 * sometimes minutes, so a key it has not caught up with is retried for as long as the request may
 * run (its remaining time), and then the request fails saying that a retry finishes the work.
 */
export interface RetryTimings {
  /** Settling when the caller gives no deadline (library callers, the plan CLI). */
  settlingWithoutDeadlineMs: number;
  /** IAM propagating the principals a key policy names. */
  principalPropagationMs: number;
  /** IAM propagating the function role's own policy: an AccessDeniedException no SCP caused (IAM_PROPAGATION_MS). */
  iamPropagationMs: number;
  /** A new replica leaving `Creating`. */
  replicaReadyMs: number;
  /** Both keys leaving `Updating` after UpdatePrimaryRegion. */
  primaryUpdateMs: number;
}

export const DEFAULT_RETRY_TIMINGS: RetryTimings = {
  settlingWithoutDeadlineMs: 30_000,
  principalPropagationMs: 120_000,
  iamPropagationMs: IAM_PROPAGATION_MS,
  replicaReadyMs: 60_000,
  primaryUpdateMs: 300_000,
};

// ── The policy of one KMS request ────────────────────────────────────────────────────────────────

/** The kinds of KMS failure that are retried. */
export type KmsRetryKind = 'throttling' | 'transient' | 'principalPropagation' | 'iamPropagation' | 'settling';

/** What decides how one KMS request is retried. */
export interface KmsRequestTraits {
  /** False for writes whose repetition after an unknown outcome could do the work twice (CreateKey, ReplicateKey). Reads are idempotent. */
  idempotent: boolean;
  /** How the key the request acts on is known: which answers mean "KMS has not caught up yet". */
  settling?: SettlingClass;
  /** The principals of the key policy the request carries: enables the principal-propagation wait. */
  principals?: () => readonly string[];
  /** Names the request in messages, e.g. `ListResourceTags in us-east-1`. */
  what?: string;
  /**
   * Where and what the request is: enables the IAM propagation wait on an AccessDeniedException no
   * SCP caused, whose final message names them. Absent where an AccessDenied means something else
   * (a foreign key's tags, RevokeGrant while KMS catches up with a grant).
   */
  denied?: DeniedRequest;
}

/** The request's time: its deadline (epoch ms; none for library callers) and the limits. */
export interface RetryWindow {
  deadline?: number;
  timings: RetryTimings;
}

/**
 * How one KMS request is retried: which failures (the classifier) and how (one rule per kind).
 * Reads and writes share it; a new kind of retryable failure is one more case and one more rule.
 */
export function kmsRetryPolicy(request: KmsRequestTraits, window: RetryWindow): RetryPolicy<KmsRetryKind> {
  const { principals, denied } = request;
  return {
    classify: (error) => {
      if (principals !== undefined && isInvalidPrincipals(error)) return 'principalPropagation';
      if (denied !== undefined && isPropagatingDenial(error)) return 'iamPropagation';
      if (isSettling(error, request.settling)) return 'settling';
      if (isThrottling(error)) return 'throttling';
      if (request.idempotent && isTransient(error)) return 'transient';
      return undefined;
    },
    rules: {
      throttling: { backoff: DEFAULT_BACKOFF, maxAttempts: MAX_THROTTLED_ATTEMPTS },
      transient: { backoff: DEFAULT_BACKOFF, maxAttempts: MAX_ATTEMPTS },
      principalPropagation: {
        backoff: POLICY_PROPAGATION_BACKOFF,
        ownCount: true,
        maxWaitMs: window.timings.principalPropagationMs,
        exhausted: (error, waitedMs) => principalsNotPropagated(error as KmsError, principals?.() ?? [], waitedMs),
      },
      iamPropagation: {
        backoff: IAM_PROPAGATION_BACKOFF,
        ownCount: true,
        maxWaitMs: window.timings.iamPropagationMs,
        exhausted: (error, waitedMs) => stillDenied(error as KmsError, denied as DeniedRequest, waitedMs),
      },
      // Nothing happened when KMS answered so: safe to repeat, even CreateKey-like calls.
      settling: {
        backoff: SETTLING_BACKOFF,
        ownCount: true,
        maxWaitMs: window.deadline === undefined ? window.timings.settlingWithoutDeadlineMs : undefined,
        exhausted: (error, waitedMs) => notCaughtUp(error as KmsError, waitedMs, request.what),
      },
    },
  };
}

/** KMS's message when a policy names principals IAM does not know (yet). */
const INVALID_PRINCIPALS = /invalid principal/i;

function isInvalidPrincipals(error: unknown): boolean {
  return error instanceof KmsError && error.code === 'MalformedPolicyDocumentException' && INVALID_PRINCIPALS.test(error.message);
}

// ── Keys in transition ───────────────────────────────────────────────────────────────────────────

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

// ── Grants KMS has not caught up with ────────────────────────────────────────────────────────────

/**
 * The one grant-consistency window (docs/behaviour.md §9, §12). KMS: after CreateGrant "there might be a
 * brief delay, usually less than five minutes, until the grant is available throughout KMS"
 * (CreateGrant and RevokeGrant API references): ListGrants may not list it yet and RevokeGrant may
 * answer NotFoundException or AccessDeniedException. A RevokeGrant action (executor/revokeGrant.ts)
 * tries for this long at most — making a grant not listed yet again by name, revoking it, trying
 * again on those answers — and never past the request's deadline; then it fails naming the grant.
 */
export const GRANT_VISIBILITY_WINDOW_MS = 5 * 60_000;

/** Backoff between those tries: 1 s plus full jitter up to 15 s (CreateGrant, RevokeGrant and ListGrants quotas are shared with every key of the Region). */
export const GRANT_LOOKUP_BACKOFF: BackoffOptions = { baseMs: 1_000, capMs: 15_000 };

// ── The request ──────────────────────────────────────────────────────────────────────────────────

/** Read, plan and execute at most this many times when failures were transient. */
export const MAX_RECONCILE_PASSES = 3;

/** Pause before a reconcile pass that follows transient failures (KMS's listings catching up). */
export const REREAD_PAUSE_MS = 1_000;

/** The PUT of the answer to CloudFormation: attempts, window, per-attempt timeout, backoff. */
export const RESPONSE_PUT = { maxAttempts: 6, windowMs: 30_000, attemptTimeoutMs: 10_000, backoffBaseMs: 250, backoffCapMs: 4_000 } as const;
