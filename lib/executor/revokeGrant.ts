/**
 * RevokeGrant of a grant the reader listed (docs/behaviour.md §12). KMS grants are eventually
 * consistent: "there might be a brief delay, usually less than five minutes, until the grant is
 * available throughout KMS" (CreateGrant and RevokeGrant API references), so RevokeGrant of a grant
 * made moments ago may answer NotFoundException — or AccessDeniedException — although the grant
 * exists. Such an answer is never taken for "revoked":
 * - NotFoundException and ListGrants no longer lists the grant: it is gone (an earlier attempt whose
 *   answer was lost revoked it, or its retiring principal retired it): done;
 * - otherwise (still listed, or AccessDeniedException) the grant is looked for again with backoff
 *   and revoked, within GRANT_VISIBILITY_WINDOW_MS and the request's deadline; when time runs out
 *   the action fails naming key, Region and grant.
 */
import { hasCode, KmsError } from '../errors.ts';
import type { KmsApi } from '../kmsApi.ts';
import { GRANT_LOOKUP_BACKOFF, GRANT_VISIBILITY_WINDOW_MS } from '../retry/policy.ts';
import { poll } from '../retry/poll.ts';
import { fullJitterDelay } from '../retry/retry.ts';
import type { ExecutionContext } from './context.ts';
import { type KmsCallOptions, kmsCall } from './kmsCall.ts';

/** What one attempt found: revoked now, already gone, or not there yet (the answer that made it so). */
type Attempt = { kind: 'revoked' } | { kind: 'gone' } | { kind: 'pending'; error: KmsError };

export interface RevokeTarget {
  region: string;
  keyId: string;
  grantId: string;
  grantName: string;
}

/** Revokes `target.grantId` on `target.keyId`; `paced(operation)` paces and classifies each request. */
export async function revokeListedGrant(
  ctx: ExecutionContext,
  api: KmsApi,
  target: RevokeTarget,
  paced: (operation: 'RevokeGrant' | 'ListGrants') => Omit<KmsCallOptions, 'idempotent'>,
): Promise<void> {
  const attempt = async (): Promise<Attempt> => {
    try {
      await kmsCall(ctx, { ...paced('RevokeGrant'), idempotent: true }, () => api.revokeGrant(target.keyId, target.grantId));
      return { kind: 'revoked' };
    } catch (error) {
      if (!hasCode(error, 'NotFoundException', 'AccessDeniedException')) throw error;
      if (hasCode(error, 'NotFoundException') && !(await isListed(ctx, api, target, paced))) return { kind: 'gone' };
      return { kind: 'pending', error };
    }
  };
  const result = await poll(attempt, (found) => found.kind !== 'pending', {
    delay: (n) => fullJitterDelay(n, GRANT_LOOKUP_BACKOFF, ctx.random) + GRANT_LOOKUP_BACKOFF.baseMs,
    clock: ctx.clock,
    maxWaitMs: GRANT_VISIBILITY_WINDOW_MS,
    ...(ctx.deadline === undefined ? {} : { deadline: ctx.deadline }),
  });
  if (result.value.kind === 'pending') throw notRevoked(target, result.value.error, result.waitedMs);
}

async function isListed(
  ctx: ExecutionContext,
  api: KmsApi,
  target: RevokeTarget,
  paced: (operation: 'RevokeGrant' | 'ListGrants') => Omit<KmsCallOptions, 'idempotent'>,
): Promise<boolean> {
  const { pace } = paced('ListGrants');
  const entries = await kmsCall(ctx, { pace: async () => {}, idempotent: true }, () => api.listGrants(target.keyId, { page: (send) => pace().then(send) }));
  return entries.some((entry) => entry.grantId === target.grantId);
}

function notRevoked(target: RevokeTarget, error: KmsError, waitedMs: number): KmsError {
  return new KmsError(
    error.code,
    `grant ${target.grantName} (${target.grantId}) of key ${target.keyId} in ${target.region} is still listed but RevokeGrant answers ` +
      `${error.code} after ${Math.round(waitedMs / 1000)} s of retries (KMS grants can take minutes to be available everywhere); ` +
      `it was not revoked: retry the stack operation to finish`,
    { cause: error, context: { ...error.context, region: target.region } },
  );
}
