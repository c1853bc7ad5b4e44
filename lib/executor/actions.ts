/**
 * What each action kind sends to KMS, and which "already done" answers count as success when a
 * request is repeated (a retry after a lost answer, or a replay after a crash).
 */
import { hasCode, KmsError, PlanError } from '../errors.ts';
import { OWNERSHIP_TAGS } from '../ownership.ts';
import { DEFAULT_PRIORITY } from '../retry/pacer.ts';
import type { SettlingClass } from '../retry/policy.ts';
import type { Action, KeyState } from '../types.ts';
import { type ActionOf, type ActionResult, type ActionRun, describe, doneIf, idempotent, paced } from './actionRun.ts';
import { createAlias } from './aliasActions.ts';
import type { ExecutionContext } from './context.ts';
import { createGrant, grantOf } from './grantActions.ts';
import { withKeyStoreAdvice } from './keyStoreErrors.ts';
import { kmsCall } from './kmsCall.ts';
import { importMaterial } from './materialActions.ts';
import { awaitNotUpdating, markUpdating, REFUSED_WHILE_UPDATING } from './primaryUpdated.ts';
import { withReplicaCreateKeyAdvice } from './replicaDenied.ts';
import { waitForReplica } from './replicaReady.ts';
import { revokeGrant } from './revokeGrant.ts';

const PENDING_DELETION: readonly KeyState[] = ['PendingDeletion', 'PendingReplicaDeletion'];

/**
 * Runs one action; `keyIdOf` resolves its KeyRef. Every request is paced at `priority` (see
 * executor/priority.ts). Rejects with the KmsError that failed it.
 */
export async function runAction(
  ctx: ExecutionContext,
  action: Action,
  keyIdOf: (action: Action) => string,
  priority: number = DEFAULT_PRIORITY,
): Promise<ActionResult> {
  const run: ActionRun = { ctx, region: action.region, api: ctx.kms(action.region), priority, settling: settlingOf(ctx, action, keyIdOf), keyIdOf };
  const { api } = run;
  if ('key' in action && REFUSED_WHILE_UPDATING.has(action.kind)) await awaitNotUpdating(ctx, action.kind, action.region, keyIdOf(action), priority);
  switch (action.kind) {
    case 'CreateKey':
      return createKey(run, action);
    case 'ReplicateKey':
      return replicateKey(run, action);
    case 'CreateAlias':
      return createAlias(run, action);
    case 'UpdateAlias':
      return idempotent(run, 'UpdateAlias', () => api.updateAlias(action.aliasName, keyIdOf(action)));
    case 'DeleteAlias':
      return idempotent(run, 'DeleteAlias', () => api.deleteAlias(action.aliasName)).catch(doneIf('NotFoundException'));
    case 'PutKeyPolicy':
      return putKeyPolicy(run, action);
    case 'TagResource':
      return idempotent(run, 'TagResource', () => api.tagResource(keyIdOf(action), action.tags));
    case 'UntagResource':
      return idempotent(run, 'UntagResource', () => api.untagResource(keyIdOf(action), action.tagKeys));
    case 'UpdateKeyDescription':
      return idempotent(run, 'UpdateKeyDescription', () => api.updateKeyDescription(keyIdOf(action), action.description));
    case 'EnableKey':
      return idempotent(run, 'EnableKey', () => api.enableKey(keyIdOf(action)));
    case 'DisableKey':
      return idempotent(run, 'DisableKey', () => api.disableKey(keyIdOf(action)));
    case 'EnableKeyRotation':
      return idempotent(run, 'EnableKeyRotation', () => api.enableKeyRotation(keyIdOf(action), action.rotationPeriodInDays));
    case 'DisableKeyRotation':
      return idempotent(run, 'DisableKeyRotation', () => api.disableKeyRotation(keyIdOf(action)));
    case 'UpdatePrimaryRegion':
      return updatePrimaryRegion(run, action);
    case 'ScheduleKeyDeletion':
      return scheduleKeyDeletion(run, action);
    case 'CancelKeyDeletion':
      return cancelKeyDeletion(run, action);
    case 'CreateGrant':
      return createGrant(run, action);
    case 'RevokeGrant':
      // NotFound/AccessDenied may only mean KMS has not caught up with the grant; one not listed is made again by name first (executor/revokeGrant.ts): its own wait, not the IAM propagation retry.
      return revokeGrant(ctx, api, { ...grantOf(action), keyId: keyIdOf(action) }, (op) => ({ ...paced(run, op), denied: undefined })).then(() => ({}));
    case 'ImportKeyMaterial':
      return importMaterial(run, action);
    case 'RotateKeyOnDemand':
      // Not repeated on a 5xx: a second rotation finds nothing pending. The next request reads which
      // material is current and plans again (docs/key-material.md).
      return kmsCall(run.ctx, { ...paced(run, 'RotateKeyOnDemand'), idempotent: false }, () => api.rotateKeyOnDemand(keyIdOf(action))).then(() => ({}));
    default:
      return unhandled(action);
  }
}

async function createKey(run: ActionRun, action: ActionOf<'CreateKey'>): Promise<ActionResult> {
  const { spec, keyUsage, multiRegion, policy, description, tags, origin, customKeyStoreId, xksKeyId } = action;
  // Only what the action carries: an AWS_KMS key in KMS's own store sends no Origin or store at all.
  const source = {
    ...(origin === undefined ? {} : { origin }),
    ...(customKeyStoreId === undefined ? {} : { customKeyStoreId }),
    ...(xksKeyId === undefined ? {} : { xksKeyId }),
  };
  const created = await kmsCall(run.ctx, { ...paced(run, 'CreateKey'), idempotent: false, policy }, () =>
    run.api.createKey({ spec, keyUsage, multiRegion, policy, description, tags, ...source }),
  ).catch((error: unknown) => {
    throw withKeyStoreAdvice(error, action);
  });
  run.ctx.madeKeys.add(created.keyId, run.region);
  return { keyId: created.keyId, arn: created.arn };
}

async function replicateKey(run: ActionRun, action: ActionOf<'ReplicateKey'>): Promise<ActionResult> {
  const { ctx, region, priority } = run;
  const keyId = run.keyIdOf(action);
  const { replicaRegion, policy, description, tags } = action;
  let arn: string;
  try {
    const pace = () => ctx.pacer.acquireReplicateKey(region, replicaRegion, priority).then(() => ctx.reservations.get(action.id)?.());
    const onThrottled = () => ctx.pacer.throttled(region, 'ReplicateKey');
    const denied = { region, operation: 'ReplicateKey' };
    const replica = await kmsCall(ctx, { pace, onThrottled, idempotent: false, policy, settling: run.settling, denied }, () =>
      run.api.replicateKey({ keyId, replicaRegion, policy, description, tags }),
    );
    arn = replica.arn;
  } catch (error) {
    // The replica exists already (same key id = the same multi-Region key): the work is done.
    if (!hasCode(error, 'AlreadyExistsException')) throw withReplicaCreateKeyAdvice(error, action.replicaRegion);
    const existing = await describe(run, replicaRegion, keyId);
    if (existing.role !== 'REPLICA') throw error;
    await requireOwnReplica(run, replicaRegion, keyId, tags[OWNERSHIP_TAGS.owner], error);
    arn = existing.arn;
  }
  ctx.madeKeys.add(keyId, replicaRegion);
  await waitForReplica(ctx, replicaRegion, keyId, priority);
  return { keyId, arn };
}

/**
 * ReplicateKey answered AlreadyExistsException: the replica is this plan's work (a repeat after a
 * lost answer) only when it carries the owner tag the call sets. A replica of another owner or none
 * (retagged by hand, or left pending deletion by a renamed resource's hand-over) is not this
 * resource's: the action fails, naming it, and nothing goes on it (its alias, its tags).
 */
async function requireOwnReplica(run: ActionRun, replicaRegion: string, keyId: string, ownerId: string | undefined, original: KmsError): Promise<void> {
  const pace = () => run.ctx.pacer.acquire(replicaRegion, 'ListResourceTags', 1, run.priority);
  const denied = { region: replicaRegion, operation: 'ListResourceTags' };
  const found = await kmsCall(run.ctx, { pace, idempotent: true, settling: 'listed', denied }, () => run.ctx.kms(replicaRegion).listResourceTags(keyId));
  const owner = found[OWNERSHIP_TAGS.owner];
  if (owner === ownerId) return;
  throw new KmsError(
    'AlreadyExistsException',
    `${keyId} already has a replica in ${replicaRegion} that is not this resource's (${owner === undefined ? 'no owner tag' : `owner ${owner}`}), and KMS makes one replica per Region; ` +
      `cancel its deletion if it is pending and point the key's alias in ${replicaRegion} at it, then retry, or remove ${replicaRegion} from ReplicaRegions`,
    { cause: original, context: { region: replicaRegion } },
  );
}

async function putKeyPolicy(run: ActionRun, action: ActionOf<'PutKeyPolicy'>): Promise<ActionResult> {
  const keyId = run.keyIdOf(action);
  await kmsCall(run.ctx, { ...paced(run, 'PutKeyPolicy'), idempotent: true, policy: action.policy }, () => run.api.putKeyPolicy(keyId, action.policy));
  return {};
}

async function updatePrimaryRegion(run: ActionRun, action: ActionOf<'UpdatePrimaryRegion'>): Promise<ActionResult> {
  const { ctx, region, priority } = run;
  // Not repeated blindly: after a lost answer the old primary is a replica and the call fails.
  const keyId = run.keyIdOf(action);
  // KMS counts it in both Regions (DEFAULT_KMS_QUOTAS).
  const pace = () => ctx.pacer.acquireUpdatePrimaryRegion(region, action.primaryRegion, priority);
  await kmsCall(ctx, { ...paced(run, 'UpdatePrimaryRegion'), pace, idempotent: false }, () => run.api.updatePrimaryRegion(keyId, action.primaryRegion));
  ctx.madeKeys.add(keyId, region, action.primaryRegion);
  // Both keys are `Updating` for a while: only what KMS refuses then waits (executor/primaryUpdated.ts).
  markUpdating(ctx, keyId, region, action.primaryRegion);
  return {};
}

async function scheduleKeyDeletion(run: ActionRun, action: ActionOf<'ScheduleKeyDeletion'>): Promise<ActionResult> {
  const keyId = run.keyIdOf(action);
  try {
    await kmsCall(run.ctx, { ...paced(run, 'ScheduleKeyDeletion'), idempotent: true, settling: 'listed' }, () =>
      run.api.scheduleKeyDeletion(keyId, action.pendingWindowInDays),
    );
    return {};
  } catch (error) {
    // KMS refuses to schedule a key that is already pending deletion: that is the goal.
    if (!hasCode(error, 'KMSInvalidStateException')) throw error;
    if (!PENDING_DELETION.includes((await describe(run, run.region, keyId)).state)) throw error;
    return {};
  }
}

async function cancelKeyDeletion(run: ActionRun, action: ActionOf<'CancelKeyDeletion'>): Promise<ActionResult> {
  const keyId = run.keyIdOf(action);
  try {
    await kmsCall(run.ctx, { ...paced(run, 'CancelKeyDeletion'), idempotent: true, settling: 'listed' }, () => run.api.cancelKeyDeletion(keyId));
    return {};
  } catch (error) {
    // KMS refuses to cancel the deletion of a key that is not pending deletion: already restored.
    if (!hasCode(error, 'KMSInvalidStateException')) throw error;
    if (PENDING_DELETION.includes((await describe(run, run.region, keyId)).state)) throw error;
    return {};
  }
}

/**
 * Which answers of KMS mean "not caught up yet" for this action (lib/retry/policy.ts, settling): `made` for a
 * key made or changed in this request (or moving its primary in this plan), `listed` for a key the
 * reader has just listed; none for CreateKey (no key yet) and DeleteAlias (NotFound = already gone).
 */
function settlingOf(ctx: ExecutionContext, action: Action, keyIdOf: (action: Action) => string): SettlingClass | undefined {
  if (action.kind === 'CreateKey' || action.kind === 'DeleteAlias') return undefined;
  if ('created' in action.key) return 'made';
  const keyId = keyIdOf(action);
  return ctx.madeKeys.has(action.region, keyId) || ctx.movingKeyIds.has(keyId) ? 'made' : 'listed';
}

/** A new action kind that is not handled above fails to compile here. */
function unhandled(action: never): never {
  throw new PlanError(`the executor cannot run action ${JSON.stringify(action)}`);
}
