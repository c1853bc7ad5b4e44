/**
 * Rule 7: nothing is removed because its input merely became invalid (docs/behaviour.md §6, Removal).
 * The desired state lists, as plain data, the keys and replica Regions whose Region is not enabled,
 * outside OptInRegions or no longer covered by `"*"` (`DesiredState.held`). An owned key or replica
 * there that this plan would remove (schedule for deletion, or release) is kept, and the request is
 * refused with a reason that names the key and the Region and says how to remove it on purpose.
 * A key already pending deletion is left alone without a refusal: the plan would not touch it.
 */
import { OWNERSHIP_TAGS } from '../ownership.ts';
import type { ActualKey, HeldInstance } from '../types.ts';
import { isPendingDeletion, type KeyFamily } from './actualIndex.ts';
import type { PlannerContext } from './context.ts';

/** The held instance covering `keyName` in `region`, if any. */
export function heldInstanceOf(held: readonly HeldInstance[] | undefined, keyName: string, region: string): HeldInstance | undefined {
  return (held ?? []).find((h) => h.keyName === keyName && (h.region === null || h.region === region));
}

/**
 * Drops the queued removals and the unbound families that are held, refusing each one that the
 * plan would otherwise change. Returns the unbound families still to remove.
 */
export function holdRemovals(ctx: PlannerContext, unbound: readonly KeyFamily[]): KeyFamily[] {
  const held = ctx.desired.held ?? [];
  ctx.removals = ctx.removals.filter((removal) => {
    const instance = heldInstanceOf(held, removal.keyName, removal.member.region);
    if (instance === undefined) return true;
    if (removal.cancelled || !isPendingDeletion(removal.member.state))
      ctx.out.refuse(removal.keyName, removal.member.region, heldReason(instance, removal.member));
    return false;
  });

  return holdPerRegionLeftovers(
    ctx,
    unbound.filter((family) => {
      const owned = family.members.filter((m) => ctx.ownership(m).kind === 'self');
      const heldMembers = owned.flatMap((m) => {
        const instance = heldInstanceOf(held, m.tags[OWNERSHIP_TAGS.keyName] ?? '', m.region);
        return instance === undefined ? [] : [{ member: m, instance }];
      });
      if (heldMembers.length === 0) return true;
      // One refusal per family, on its primary when that is among the held members.
      const active = heldMembers.filter(({ member }) => !isPendingDeletion(member.state));
      const shown = active.find(({ member }) => member.role !== 'REPLICA') ?? active[0];
      if (shown !== undefined) ctx.out.refuse(shown.instance.keyName, shown.member.region, heldReason(shown.instance, shown.member));
      return false;
    }),
  );
}

/**
 * A key in every Region (`Region: ""`) that now names one Region leaves its separate keys in the
 * other Regions unbound. No rule of removal names them (its entry stayed, no Region left
 * OptInRegions), and each holds its own key material, so they are kept and the request refused,
 * unless the key allows replacement (`AllowReplacement: true`), which names exactly this.
 */
function holdPerRegionLeftovers(ctx: PlannerContext, unbound: KeyFamily[]): KeyFamily[] {
  const fixed = new Map(ctx.desired.keys.filter((k) => !k.perRegion).map((k) => [k.keyName, k]));
  const leftovers = new Map<string, ActualKey[]>();
  const remaining = unbound.filter((family) => {
    const reference = family.primary ?? family.members[0]!;
    if (family.multiRegion || ctx.ownership(reference).kind !== 'self' || isPendingDeletion(reference.state)) return true;
    const key = fixed.get(reference.tags[OWNERSHIP_TAGS.keyName] ?? '');
    if (key === undefined || key.allowReplacement || reference.region === key.primaryRegion) return true;
    leftovers.set(key.keyName, [...(leftovers.get(key.keyName) ?? []), reference]);
    return false;
  });
  for (const [keyName, members] of leftovers) {
    const regions = members.map((m) => m.region).sort();
    const region = fixed.get(keyName)!.primaryRegion;
    ctx.out.refuse(
      keyName,
      null,
      `Region of ${keyName} is now ${region}, which would delete its separate keys in ${regions.join(', ')} (each with its own key material), although no removal names them. To delete them, set AllowReplacement: true on ${keyName} for this change; to keep them, set its Region back to "".`,
    );
  }
  return remaining;
}

/** `the key of cmk-prod in us-east-1 (…) is kept: …. To remove it on purpose, …; to keep it, ….` */
export function heldReason(instance: HeldInstance, member: ActualKey): string {
  const { keyName } = instance;
  const what = member.role === 'REPLICA' ? `the replica of ${keyName} in ${member.region}` : `the key of ${keyName} in ${member.region}`;
  const home = member.primaryRegion ?? member.region;
  const how =
    instance.property === 'Region'
      ? `To remove ${keyName} on purpose, take it out of CustomerMasterKeys; to keep it, set its Region back to ${home}`
      : `To remove this replica on purpose, take ${member.region} out of the ReplicaRegions of ${keyName} (list the Regions instead of "*"); to keep it, put ${member.region} back in OptInRegions`;
  return `${what} (${member.keyId}) is kept: ${instance.property} of ${keyName} no longer places it there because ${instance.cause}, and an input that became invalid never removes a key. ${how}.`;
}
