/**
 * Rule 3: a desired key bound to a key that exists. The primary and every replica are compared on
 * their own (policy, description, tags and enabled state are per Region in KMS); rotation is a
 * property of the primary. Replicas that are missing are added, replicas no longer wanted removed,
 * and the primary moves with UpdatePrimaryRegion when the desired primary Region holds a replica.
 */

import { OWNERSHIP_TAGS } from '../ownership.ts';
import { canonicalizeJsonText } from '../text/canonicalJson.ts';
import type { ActualKey, DesiredKey, KeyRef, TagMap } from '../types.ts';
import { isActive, isPendingDeletion, type KeyFamily } from './actualIndex.ts';
import { withAdoptionTags } from './adoption.ts';
import { deps } from './builder.ts';
import type { PlannerContext } from './context.ts';
import { checkPermitted, type ExistingBinding } from './existingKeyRefusals.ts';
import { keyAliasRequests } from './extraAliases.ts';
import { keyActionId } from './ids.ts';
import { importReasonOf, planImport } from './keyMaterial.ts';
import { planMaterialRotation, restoreLostMaterials } from './materialRotation.ts';
import { planReplica } from './newKey.ts';
import { planRotation } from './rotation.ts';
import { desiredKeyTags, tagChange } from './tags.ts';

/** What later actions on one key must wait for. */
interface Gate {
  /** CancelKeyDeletion: KMS refuses tags, aliases, EnableKey… on a key pending deletion. */
  cancel: string | null;
  /**
   * EnableKey, or the ImportKeyMaterial that takes a `PendingImport` key to `Enabled`: rotation
   * changes, ReplicateKey and UpdatePrimaryRegion need an enabled key.
   */
  enable: string | null;
  /** ImportKeyMaterial of this member (docs/key-material.md): it may be enabled after, and must be disabled again. */
  imported?: string | null;
}

/**
 * Plans the in-place changes of a bound key. Returns false (after recording refusals) when a key it
 * would have to change is not ours to change.
 */
export function planExistingKey(ctx: PlannerContext, binding: ExistingBinding, movePrimary: boolean): boolean {
  const { out } = ctx;
  const { key, family } = binding;
  const { keyName } = key;
  const keyId = family.keyId;
  const ref: KeyRef = { keyId };
  const primaryRegion = key.primaryRegion;
  const wanted = [primaryRegion, ...(key.multiRegion ? key.replicaRegions : [])];
  const members = new Map(family.members.map((m) => [m.region, m]));
  const memberP = members.get(primaryRegion)!;
  const oldPrimary = movePrimary ? family.primary! : null;

  if (!checkPermitted(ctx, binding, wanted, oldPrimary, memberP)) return false;

  const touched = family.members.filter((m) => wanted.includes(m.region));
  const tags = withAdoptionTags(key, family, desiredKeyTags(key, ctx.desired.owner, binding.siblingOwnerId ?? previousOwnerOf(ctx, family, touched)));
  const gates = new Map<string, Gate>();
  for (const member of touched) gates.set(member.region, planMemberUpdate(ctx, key, member, tags));

  let moveId: string | null = null;
  if (oldPrimary) {
    // An old primary that is not wanted any more still has to be Enabled for the move.
    if (!gates.has(oldPrimary.region)) gates.set(oldPrimary.region, enableForMove(ctx, keyName, oldPrimary));
    const from = gates.get(oldPrimary.region);
    const to = gates.get(primaryRegion);
    moveId = out.onKey('UpdatePrimaryRegion', oldPrimary.region, keyName, keyId, [from?.cancel, from?.enable, to?.cancel, to?.enable], { primaryRegion });
  }

  const rotationId = planRotation(ctx, key, memberP, (oldPrimary ?? memberP).rotation, gates.get(primaryRegion)!, moveId);
  const adding = wanted.some((region) => !members.has(region));
  const materialRotationId = planMaterialRotation(ctx, key, { members: touched, gates, moving: oldPrimary !== null, adding });

  const replicateIds: string[] = [];
  for (const region of wanted) {
    const member = members.get(region);
    if (member) {
      ctx.aliasRequests.push(...keyAliasRequests(key, region, ref, deps(gates.get(region)!.cancel)));
      continue;
    }
    // Replicas are made from the primary (after the move, the new one), which must be enabled.
    const primaryGate = gates.get(primaryRegion)!;
    const dependsOn = deps(primaryGate.cancel, primaryGate.enable, moveId);
    const disableKeyId = keyActionId('DisableKey', region, keyName, keyId);
    const importKeyId = keyActionId('ImportKeyMaterial', region, keyName, keyId);
    replicateIds.push(planReplica(ctx, key, { primaryRegion, replicaRegion: region, ref, dependsOn, tags, disableKeyId, importKeyId }));
  }

  const importedIn = (region: string) => gates.get(region)?.imported ?? null;
  if (!key.enabled) disableMembers(ctx, key, keyId, touched, oldPrimary, [moveId, rotationId, materialRotationId, ...replicateIds], moveId, importedIn);
  removeUnwanted(ctx, keyName, family, wanted, oldPrimary, moveId);
  return true;
}

/**
 * A key declared disabled: each active member is disabled last (the primary after the move, rotation
 * and replicas). A member imported now (`importedIn`) leaves PendingImport Enabled: disabled after its import.
 */
function disableMembers(
  ctx: PlannerContext,
  key: DesiredKey,
  keyId: string,
  touched: readonly ActualKey[],
  oldPrimary: ActualKey | null,
  primaryAfter: (string | null)[],
  moveId: string | null,
  importedIn: (region: string) => string | null,
): void {
  for (const member of touched) {
    const imported = importedIn(member.region);
    if (!isActive(member.state) && imported === null) continue;
    const moved = oldPrimary !== null && (member.region === key.primaryRegion || member.region === oldPrimary.region);
    const dependsOn = member.region === key.primaryRegion ? [...primaryAfter, imported] : [moved ? moveId : null, imported];
    ctx.out.onKey('DisableKey', member.region, key.keyName, keyId, dependsOn, {});
  }
}

/** Members in Regions no longer wanted are removed (the old primary after the move); an adopted key's replicas elsewhere stay somebody else's. */
function removeUnwanted(
  ctx: PlannerContext,
  keyName: string,
  family: KeyFamily,
  wanted: readonly string[],
  oldPrimary: ActualKey | null,
  moveId: string | null,
): void {
  for (const member of family.members) {
    if (wanted.includes(member.region)) continue;
    if (ctx.ownership(member).kind === 'foreign') continue;
    const isOldPrimary = member === oldPrimary;
    ctx.removals.push({
      member,
      keyName,
      dependsOn: deps(isOldPrimary ? moveId : null),
      cancelled: isOldPrimary && isPendingDeletion(member.state),
    });
  }
}

/** Per-Region properties of one primary or replica. */
function planMemberUpdate(ctx: PlannerContext, key: DesiredKey, member: ActualKey, tags: TagMap): Gate {
  const { out } = ctx;
  const { keyName } = key;
  const { region, keyId } = member;
  // Restoration: nothing is lost while the window lasts; the key comes back Disabled.
  const cancel = isPendingDeletion(member.state) ? out.onKey('CancelKeyDeletion', region, keyName, keyId, [], {}) : null;
  const after = deps(cancel);

  const reason = importReasonOf(key, member);
  // Non-current material that expired keeps the key PendingImport too: imported again first.
  const restored = reason === null ? [] : restoreLostMaterials(ctx, key, member, after);
  const imported =
    reason === null
      ? null
      : planImport(ctx, key, {
          id: keyActionId('ImportKeyMaterial', region, keyName, keyId),
          region,
          ref: { keyId },
          dependsOn: [...after, ...restored],
          reason,
        });
  const change = tagChange(member.tags, tags, ctx.ownership(member).kind === 'foreign');
  if (Object.keys(change.set).length > 0) {
    // The secret recorded on the key changes only once its material is imported from that secret.
    out.onKey('TagResource', region, keyName, keyId, deps(cancel, imported), { tags: change.set });
  }
  if (change.unset.length > 0) {
    out.onKey('UntagResource', region, keyName, keyId, after, { tagKeys: change.unset });
  }
  const wantedPolicy = canonicalizeJsonText(key.policy) ?? key.policy;
  if (member.policy === null || canonicalizeJsonText(member.policy) !== wantedPolicy) {
    out.onKey('PutKeyPolicy', region, keyName, keyId, after, { policy: key.policy });
  }
  if (member.description !== key.description) {
    out.onKey('UpdateKeyDescription', region, keyName, keyId, after, { description: key.description });
  }
  const enableKey =
    key.enabled && (cancel !== null || member.state === 'Disabled') ? out.onKey('EnableKey', region, keyName, keyId, deps(cancel, imported), {}) : null;
  return { cancel, enable: enableKey ?? imported, imported };
}

/** Brings an old primary that is about to be removed to Enabled, as UpdatePrimaryRegion requires. */
function enableForMove(ctx: PlannerContext, keyName: string, member: ActualKey): Gate {
  const { region, keyId } = member;
  const pending = isPendingDeletion(member.state);
  const cancel = pending ? ctx.out.onKey('CancelKeyDeletion', region, keyName, keyId, [], {}) : null;
  const enable = pending || member.state === 'Disabled' ? ctx.out.onKey('EnableKey', region, keyName, keyId, [cancel], {}) : null;
  return { cancel, enable };
}

/**
 * A hand-over from a renamed resource that is not confirmed yet, which every key of the family
 * (replicas made now included) must carry: the `PreviousOwner` already on one of our keys, or the
 * sibling we are taking a key from now. Only keys in wanted Regions count: they are all ours once
 * the plan has run, so the answer is the same when planning again.
 */
function previousOwnerOf(ctx: PlannerContext, family: KeyFamily, touched: ActualKey[]): string | null {
  const ownId = ctx.desired.owner.ownerId;
  const ordered = [...touched].sort((a, b) => Number(a !== family.primary) - Number(b !== family.primary));
  for (const member of ordered) {
    const ownership = ctx.ownership(member);
    if (ownership.kind === 'sibling') return ownership.ownerId;
    const value = member.tags[OWNERSHIP_TAGS.previousOwner];
    if (ownership.kind === 'self' && value !== undefined && value !== ownId) return value;
  }
  return null;
}
