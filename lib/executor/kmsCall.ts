/**
 * One KMS request as the executor sends it: paced, and retried only when that is safe.
 * - ThrottlingException: always retried (KMS refused it; nothing happened).
 * - 5xx / network errors: retried for idempotent operations only. For CreateKey and ReplicateKey the
 *   effect is unknown (a key may exist), so the error is returned and the outcome is `retryable`:
 *   the orchestrator re-reads (the ownership tags make such a key findable) and plans again.
 * - MalformedPolicyDocumentException "invalid principals": IAM has not propagated a new principal
 *   yet; nothing happened, so retried for up to `policyPropagationTimeoutMs`, then failed with a
 *   message naming the policy's principals.
 */
import { KmsError } from '../errors.ts';
import { fullJitterDelay, isThrottling, isTransient } from '../retry.ts';
import { type ExecutionContext, MAX_ATTEMPTS, MAX_THROTTLED_ATTEMPTS, POLICY_PROPAGATION_BACKOFF, RETRY_BACKOFF } from './context.ts';
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
}

/** KMS's message when a policy names principals IAM does not know (yet). */
const INVALID_PRINCIPALS = /invalid principal/i;

export async function kmsCall<T>(ctx: ExecutionContext, options: KmsCallOptions, send: () => Promise<T>): Promise<T> {
  let attempts = 0;
  let propagationStartedAt: number | undefined;
  let propagationAttempts = 0;
  for (;;) {
    await options.pace();
    try {
      return await send();
    } catch (error) {
      attempts++;
      let delay: number;
      if (options.policy !== undefined && isInvalidPrincipals(error)) {
        propagationStartedAt ??= ctx.now();
        delay = fullJitterDelay(propagationAttempts++, POLICY_PROPAGATION_BACKOFF, ctx.random);
        if (ctx.now() + delay - propagationStartedAt > ctx.policyPropagationTimeoutMs || pastDeadline(ctx, delay)) {
          throw principalsNotPropagated(error as KmsError, options.policy, ctx.now() - propagationStartedAt);
        }
      } else {
        const throttled = isThrottling(error);
        if (throttled) options.onThrottled?.();
        const safe = throttled || (options.idempotent && isTransient(error));
        delay = fullJitterDelay(attempts - 1, RETRY_BACKOFF, ctx.random);
        if (!safe || attempts >= (throttled ? MAX_THROTTLED_ATTEMPTS : MAX_ATTEMPTS) || pastDeadline(ctx, delay)) throw error;
      }
      ctx.countRetry();
      await ctx.sleep(delay);
    }
  }
}

/** True when `error` is a KmsError with one of `codes`. */
export function hasCode(error: unknown, ...codes: string[]): error is KmsError {
  return error instanceof KmsError && codes.includes(error.code);
}

function isInvalidPrincipals(error: unknown): boolean {
  return hasCode(error, 'MalformedPolicyDocumentException') && INVALID_PRINCIPALS.test(error.message);
}

function pastDeadline(ctx: ExecutionContext, delay: number): boolean {
  return ctx.deadline !== undefined && ctx.now() + delay >= ctx.deadline;
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
