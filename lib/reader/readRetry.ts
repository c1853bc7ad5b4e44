/**
 * On the listings (ListKeys, ListAliases), an AccessDeniedException that no service control policy
 * caused is retried for the IAM propagation window (a role made moments ago), then fails naming the
 * action, the Region and the policy type (lib/reader/accessDenial.ts). Added to the one KMS retry
 * policy (lib/retry/policy.ts) by the reader, which alone knows what a Region denial looks like.
 */

import { AccessDeniedError, hasCode, type KmsError } from '../errors.ts';
import type { KmsOperation } from '../kmsApi.ts';
import { IAM_PROPAGATION_BACKOFF, IAM_PROPAGATION_MS } from '../retry/policy.ts';
import type { RetryPolicy } from '../retry/retry.ts';
import { accessDenialOf, denialCause, isScpDenial } from './accessDenial.ts';

export { IAM_PROPAGATION_MS };

/** The listings whose AccessDeniedException says whether a Region is denied. */
export const LISTINGS: ReadonlySet<KmsOperation> = new Set(['ListKeys', 'ListAliases']);

/** `policy`, and on a listing an AccessDeniedException that no SCP caused, retried for `windowMs`. */
export function withIamPropagation<Kind extends string>(
  policy: RetryPolicy<Kind>,
  region: string,
  operation: KmsOperation,
  windowMs: number,
): RetryPolicy<Kind | 'iamPropagation'> {
  const listing = LISTINGS.has(operation);
  return {
    classify: (error) => (listing && hasCode(error, 'AccessDeniedException') && !isScpDenial(error.message) ? 'iamPropagation' : policy.classify(error)),
    rules: {
      ...policy.rules,
      iamPropagation: {
        backoff: IAM_PROPAGATION_BACKOFF,
        ownCount: true,
        maxWaitMs: windowMs,
        exhausted: (error, waitedMs) => stillDenied(error as KmsError, region, operation, waitedMs),
      },
    } as RetryPolicy<Kind | 'iamPropagation'>['rules'],
  };
}

/** A listing still denied after the propagation window, by something other than an SCP: final. */
function stillDenied(error: KmsError, region: string, operation: KmsOperation, waitedMs: number): AccessDeniedError {
  const denial = accessDenialOf(error.message);
  const action = denial.action ?? `kms:${operation}`;
  const waited = waitedMs > 0 ? `, still after ${Math.round(waitedMs / 1000)} s of retries (IAM changes take a while to propagate)` : '';
  return new AccessDeniedError(
    `KMS denied ${action} in ${region} because of ${denialCause(denial)}${waited}: ${error.message.replace(/^\w+: /, '')}. ` +
      `Give the function's role ${action} (template.yaml's FunctionRole has it; a permissions boundary or session policy must allow it too). ` +
      'Only a service control policy denial skips a Region.',
    { cause: error, context: { region, action }, denial },
  );
}
