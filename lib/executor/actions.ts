/**
 * What each action kind sends to KMS, and which "already done" answers count as success when a
 * request is repeated (a retry after a lost answer, or a replay after a crash).
 */
import { hasCode, KmsError, PlanError } from '../errors.ts';
import type { KmsApi } from '../kmsApi.ts';
import { DEFAULT_PRIORITY } from '../retry/pacer.ts';
import type { SettlingClass } from '../retry/policy.ts';
import type { Action, KeyState } from '../types.ts';
import type { ExecutionContext } from './context.ts';
import { kmsCall } from './kmsCall.ts';
import { waitForPrimaryUpdate } from './primaryUpdated.ts';
import { waitForReplica } from './replicaReady.ts';

/** What a successful action reports: the key made by CreateKey / ReplicateKey. */
export interface ActionResult {
  keyId?: string;
  arn?: string;
  /** CreateGrant: the grant made (or, repeated, the same one). */
  grantId?: string;
}

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
  const region = action.region;
  const api = ctx.kms(region);
  const settling = settlingOf(ctx, action, keyIdOf);
  const paced = (operation: Parameters<ExecutionContext['pacer']['acquire']>[1]) => ({
    pace: () => ctx.pacer.acquire(region, operation, 1, priority),
    onThrottled: () => ctx.pacer.throttled(region, operation),
    settling,
  });
  const idempotent = (operation: Parameters<typeof paced>[0], send: () => Promise<unknown>) =>
    kmsCall(ctx, { ...paced(operation), idempotent: true }, send).then(() => ({}));
  const describe = (inRegion: string, keyId: string) =>
    kmsCall(ctx, { pace: () => ctx.pacer.acquire(inRegion, 'DescribeKey', 1, priority), idempotent: true, settling: 'listed' }, () =>
      ctx.kms(inRegion).describeKey(keyId),
    );

  switch (action.kind) {
    case 'CreateKey': {
      const { spec, keyUsage, multiRegion, policy, description, tags } = action;
      const created = await kmsCall(ctx, { ...paced('CreateKey'), idempotent: false, policy }, () =>
        api.createKey({ spec, keyUsage, multiRegion, policy, description, tags }),
      );
      ctx.madeKeys.add(created.keyId, region);
      return { keyId: created.keyId, arn: created.arn };
    }
    case 'ReplicateKey': {
      const keyId = keyIdOf(action);
      const { replicaRegion, policy, description, tags } = action;
      let arn: string;
      try {
        const replica = await kmsCall(
          ctx,
          {
            pace: () => ctx.pacer.acquireReplicateKey(region, replicaRegion, priority).then(() => ctx.reservations.get(action.id)?.()),
            onThrottled: () => ctx.pacer.throttled(region, 'ReplicateKey'),
            idempotent: false,
            policy,
            settling,
          },
          () => api.replicateKey({ keyId, replicaRegion, policy, description, tags }),
        );
        arn = replica.arn;
      } catch (error) {
        // The replica exists already (same key id = the same multi-Region key): the work is done.
        if (!hasCode(error, 'AlreadyExistsException')) throw error;
        const existing = await describe(replicaRegion, keyId);
        if (existing.role !== 'REPLICA') throw error;
        arn = existing.arn;
      }
      ctx.madeKeys.add(keyId, replicaRegion);
      await waitForReplica(ctx, replicaRegion, keyId, priority);
      return { keyId, arn };
    }
    case 'CreateAlias': {
      const keyId = keyIdOf(action);
      try {
        return await idempotent('CreateAlias', () => api.createAlias(action.aliasName, keyId));
      } catch (error) {
        // Repeated after a lost answer: the alias exists and already targets this key.
        if (!hasCode(error, 'AlreadyExistsException')) throw error;
        // Each page is paced.
        await confirmAlias(ctx, api, action.aliasName, keyId, paced('ListAliases').pace, error);
        return {};
      }
    }
    case 'UpdateAlias':
      return idempotent('UpdateAlias', () => api.updateAlias(action.aliasName, keyIdOf(action)));
    case 'DeleteAlias':
      try {
        return await idempotent('DeleteAlias', () => api.deleteAlias(action.aliasName));
      } catch (error) {
        if (hasCode(error, 'NotFoundException')) return {};
        throw error;
      }
    case 'PutKeyPolicy': {
      const keyId = keyIdOf(action);
      await kmsCall(ctx, { ...paced('PutKeyPolicy'), idempotent: true, policy: action.policy }, () => api.putKeyPolicy(keyId, action.policy));
      return {};
    }
    case 'TagResource':
      return idempotent('TagResource', () => api.tagResource(keyIdOf(action), action.tags));
    case 'UntagResource':
      return idempotent('UntagResource', () => api.untagResource(keyIdOf(action), action.tagKeys));
    case 'UpdateKeyDescription':
      return idempotent('UpdateKeyDescription', () => api.updateKeyDescription(keyIdOf(action), action.description));
    case 'EnableKey':
      return idempotent('EnableKey', () => api.enableKey(keyIdOf(action)));
    case 'DisableKey':
      return idempotent('DisableKey', () => api.disableKey(keyIdOf(action)));
    case 'EnableKeyRotation':
      return idempotent('EnableKeyRotation', () => api.enableKeyRotation(keyIdOf(action), action.rotationPeriodInDays));
    case 'DisableKeyRotation':
      return idempotent('DisableKeyRotation', () => api.disableKeyRotation(keyIdOf(action)));
    case 'UpdatePrimaryRegion': {
      // Not repeated blindly: after a lost answer the old primary is a replica and the call fails.
      const keyId = keyIdOf(action);
      // KMS counts it in both Regions (DEFAULT_KMS_QUOTAS).
      const pace = () => ctx.pacer.acquireUpdatePrimaryRegion(region, action.primaryRegion, priority);
      await kmsCall(ctx, { ...paced('UpdatePrimaryRegion'), pace, idempotent: false }, () => api.updatePrimaryRegion(keyId, action.primaryRegion));
      ctx.madeKeys.add(keyId, region, action.primaryRegion);
      // Both keys are `Updating` for a while and refuse most operations: dependents start after.
      await waitForPrimaryUpdate(ctx, [region, action.primaryRegion], keyId, priority);
      return {};
    }
    case 'ScheduleKeyDeletion': {
      const keyId = keyIdOf(action);
      try {
        return await kmsCall(ctx, { ...paced('ScheduleKeyDeletion'), idempotent: true, settling: 'listed' }, () =>
          api.scheduleKeyDeletion(keyId, action.pendingWindowInDays),
        ).then(() => ({}));
      } catch (error) {
        // KMS refuses to schedule a key that is already pending deletion: that is the goal.
        if (!hasCode(error, 'KMSInvalidStateException')) throw error;
        if (!PENDING_DELETION.includes((await describe(region, keyId)).state)) throw error;
        return {};
      }
    }
    case 'CancelKeyDeletion': {
      const keyId = keyIdOf(action);
      try {
        return await kmsCall(ctx, { ...paced('CancelKeyDeletion'), idempotent: true, settling: 'listed' }, () => api.cancelKeyDeletion(keyId)).then(() => ({}));
      } catch (error) {
        // KMS refuses to cancel the deletion of a key that is not pending deletion: already restored.
        if (!hasCode(error, 'KMSInvalidStateException')) throw error;
        if (PENDING_DELETION.includes((await describe(region, keyId)).state)) throw error;
        return {};
      }
    }
    case 'CreateGrant': {
      // Safe to repeat: KMS answers the existing GrantId for the same Name and parameters.
      const keyId = keyIdOf(action);
      const { kmsName, granteePrincipal, operations, retiringPrincipal, constraints } = action;
      const created = await kmsCall(ctx, { ...paced('CreateGrant'), idempotent: true }, () =>
        api.createGrant({ keyId, kmsName, granteePrincipal, operations, retiringPrincipal, constraints }),
      );
      return { grantId: created.grantId };
    }
    case 'RevokeGrant':
      try {
        return await idempotent('RevokeGrant', () => api.revokeGrant(keyIdOf(action), action.grantId));
      } catch (error) {
        // Repeated after a lost answer (or retired meanwhile by its retiring principal): already gone.
        if (hasCode(error, 'NotFoundException')) return {};
        throw error;
      }
    default:
      return unhandled(action);
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

/**
 * CreateAlias answered AlreadyExistsException: done when the alias already targets `keyId` (a repeat
 * after a lost answer). ListAliases may lag the CreateAlias that made it, so an alias the listing does
 * not show yet is looked for again (bounded like any unsettled answer). An alias targeting another key
 * means the actual state this plan came from was stale (or somebody just made the alias): failed as
 * retryable, so the request reads again and plans from what is there.
 */
async function confirmAlias(
  ctx: ExecutionContext,
  api: KmsApi,
  aliasName: string,
  keyId: string,
  pace: () => Promise<void>,
  original: KmsError,
): Promise<void> {
  const notListedYet = () => new KmsError('NotFoundException', `${aliasName} exists but ListAliases does not list it yet`, { cause: original });
  await kmsCall(ctx, { pace: async () => {}, idempotent: true, settling: 'listed' }, async () => {
    const page = <T>(send: () => Promise<T>) => pace().then(send);
    if ((await api.listAliases({ keyId, page })).some((a) => a.aliasName === aliasName)) return;
    const other = (await api.listAliases({ page })).find((a) => a.aliasName === aliasName);
    if (other === undefined) throw notListedYet();
    throw new KmsError(original.code, `${aliasName} already targets ${other.targetKeyId ?? 'no key'}, not ${keyId}: the state read before planning was stale`, {
      cause: original,
      retryable: true,
    });
  });
}

/** A new action kind that is not handled above fails to compile here. */
function unhandled(action: never): never {
  throw new PlanError(`the executor cannot run action ${JSON.stringify(action)}`);
}
