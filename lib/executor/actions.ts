/**
 * What each action kind sends to KMS, and which "already done" answers count as success when a
 * request is repeated (a retry after a lost answer, or a replay after a crash).
 */
import { hasCode, PlanError } from '../errors.ts';
import { DEFAULT_PRIORITY } from '../pacer.ts';
import type { Action, KeyState } from '../types.ts';
import type { ExecutionContext } from './context.ts';
import { kmsCall } from './kmsCall.ts';
import { waitForReplica } from './replicaReady.ts';

/** What a successful action reports: the key made by CreateKey / ReplicateKey. */
export interface ActionResult {
  keyId?: string;
  arn?: string;
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
  const paced = (operation: Parameters<ExecutionContext['pacer']['acquire']>[1]) => ({
    pace: () => ctx.pacer.acquire(region, operation, 1, priority),
    onThrottled: () => ctx.pacer.throttled(region, operation),
  });
  const idempotent = (operation: Parameters<typeof paced>[0], send: () => Promise<unknown>) =>
    kmsCall(ctx, { ...paced(operation), idempotent: true }, send).then(() => ({}));
  const describe = (inRegion: string, keyId: string) =>
    kmsCall(ctx, { pace: () => ctx.pacer.acquire(inRegion, 'DescribeKey', 1, priority), idempotent: true }, () => ctx.kms(inRegion).describeKey(keyId));

  switch (action.kind) {
    case 'CreateKey': {
      const { spec, keyUsage, multiRegion, policy, description, tags } = action;
      const created = await kmsCall(ctx, { ...paced('CreateKey'), idempotent: false, policy }, () =>
        api.createKey({ spec, keyUsage, multiRegion, policy, description, tags }),
      );
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
            pace: () => ctx.pacer.acquireReplicateKey(region, replicaRegion, priority),
            onThrottled: () => ctx.pacer.throttled(region, 'ReplicateKey'),
            idempotent: false,
            policy,
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
        // Each page is paced through beforePage.
        const aliases = await kmsCall(ctx, { pace: async () => {}, idempotent: true }, () => api.listAliases({ keyId, beforePage: paced('ListAliases').pace }));
        if (!aliases.some((a) => a.aliasName === action.aliasName && a.targetKeyId === keyId)) throw error;
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
      return {};
    }
    case 'ScheduleKeyDeletion': {
      const keyId = keyIdOf(action);
      try {
        return await idempotent('ScheduleKeyDeletion', () => api.scheduleKeyDeletion(keyId, action.pendingWindowInDays));
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
        return await idempotent('CancelKeyDeletion', () => api.cancelKeyDeletion(keyId));
      } catch (error) {
        // KMS refuses to cancel the deletion of a key that is not pending deletion: already restored.
        if (!hasCode(error, 'KMSInvalidStateException')) throw error;
        if (PENDING_DELETION.includes((await describe(region, keyId)).state)) throw error;
        return {};
      }
    }
    default:
      return unhandled(action);
  }
}

/** A new action kind that is not handled above fails to compile here. */
function unhandled(action: never): never {
  throw new PlanError(`the executor cannot run action ${JSON.stringify(action)}`);
}
