/**
 * Rule 8: adoption (`AdoptExistingKeys`, docs/behaviour.md §6). Taking over a key somebody else made
 * happens in two steps, so that the rollback of the adopting request — the Delete after a failed
 * Create, the rollback Update, or CloudFormation rolling the stack back after this resource
 * succeeded — finds the key, its policy, alias and state exactly as they were:
 *
 * 1. The adopting request only records the adoption: ownership tags, with `AdoptedBy` = its
 *    RequestId and `RemovalPolicy: Retain`, in one TagResource per key (after removing stale tags
 *    of the reserved prefix a previous owner left). Nothing else about the key changes, so a crash
 *    or a failure anywhere leaves it as found, and any removal now only releases it (the ownership
 *    tags go, nothing else).
 * 2. A later request (another RequestId) that keeps the key confirms the adoption: it applies the
 *    template (policy, description, tags, enabled state, rotation, replicas, aliases) like on any
 *    owned key. From then on the key is removed like an owned one, except that it is released
 *    rather than deleted unless its properties set `RemovalPolicy: Delete` explicitly.
 */
import { ADOPTABLE_BY_TAG, isOwnershipTagKey, OWNERSHIP_TAGS, ownershipTags } from '../ownership.ts';
import type { DesiredKey, KeyRef, TagMap } from '../types.ts';
import { isPendingDeletion, type KeyFamily } from './actualIndex.ts';
import type { KeyBinding } from './binding.ts';
import { compare } from './builder.ts';
import type { PlannerContext } from './context.ts';
import { sortedTags } from './tags.ts';

type ExistingBinding = Extract<KeyBinding, { kind: 'existing' }>;

/**
 * The value of `AdoptedBy` a family carries (on its primary, else any member), or undefined. Step 1
 * records it on every wanted member, so the members disagree only when a tag was changed by hand, a
 * member was tagged by somebody else, or the primary is not visible. Any member counts: every error
 * then keeps the key (released rather than deleted on removal, the template applied only by a request
 * other than the one it names) — what anybody able to tag the member could do with `RemovalPolicy`
 * itself (tests/planner/binding.test.ts).
 */
function adoptedByOf(family: KeyFamily): string | undefined {
  return (
    family.primary?.tags[OWNERSHIP_TAGS.adoptedBy] ?? family.members.find((m) => m.tags[OWNERSHIP_TAGS.adoptedBy] !== undefined)?.tags[OWNERSHIP_TAGS.adoptedBy]
  );
}

/** True while the binding's key is being adopted by this very request (step 1). */
export function isAdoptionPending(ctx: PlannerContext, binding: ExistingBinding): boolean {
  if (binding.adopted) return true;
  const adoptedBy = adoptedByOf(binding.family);
  return adoptedBy !== undefined && adoptedBy === requestIdOf(ctx);
}

/** Plans built without a RequestId (tests, previews) count as one request. */
function requestIdOf(ctx: PlannerContext): string {
  return ctx.desired.requestId ?? 'unknown-request';
}

/**
 * The tags of a key adopted earlier and kept now (step 2): `AdoptedBy` stays, and the recorded
 * RemovalPolicy is `Delete` only when the properties say so explicitly.
 */
export function withAdoptionTags(key: DesiredKey, family: KeyFamily, tags: TagMap): TagMap {
  const adoptedBy = adoptedByOf(family);
  if (adoptedBy === undefined) return tags;
  return sortedTags({
    ...tags,
    [OWNERSHIP_TAGS.adoptedBy]: adoptedBy,
    [OWNERSHIP_TAGS.removalPolicy]: key.removalPolicyExplicit === true ? key.removalPolicy : 'Retain',
  });
}

/** Step 1: record the adoption on every member in a wanted Region; returns the key's ref. */
export function planPendingAdoption(ctx: PlannerContext, binding: ExistingBinding): KeyRef | null {
  const { key, family } = binding;
  const { keyName } = key;
  const wanted = new Set([key.primaryRegion, ...(key.multiRegion ? key.replicaRegions : [])]);
  const members = family.members.filter((m) => wanted.has(m.region));
  const pending = members.filter((m) => isPendingDeletion(m.state));
  if (pending.length > 0) {
    for (const member of pending) {
      ctx.out.refuse(
        keyName,
        member.region,
        `the key ${member.keyId} that ${key.aliasName} in ${member.region} leads to is pending deletion; AdoptExistingKeys takes keys over as they are and does not restore them: cancel its deletion first (aws kms cancel-key-deletion)`,
      );
    }
    return null;
  }
  const tags = sortedTags({
    ...ownershipTags(ctx.desired.owner, keyName, { removalPolicy: 'Retain', deletionWindowInDays: key.deletionWindowInDays }),
    [OWNERSHIP_TAGS.adoptedBy]: requestIdOf(ctx),
  });
  for (const member of members) {
    const { region, keyId } = member;
    const stale = Object.keys(member.tags)
      // The owner's consent stays until the adoption is confirmed (a rollback leaves the key as found).
      .filter((tagKey) => isOwnershipTagKey(tagKey) && tagKey !== ADOPTABLE_BY_TAG && !(tagKey in tags))
      .sort(compare);
    const untagId = stale.length === 0 ? null : ctx.out.onKey('UntagResource', region, keyName, keyId, [], { tagKeys: stale });
    const missing = Object.fromEntries(Object.entries(tags).filter(([tagKey, value]) => member.tags[tagKey] !== value));
    if (Object.keys(missing).length === 0) continue;
    // The ownership tag goes on last, in the same call as the rest of the record.
    ctx.out.onKey('TagResource', region, keyName, keyId, untagId === null ? [] : [untagId], { tags: sortedTags(missing) });
  }
  return { keyId: family.keyId };
}
