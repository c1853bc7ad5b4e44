/**
 * One KMS request as the executor sends it: paced, and retried only when that is safe.
 * - ThrottlingException: always retried (KMS refused it; nothing happened).
 * - 5xx / network errors: retried for idempotent operations only. For CreateKey and ReplicateKey the
 *   effect is unknown (a key may exist), so the error is returned and the outcome is `retryable`:
 *   the orchestrator re-reads (the ownership tags make such a key findable) and plans again.
 * - MalformedPolicyDocumentException "invalid principals": IAM has not propagated a new principal
 *   yet; nothing happened, so retried for up to `policyPropagationTimeoutMs`, then failed with a
 *   message naming the policy's principals.
 * - NotFoundException / KMSInvalidStateException on a key KMS has not caught up with yet
 *   (lib/retry/policy.ts, settling): retried for up to `settlingTimeoutMs`, then failed as retryable.
 */
import { hasCode, KmsError } from '../errors.ts';
import { pacedAttempt } from '../retry/pacer.ts';
import {
  DEFAULT_BACKOFF,
  isSettling,
  MAX_ATTEMPTS,
  MAX_THROTTLED_ATTEMPTS,
  POLICY_PROPAGATION_BACKOFF,
  SETTLING_BACKOFF,
  type SettlingClass,
  stillSettling,
} from '../retry/policy.ts';
import { isThrottling, isTransient, type RetryPolicy, withRetry } from '../retry/retry.ts';
import type { ExecutionContext } from './context.ts';
import { principalsOf } from './principals.ts';

export interface KmsCallOptions {
  /** Reserves the request's tokens; awaited before every attempt. */
  pace: () => Promise<void>;
  /** Told when KMS throttled the request anyway, so the pacer can slow down. */
  onThrottled?: () => void;
  /** False for calls whose repetition after an unknown outcome could do the work twice. */
  idempotent: boolean;
  /** The key policy the call carries, if any: enables the principal-propagation wait. */
  policy?: string;
  /** How the key the call acts on is known: which answers mean "KMS has not caught up yet". */
  settling?: SettlingClass;
}

/** KMS's message when a policy names principals IAM does not know (yet). */
const INVALID_PRINCIPALS = /invalid principal/i;

/** The kinds of KMS failure the executor retries. */
export type KmsRetryKind = 'throttling' | 'transient' | 'principalPropagation' | 'settling';

/**
 * The executor's retry policy for one request: which failures are retried (the classifier) and
 * how (one rule per kind). A new kind of retryable failure is one more case and one more rule.
 */
export function kmsRetryPolicy(ctx: ExecutionContext, options: Pick<KmsCallOptions, 'idempotent' | 'policy' | 'settling'>): RetryPolicy<KmsRetryKind> {
  return {
    classify: (error) => {
      if (options.policy !== undefined && isInvalidPrincipals(error)) return 'principalPropagation';
      if (isSettling(error, options.settling)) return 'settling';
      if (isThrottling(error)) return 'throttling';
      if (options.idempotent && isTransient(error)) return 'transient';
      return undefined;
    },
    rules: {
      throttling: { backoff: DEFAULT_BACKOFF, maxAttempts: MAX_THROTTLED_ATTEMPTS },
      transient: { backoff: DEFAULT_BACKOFF, maxAttempts: MAX_ATTEMPTS },
      principalPropagation: {
        backoff: POLICY_PROPAGATION_BACKOFF,
        ownCount: true,
        maxWaitMs: ctx.policyPropagationTimeoutMs,
        exhausted: (error, waitedMs) => principalsNotPropagated(error as KmsError, options.policy ?? '', waitedMs),
      },
      // Nothing happened when KMS answered so: safe to repeat, even CreateKey-like calls.
      settling: {
        backoff: SETTLING_BACKOFF,
        ownCount: true,
        maxWaitMs: ctx.settlingTimeoutMs,
        exhausted: (error, waitedMs) => stillSettling(error as KmsError, waitedMs),
      },
    },
  };
}

export async function kmsCall<T>(ctx: ExecutionContext, options: KmsCallOptions, send: () => Promise<T>): Promise<T> {
  return withRetry(() => pacedAttempt(options.pace, options.onThrottled, send), {
    policy: kmsRetryPolicy(ctx, options),
    clock: ctx.clock,
    random: ctx.random,
    deadline: ctx.deadline,
    onRetry: ctx.countRetry,
  });
}

function isInvalidPrincipals(error: unknown): boolean {
  return hasCode(error, 'MalformedPolicyDocumentException') && INVALID_PRINCIPALS.test(error.message);
}

function principalsNotPropagated(error: KmsError, policy: string, waitedMs: number): KmsError {
  const principals = principalsOf(policy);
  const names = principals.length > 0 ? principals.join(', ') : '(none found in the policy)';
  return new KmsError(
    error.code,
    `the key policy names principals that IAM does not know after ${Math.round(waitedMs / 1000)} s of retries; ` + `check that they exist: ${names}`,
    { cause: error, context: error.context },
  );
}
