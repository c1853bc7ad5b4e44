/**
 * One KMS request as the executor sends it: paced, and retried by the one KMS retry policy
 * (lib/retry/policy.ts):
 * - ThrottlingException: always retried (KMS refused it; nothing happened).
 * - 5xx / network errors: retried for idempotent operations only. For CreateKey and ReplicateKey the
 *   effect is unknown (a key may exist), so the error is returned and the outcome is `retryable`:
 *   the orchestrator re-reads (the ownership tags make such a key findable) and plans again.
 * - MalformedPolicyDocumentException "invalid principals": IAM has not propagated a new principal
 *   yet; nothing happened, so retried for up to `timings.principalPropagationMs`, then failed with a
 *   message naming the policy's principals.
 * - AccessDeniedException that no service control policy caused, when the call names its Region and
 *   operation (`denied`): a role made moments ago whose policy IAM has not propagated yet (CreateKey
 *   right after the stack made the role); nothing happened, so retried for up to
 *   `timings.iamPropagationMs`, then failed naming action, Region and policy type.
 * - NotFoundException / KMSInvalidStateException on a key KMS has not caught up with yet
 *   (settling): retried until the deadline, then failed as retryable.
 */

import type { DeniedRequest } from '../retry/messages.ts';
import { pacedAttempt } from '../retry/pacer.ts';
import { kmsRetryPolicy, type SettlingClass } from '../retry/policy.ts';
import { withRetry } from '../retry/retry.ts';
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
  /** The call's Region and operation: enables the IAM propagation wait; absent where an AccessDenied means something else. */
  denied?: DeniedRequest;
}

export async function kmsCall<T>(ctx: ExecutionContext, options: KmsCallOptions, send: () => Promise<T>): Promise<T> {
  const { policy } = options;
  const traits = {
    idempotent: options.idempotent,
    settling: options.settling,
    principals: policy === undefined ? undefined : () => principalsOf(policy),
    denied: options.denied,
  };
  return withRetry(() => pacedAttempt(options.pace, options.onThrottled, send), {
    policy: kmsRetryPolicy(traits, { deadline: ctx.deadline, timings: ctx.timings }),
    clock: ctx.clock,
    random: ctx.random,
    deadline: ctx.deadline,
    onRetry: ctx.countRetry,
  });
}
