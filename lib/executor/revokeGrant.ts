/**
 * RevokeGrant (docs/behaviour.md §12). KMS grants are eventually consistent: "there might be a brief
 * delay, usually less than five minutes, until the grant is available throughout KMS" (CreateGrant
 * and RevokeGrant API references), so ListGrants may not list a grant made moments ago and
 * RevokeGrant of it may answer NotFoundException — or AccessDeniedException — although it exists.
 * A grant is reported revoked only once a RevokeGrant of it succeeded:
 * - A grant whose parameters are known (the previous properties named it) and whose GrantId is not
 *   (not listed yet), or whose RevokeGrant answered NotFoundException, is made again by name:
 *   CreateGrant with a `Name` and identical parameters "if the grant already exists, the original
 *   GrantId is returned without creating a new grant" (CreateGrant API reference, `Name`). Whether it
 *   was there, lagging, already revoked or never made, that answers a GrantId, which is revoked.
 * - RevokeGrant answering NotFoundException or AccessDeniedException is tried again with backoff.
 * - A listed grant no properties describe (no parameters) answering NotFoundException that ListGrants
 *   no longer lists is gone (revoked by an earlier attempt whose answer was lost, or retired): done,
 *   not counted as revoked by this request.
 * - CreateGrant refused (the key is Disabled, pending deletion or pending import; or KMS refuses the
 *   grantee): the grant is looked for in ListGrants instead, and revoked once listed (RevokeGrant
 *   works in every key state, the key-state table). On a key KMS refuses it for its state the grant, if
 *   it exists, gives no use of the key while that state lasts: when the window ends it is left, with
 *   a warning naming it, and the request goes on; any other refusal fails the action.
 * All of it within GRANT_VISIBILITY_WINDOW_MS and the request's deadline; when time runs out the
 * action fails (retryable) naming key, Region and grant: a retry or a later Update finishes it.
 */
import { hasCode, KmsError } from '../errors.ts';
import type { KmsApi } from '../kmsApi.ts';
import { GRANT_LOOKUP_BACKOFF, GRANT_VISIBILITY_WINDOW_MS } from '../retry/policy.ts';
import { poll } from '../retry/poll.ts';
import { fullJitterDelay } from '../retry/retry.ts';
import type { GrantParameters } from '../types.ts';
import type { ExecutionContext } from './context.ts';
import { type KmsCallOptions, kmsCall } from './kmsCall.ts';

/** What one attempt found: revoked now, gone already, left on an unusable key, or not there yet (the answer that made it so). */
type Attempt = { kind: 'revoked' } | { kind: 'gone' } | { kind: 'pending'; error: KmsError; refusedRemake: boolean };

/** How the action ended: `revoked` only after a RevokeGrant succeeded. */
export type RevokeOutcome = 'revoked' | 'gone' | 'leftOnUnusableKey';

export interface RevokeTarget {
  region: string;
  keyId: string;
  /** Null: not listed yet, learnt by making the grant again by name. */
  grantId: string | null;
  grantName: string;
  kmsName: string;
  parameters: GrantParameters | null;
}

type Paced = (operation: 'RevokeGrant' | 'ListGrants' | 'CreateGrant') => Omit<KmsCallOptions, 'idempotent'>;

/** Revokes the grant `target` names on `target.keyId`; `paced(operation)` paces and classifies each request. */
export async function revokeGrant(ctx: ExecutionContext, api: KmsApi, target: RevokeTarget, paced: Paced): Promise<RevokeOutcome> {
  let grantId = target.grantId;
  const attempt = async (): Promise<Attempt> => {
    if (grantId === null) {
      const found = await grantIdOf(ctx, api, target, paced);
      if (typeof found !== 'string') return found;
      grantId = found;
    }
    try {
      // No settling: a NotFoundException here is the grant's as often as the key's, and this loop retries it.
      await kmsCall(ctx, { ...paced('RevokeGrant'), settling: undefined, idempotent: true }, () => api.revokeGrant(target.keyId, grantId!));
      return { kind: 'revoked' };
    } catch (error) {
      if (!hasCode(error, 'NotFoundException', 'AccessDeniedException')) throw error;
      if (hasCode(error, 'NotFoundException')) {
        // Made again by name on the next attempt: the same GrantId while it exists, a new one once it is gone.
        if (target.parameters !== null) grantId = null;
        else if (!(await listedGrantIds(ctx, api, target, paced)).has(grantId)) return { kind: 'gone' };
      }
      return { kind: 'pending', error, refusedRemake: false };
    }
  };
  const result = await poll(attempt, (found) => found.kind !== 'pending', {
    delay: (n) => fullJitterDelay(n, GRANT_LOOKUP_BACKOFF, ctx.random) + GRANT_LOOKUP_BACKOFF.baseMs,
    clock: ctx.clock,
    maxWaitMs: GRANT_VISIBILITY_WINDOW_MS,
    ...(ctx.deadline === undefined ? {} : { deadline: ctx.deadline }),
  });
  const last = result.value;
  if (last.kind !== 'pending') return last.kind;
  if (last.refusedRemake && isUnusableKeyAnswer(last.error)) {
    warnLeft(ctx, target, last.error, result.waitedMs);
    return 'leftOnUnusableKey';
  }
  throw notRevoked(target, last, result.waitedMs);
}

/** The grant's GrantId: CreateGrant by name with its parameters, or — when KMS refuses that — ListGrants. */
async function grantIdOf(ctx: ExecutionContext, api: KmsApi, target: RevokeTarget, paced: Paced): Promise<string | Attempt> {
  const { parameters } = target;
  if (parameters === null) throw new Error(`bug: grant ${target.kmsName} has neither a GrantId nor parameters`);
  try {
    const made = await kmsCall(ctx, { ...paced('CreateGrant'), idempotent: true }, () =>
      api.createGrant({ keyId: target.keyId, kmsName: target.kmsName, ...parameters }),
    );
    return made.grantId;
  } catch (error) {
    if (!(error instanceof KmsError)) throw error;
    const listed = [...(await listedGrantIds(ctx, api, target, paced, target.kmsName))];
    return listed[0] ?? { kind: 'pending', error, refusedRemake: true };
  }
}

/** The GrantIds ListGrants lists on the key now (only those named `kmsName`, when given). */
async function listedGrantIds(ctx: ExecutionContext, api: KmsApi, target: RevokeTarget, paced: Paced, kmsName?: string): Promise<Set<string>> {
  const { pace } = paced('ListGrants');
  const entries = await kmsCall(ctx, { pace: async () => {}, idempotent: true }, () => api.listGrants(target.keyId, { page: (send) => pace().then(send) }));
  return new Set(entries.filter((entry) => kmsName === undefined || entry.name === kmsName).map((entry) => entry.grantId));
}

/** KMS refused CreateGrant for the key's state (Disabled: DisabledException; pending deletion or import: KMSInvalidStateException). */
function isUnusableKeyAnswer(error: KmsError): boolean {
  return error.code === 'DisabledException' || error.code === 'KMSInvalidStateException';
}

function warnLeft(ctx: ExecutionContext, target: RevokeTarget, error: KmsError, waitedMs: number): void {
  ctx.log.warn('grant the previous properties named not revoked: not listed, and KMS refuses to make it again on this key', {
    region: target.region,
    keyId: target.keyId,
    grant: `${target.grantName} (${target.kmsName})`,
    createGrant: `${error.code}: ${error.message}`,
    lookedForSeconds: Math.round(waitedMs / 1000),
    why: 'never made (the rollback of an update refused or failed before making it), or made moments ago and not listed yet; either way it gives no use of the key while the key is in this state',
    remedy: "if it shows later, the next Update revokes it (it carries this resource's owner marker) and `npm run plan -- --drift` reports it",
  });
}

function notRevoked(target: RevokeTarget, last: Extract<Attempt, { kind: 'pending' }>, waitedMs: number): KmsError {
  const { error } = last;
  const id = target.grantId === null ? 'not listed yet' : target.grantId;
  const answer = last.refusedRemake
    ? `ListGrants does not list it, and CreateGrant, which makes it again by name to learn its GrantId, answers ${error.code} (${error.message})`
    : `RevokeGrant answers ${error.code}`;
  return new KmsError(
    error.code,
    `grant ${target.grantName} (${id}) of key ${target.keyId} in ${target.region} was not revoked: ${answer} after ` +
      `${Math.round(waitedMs / 1000)} s of retries (KMS grants can take minutes to be available everywhere); ` +
      'a retry of the stack operation, or a later Update, finishes it',
    { cause: error, context: { ...error.context, region: target.region }, retryable: true },
  );
}
