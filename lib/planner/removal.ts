/**
 * Rules 5 and 6: owned keys that no desired key is bound to (everything, on Delete), replicas no
 * longer wanted, and keys handed over by or to a renamed resource of the same stack.
 * Removal deletes every alias that targets the key (an alias on a key pending deletion only breaks
 * its users; aliases on keys we do not own are never touched), then schedules the deletion with the
 * window recorded on the key, replicas before their primary. A key already pending deletion is left
 * as it is, alias included (KMS deletes the alias with the key); a Delete does not read the state of
 * the single-Region keys it removes outright (`Unread`, lib/reader/unreadKeys.ts), so it deletes their
 * aliases and schedules them in any state. `RemovalPolicy: Retain` releases the
 * key instead: only the ownership tags go, the key and its aliases stay.
 */
import { ADOPTABLE_BY_TAG, isOwnershipTagKey, OWNERSHIP_TAGS, removalSettingsOf } from '../ownership.ts';
import type { ActualKey } from '../types.ts';
import { isPendingDeletion, type KeyFamily } from './actualIndex.ts';
import { aliasSlot } from './aliases.ts';
import { compare, deps } from './builder.ts';
import type { PlannerContext } from './context.ts';
import { aliasActionId } from './ids.ts';

/** Plans the removals queued by bound keys, then the families nothing is bound to. */
export function planRemovals(ctx: PlannerContext, aliasMoves: ReadonlyMap<string, string>, unbound: readonly KeyFamily[]): void {
  for (const removal of ctx.removals) removeKey(ctx, aliasMoves, removal.member, removal.keyName, removal.dependsOn, removal.cancelled);
  for (const family of unbound) planUnboundFamily(ctx, aliasMoves, family);
}

function planUnboundFamily(ctx: PlannerContext, aliasMoves: ReadonlyMap<string, string>, family: KeyFamily): void {
  const ownId = ctx.desired.owner.ownerId;
  const previousOwnerTag = OWNERSHIP_TAGS.previousOwner;

  // We are the old resource of a rename: the new owner holds the key; confirm the hand-over.
  for (const member of family.members) {
    if (ctx.ownership(member).kind !== 'sibling' || member.tags[previousOwnerTag] !== ownId || isPendingDeletion(member.state)) continue;
    const keyName = keyNameOf(member);
    ctx.out.onKey('UntagResource', member.region, keyName, member.keyId, [], { tagKeys: [previousOwnerTag] });
  }

  const owned = family.members.filter((m) => ctx.ownership(m).kind === 'self');
  const previousOwnerOf = (m: ActualKey): string | undefined => {
    const value = m.tags[previousOwnerTag];
    return value === ownId ? undefined : value;
  };
  const familyPreviousOwner = owned.map(previousOwnerOf).find((v) => v !== undefined);
  if (familyPreviousOwner !== undefined) {
    for (const member of owned) handBack(ctx, member, previousOwnerOf(member) ?? familyPreviousOwner);
    return;
  }

  const replicaDeletions = owned.filter((m) => m.role === 'REPLICA').map((m) => removeKey(ctx, aliasMoves, m, keyNameOf(m), [], false));
  for (const primary of owned.filter((m) => m.role !== 'REPLICA')) {
    removeKey(ctx, aliasMoves, primary, keyNameOf(primary), deps(...replicaDeletions), false);
  }
}

/**
 * A rename rolled back: the key goes back to the resource it came from instead of being deleted.
 * Owner first, then PreviousOwner: cut short in between, the key is the previous owner's (never
 * ours without a trace of where it came from, which would get it deleted).
 */
function handBack(ctx: PlannerContext, member: ActualKey, previousOwner: string): void {
  // KMS refuses tag changes while a key is pending deletion; there is nothing to hand back then.
  if (isPendingDeletion(member.state)) return;
  const keyName = keyNameOf(member);
  const { region, keyId } = member;
  const tagId = ctx.out.onKey('TagResource', region, keyName, keyId, [], { tags: { [OWNERSHIP_TAGS.owner]: previousOwner } });
  if (member.tags[OWNERSHIP_TAGS.previousOwner] === undefined) return;
  ctx.out.onKey('UntagResource', region, keyName, keyId, [tagId], { tagKeys: [OWNERSHIP_TAGS.previousOwner] });
}

/**
 * Removes (or, with Retain, releases) one primary or replica. Returns the ScheduleKeyDeletion id,
 * or null when nothing is scheduled.
 */
function removeKey(
  ctx: PlannerContext,
  aliasMoves: ReadonlyMap<string, string>,
  member: ActualKey,
  keyName: string,
  dependsOn: string[],
  cancelled: boolean,
): string | null {
  const { out } = ctx;
  const { region, keyId } = member;
  const pending = !cancelled && isPendingDeletion(member.state);
  const settings = removalSettingsOf(member.tags, ctx.desired.defaultDeletionWindowInDays);

  if (settings.removalPolicy === 'Retain') {
    // A consent to adoption (AdoptableBy) is the owner's tag, not ours: a released key keeps it.
    const tagKeys = Object.keys(member.tags)
      .filter((tagKey) => isOwnershipTagKey(tagKey) && tagKey !== ADOPTABLE_BY_TAG)
      .sort(compare);
    if (pending || tagKeys.length === 0) return null;
    out.onKey('UntagResource', region, keyName, keyId, dependsOn, { tagKeys });
    return null;
  }

  // Scheduled already (by hand, or by a run cut short after ScheduleKeyDeletion): nothing to do.
  if (pending) return null;
  const aliasIds = ctx.index
    .aliasesTargeting(region, keyId)
    .map(
      (alias) =>
        aliasMoves.get(aliasSlot(region, alias.aliasName)) ??
        out.add({ kind: 'DeleteAlias', id: aliasActionId('DeleteAlias', region, alias.aliasName), region, keyName, dependsOn: [], aliasName: alias.aliasName }),
    );
  return out.onKey('ScheduleKeyDeletion', region, keyName, keyId, [...dependsOn, ...aliasIds], { pendingWindowInDays: settings.deletionWindowInDays });
}

function keyNameOf(member: ActualKey): string {
  return member.tags[OWNERSHIP_TAGS.keyName] ?? member.keyId;
}
