/**
 * The messages of the KMS retry policy (lib/retry/policy.ts) when a wait runs out: a key KMS has not
 * caught up with, principals IAM does not know yet, a request still denied after IAM's propagation.
 */
import { AccessDeniedError, type AwsServiceError, KmsError } from '../errors.ts';
import { accessDenialOf, denialCause } from './accessDenial.ts';

/** The Region and operation an AccessDeniedException is reported for. */
export interface DeniedRequest {
  region: string;
  operation: string;
}

/**
 * A key KMS had not caught up with by the end of the wait (its window, or the request's deadline):
 * retryable, and the message says so: the key is not gone, and a retry of the request finishes the work.
 */
export function notCaughtUp(error: AwsServiceError, waitedMs: number, what?: string): KmsError {
  const where = what === undefined ? '' : `${what}: `;
  const seconds = Math.round(waitedMs / 1000);
  return new KmsError(
    error.code,
    `${where}${error.detail} (still after ${seconds} s of retries: KMS had not caught up with the key in the time the request had; a retry of the request finishes the work)`,
    { cause: error, context: error.context, retryable: true },
  );
}

/** Principals IAM still does not know after the wait: final, naming them. */
export function principalsNotPropagated(error: AwsServiceError, principals: readonly string[], waitedMs: number): KmsError {
  const names = principals.length > 0 ? principals.join(', ') : '(none found in the policy)';
  return new KmsError(
    error.code,
    `the key policy names principals that IAM does not know after ${Math.round(waitedMs / 1000)} s of retries; check that they exist: ${names}`,
    { cause: error, context: error.context },
  );
}

/**
 * A request still denied after the IAM propagation window (or the deadline), by something other than
 * an SCP: final, naming the action, the Region and the policy type the message names.
 */
export function stillDenied(error: KmsError, request: DeniedRequest, waitedMs: number): AccessDeniedError {
  const { region, operation } = request;
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
