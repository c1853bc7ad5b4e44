/**
 * Rule 2: a key that does not exist yet. CreateKey carries the ownership tags itself, so a crash
 * right after it leaves a key the next run recognises (binding rule b), never an orphan.
 */
import type { Action, DesiredKey, KeyRef, TagMap } from '../types.ts';
import { deps } from './builder.ts';
import type { PlannerContext } from './context.ts';
import { keyAliasRequests } from './extraAliases.ts';
import { newKeyActionId, replicateActionId } from './ids.ts';
import { awaitsImport, importsMaterial, planImport } from './keyMaterial.ts';
import { desiredKeyTags } from './tags.ts';

/** Plans the new key, its replicas and (as requests) their aliases; returns the key's ref. */
export function planNewKey(ctx: PlannerContext, key: DesiredKey): KeyRef {
  const { out } = ctx;
  const region = key.primaryRegion;
  const keyName = key.keyName;
  const tags = desiredKeyTags(key, ctx.desired.owner, null);
  const createId = out.add(createKeyAction(key, tags));
  const ref: KeyRef = { created: createId };
  // ReplicateKey needs an enabled primary: with imported material, the primary's import comes first.
  const importId = importsMaterial(key)
    ? planImport(ctx, key, { id: newKeyActionId('ImportKeyMaterial', region, keyName), region, ref, dependsOn: [createId], reason: 'new' })
    : null;

  let rotationId: string | null = null;
  if (key.rotation?.enabled) {
    rotationId = out.add({
      kind: 'EnableKeyRotation',
      id: newKeyActionId('EnableKeyRotation', region, keyName),
      region,
      keyName,
      dependsOn: [createId],
      key: ref,
      rotationPeriodInDays: key.rotation.periodInDays,
    });
  }
  ctx.aliasRequests.push(...keyAliasRequests(key, region, ref, [createId]));

  const replicateIds: string[] = [];
  for (const replicaRegion of key.multiRegion ? key.replicaRegions : []) {
    const disableKeyId = newKeyActionId('DisableKey', replicaRegion, keyName);
    const importKeyId = newKeyActionId('ImportKeyMaterial', replicaRegion, keyName);
    replicateIds.push(
      planReplica(ctx, key, { primaryRegion: region, replicaRegion, ref, dependsOn: deps(createId, importId), tags, disableKeyId, importKeyId }),
    );
  }

  // KMS changes rotation only on an enabled key, and replicates only an enabled primary
  // (DisabledException): the primary is disabled last. A key awaiting import cannot be disabled.
  if (!key.enabled && !awaitsImport(key)) {
    out.add({
      kind: 'DisableKey',
      id: newKeyActionId('DisableKey', region, keyName),
      region,
      keyName,
      dependsOn: deps(createId, importId, rotationId, ...replicateIds),
      key: ref,
    });
  }
  return ref;
}

/** The CreateKey of `key` in its primary Region, with the ownership tags, its origin and key store. */
function createKeyAction(key: DesiredKey, tags: TagMap): Action {
  const region = key.primaryRegion;
  return {
    kind: 'CreateKey',
    id: newKeyActionId('CreateKey', region, key.keyName),
    region,
    keyName: key.keyName,
    dependsOn: [],
    spec: key.spec,
    keyUsage: key.keyUsage,
    multiRegion: key.multiRegion,
    policy: key.policy,
    description: key.description,
    tags,
    ...(key.origin === undefined ? {} : { origin: key.origin }),
    ...(key.customKeyStore === undefined ? {} : { customKeyStoreId: key.customKeyStore.id }),
    ...(key.customKeyStore?.xksKeyId === undefined ? {} : { xksKeyId: key.customKeyStore.xksKeyId }),
  };
}

/**
 * A replica that does not exist yet, of a new or an existing multi-Region key: ReplicateKey from the
 * primary, DisableKey after it when the key is to be disabled (a replica's enabled state is its own),
 * and the request for its alias.
 */
export interface ReplicaPlan {
  primaryRegion: string;
  replicaRegion: string;
  ref: KeyRef;
  /** What ReplicateKey waits for (the primary created, restored, enabled or moved). */
  dependsOn: string[];
  tags: TagMap;
  /** The id of the replica's DisableKey, used when the key is to be disabled. */
  disableKeyId: string;
  /** The id of the replica's ImportKeyMaterial, used when the key imports its material. */
  importKeyId: string;
}

/** Plans the replica (see {@link ReplicaPlan}); returns the ReplicateKey's id. */
export function planReplica(ctx: PlannerContext, key: DesiredKey, replica: ReplicaPlan): string {
  const { keyName } = key;
  const { primaryRegion, replicaRegion, ref } = replica;
  const replicateId = ctx.out.add({
    kind: 'ReplicateKey',
    id: replicateActionId(primaryRegion, keyName, replicaRegion),
    region: primaryRegion,
    keyName,
    dependsOn: replica.dependsOn,
    key: ref,
    replicaRegion,
    policy: key.policy,
    description: key.description,
    tags: replica.tags,
  });
  // KMS does not copy imported material to replicas: each gets the same material imported.
  const importId = importsMaterial(key)
    ? planImport(ctx, key, { id: replica.importKeyId, region: replicaRegion, ref, dependsOn: [replicateId], reason: 'new' })
    : null;
  if (!key.enabled && !awaitsImport(key)) {
    ctx.out.add({ kind: 'DisableKey', id: replica.disableKeyId, region: replicaRegion, keyName, dependsOn: deps(replicateId, importId), key: ref });
  }
  ctx.aliasRequests.push(...keyAliasRequests(key, replicaRegion, ref, [replicateId]));
  return replicateId;
}
