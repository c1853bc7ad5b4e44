/**
 * How the reader retries its requests: throttling and transient failures on every read;
 * NotFoundException on a key KMS has not caught up with; on the listings, an AccessDeniedException
 * that no service control policy caused, for the IAM propagation window (lib/reader/accessDenial.ts).
 */

import type { KmsOperation } from '../constants.ts';
import { AccessDeniedError, hasCode, KmsError } from '../errors.ts';
import { DEFAULT_BACKOFF, IAM_PROPAGATION_BACKOFF, IAM_PROPAGATION_MS, READ_ATTEMPTS, READ_SETTLING_MS } from '../retry/policy.ts';
import { isThrottling, isTransient, type RetryPolicy } from '../retry/retry.ts';
import { accessDenialOf, denialCause, isScpDenial } from './accessDenial.ts';

export { IAM_PROPAGATION_MS };

/** The listings whose AccessDeniedException says whether a Region is denied. */
export const LISTINGS: ReadonlySet<KmsOperation> = new Set(['ListKeys', 'ListAliases']);

/** A read changes nothing: throttled and transient failures alike are retried. */
const READ_RETRY: RetryPolicy<'kms'> = {
  classify: (error) => (isThrottling(error) || isTransient(error) ? 'kms' : undefined),
  rules: { kms: { backoff: DEFAULT_BACKOFF, maxAttempts: READ_ATTEMPTS } },
};

/**
 * A read of one key: also NotFoundException, which a key KMS has not caught up with answers, for up
 * to READ_SETTLING_MS; then the key is not settled (retryable), never "gone". A listing: also an
 * AccessDeniedException that no service control policy caused, for up to `iamPropagationMs`; then
 * it fails naming the action, the Region and the policy type (lib/reader/accessDenial.ts).
 */
export function readRetry(region: string, operation: KmsOperation, onKey: boolean, iamPropagationMs: number): RetryPolicy<'kms' | 'settling' | 'iam'> {
  const listing = LISTINGS.has(operation);
  return {
    classify: (error) => {
      if (onKey && hasCode(error, 'NotFoundException')) return 'settling';
      if (listing && hasCode(error, 'AccessDeniedException') && !isScpDenial(error.message)) return 'iam';
      return READ_RETRY.classify(error);
    },
    rules: {
      ...READ_RETRY.rules,
      settling: {
        backoff: DEFAULT_BACKOFF,
        ownCount: true,
        maxWaitMs: READ_SETTLING_MS,
        exhausted: (error) => notSettled(error as KmsError, region, operation),
      },
      iam: {
        backoff: IAM_PROPAGATION_BACKOFF,
        ownCount: true,
        maxWaitMs: iamPropagationMs,
        exhausted: (error, waitedMs) => stillDenied(error as KmsError, region, operation, waitedMs),
      },
    },
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

/** A key that kept answering NotFoundException: KMS has not caught up (retryable), never "gone". */
function notSettled(error: KmsError, region: string, operation: KmsOperation): KmsError {
  return new KmsError(
    error.code,
    `${operation} in ${region}: ${error.message.replace(/^\w+: /, '')}, still after ${READ_SETTLING_MS / 1000} s, for a key that ListKeys, an alias or this request reported; KMS has not caught up`,
    { cause: error, context: { region }, retryable: true },
  );
}
