/**
 * Rule 1 of the planner: which actual key serves each desired key (docs/behaviour.md §6).
 * (a) the key `alias/<name>` in the primary Region targets — ours (a retry), a sibling's (a renamed
 * logical ID: ownership moves here) or, with AdoptExistingKeys, anybody's; (b) an owned key tagged
 * with the key name whose primary is in that Region (a crash between CreateKey and CreateAlias, or a
 * key removed and re-added within its window); (c) an owned multi-Region key with a replica there
 * (UpdatePrimaryRegion); (e) an owned key with that name in another Region (a Region change: a
 * replacement); otherwise a new key.
 * Each pass runs over all desired keys before the next, so a direct alias match always wins over a
 * key-name match, and no actual key is bound twice.
 */
import { OWNERSHIP_TAGS } from '../ownership.ts';
import type { ActualKey, DesiredKey } from '../types.ts';
import { isPendingDeletion, type KeyFamily } from './actualIndex.ts';
import { compare } from './builder.ts';
import { compareStructure } from './changeRules.ts';
import { adoptionConsentRefusal } from './consent.ts';
import { foreignAliasReason, type PlannerContext, unreadableAliasReason } from './context.ts';

export type KeyBinding =
  | {
      kind: 'existing';
      key: DesiredKey;
      family: KeyFamily;
      /** A foreign key taken over with AdoptExistingKeys. */
      adopted: boolean;
      /** Set when the key belonged to a sibling resource: recorded as `PreviousOwner`. */
      siblingOwnerId: string | null;
    }
  | { kind: 'new'; key: DesiredKey }
  | { kind: 'refused'; key: DesiredKey };

/** One binding per desired key, in the order of `desired.keys`. */
export function bindDesiredKeys(ctx: PlannerContext): KeyBinding[] {
  const { desired } = ctx;
  const claimed = new Set<string>();
  const result = new Map<string, KeyBinding>();
  const bind: Bind = (key, family, adopted, siblingOwnerId) => {
    claimed.add(family.keyId);
    result.set(key.id, { kind: 'existing', key, family, adopted, siblingOwnerId });
  };

  // (a) the alias in the primary Region
  for (const key of desired.keys) bindByAlias(ctx, key, claimed, bind, (refused) => result.set(refused.id, { kind: 'refused', key: refused }));

  // (b) an owned key with this KeyName whose primary is in the primary Region
  for (const key of desired.keys) {
    if (result.has(key.id)) continue;
    const family = pick(
      ownedFamilies(ctx, key, claimed).filter((f) => f.primary?.region === key.primaryRegion),
      key.primaryRegion,
    );
    if (family) bind(key, family, false, null);
  }

  // (c) an owned multi-Region key with this KeyName and a replica in the primary Region
  for (const key of desired.keys) {
    if (result.has(key.id) || !key.multiRegion) continue;
    const family = pick(
      ownedFamilies(ctx, key, claimed).filter((f) => f.multiRegion && f.members.some((m) => m.region === key.primaryRegion)),
      key.primaryRegion,
    );
    if (family) bind(key, family, false, null);
  }

  // (e) an owned key with this KeyName anywhere else: the key moves Region, which needs a new key;
  // binding it makes that a refused (or allowed) replacement instead of a silent delete-and-create.
  // Per-Region keys share their KeyName across Regions, so they never look elsewhere.
  for (const key of desired.keys) {
    if (result.has(key.id) || key.perRegion) continue;
    const family = [...ownedFamilies(ctx, key, claimed)].sort(
      (a, b) => Number(isPendingDeletion(referenceOf(a).state)) - Number(isPendingDeletion(referenceOf(b).state)) || compare(a.keyId, b.keyId),
    )[0];
    if (family) bind(key, family, false, null);
  }

  return desired.keys.map((key) => result.get(key.id) ?? { kind: 'new', key });
}

/**
 * A replacement an earlier attempt already made: when `binding`'s key needs replacing (and may be,
 * `AllowReplacement`), an owned, unbound key tagged with the key name whose primary is in the
 * primary Region and which needs no replacement — the CreateKey of an attempt that stopped before
 * the alias moved — serves instead of a second new key (which would leave that one to be deleted).
 * The old key stays unbound, removed as in any replacement. `binding` itself when there is none.
 */
export function withEarlierReplacement(ctx: PlannerContext, binding: KeyBinding, bound: ReadonlySet<string>): KeyBinding {
  if (binding.kind !== 'existing' || binding.adopted || !binding.key.allowReplacement) return binding;
  const { key } = binding;
  if (compareStructure(key, binding.family).changes.length === 0) return binding;
  const made = ownedFamilies(ctx, key, bound).filter(
    (family) => referenceOf(family).region === key.primaryRegion && compareStructure(key, family).changes.length === 0,
  );
  const family = pick(made, key.primaryRegion);
  return family === undefined ? binding : { ...binding, family, siblingOwnerId: null };
}

type Bind = (key: DesiredKey, family: KeyFamily, adopted: boolean, siblingOwnerId: string | null) => void;

/** Binds `key` to the key its alias targets in the primary Region, or refuses it (unreadable or foreign target). */
function bindByAlias(ctx: PlannerContext, key: DesiredKey, claimed: ReadonlySet<string>, bind: Bind, refuse: (key: DesiredKey) => void): void {
  const { index } = ctx;
  const alias = index.alias(key.primaryRegion, key.aliasName);
  if (!alias) return;
  const target = index.key(key.primaryRegion, alias.targetKeyId);
  if (!target) {
    ctx.out.refuse(key.keyName, key.primaryRegion, unreadableAliasReason(key.aliasName, key.primaryRegion, alias.targetKeyId));
    refuse(key);
    return;
  }
  // Two aliases on one key: the first desired key keeps it, the other gets its own key.
  if (claimed.has(target.keyId)) return;
  const ownership = ctx.ownership(target);
  const family = index.family(target.keyId)!;
  if (ownership.kind === 'self') bind(key, family, false, null);
  else if (ownership.kind === 'sibling') bind(key, family, false, ownership.ownerId);
  else {
    // AdoptExistingKeys takes over only a key its owner offered (planner/adoption.ts).
    const refusal = ctx.desired.adoptExistingKeys
      ? adoptionConsentRefusal(ctx, key.aliasName, target)
      : foreignAliasReason(key.aliasName, key.primaryRegion, target.keyId);
    if (refusal === null) bind(key, family, true, null);
    else {
      ctx.out.refuse(key.keyName, key.primaryRegion, refusal);
      refuse(key);
    }
  }
}

/** Unclaimed families whose visible primary (or first member) is ours and tagged with the key name. */
function ownedFamilies(ctx: PlannerContext, key: DesiredKey, claimed: ReadonlySet<string>): KeyFamily[] {
  return ctx.index.families.filter((family) => {
    if (claimed.has(family.keyId)) return false;
    const reference = referenceOf(family);
    return ctx.ownership(reference).kind === 'self' && reference.tags[OWNERSHIP_TAGS.keyName] === key.keyName;
  });
}

function referenceOf(family: KeyFamily): ActualKey {
  return family.primary ?? family.members[0]!;
}

/** Prefer a key that is not waiting for deletion, then the lexically smallest id (determinism). */
function pick(families: KeyFamily[], region: string): KeyFamily | undefined {
  const pending = (f: KeyFamily): number => {
    const member = f.members.find((m) => m.region === region)!;
    return isPendingDeletion(member.state) ? 1 : 0;
  };
  return [...families].sort((a, b) => pending(a) - pending(b) || compare(a.keyId, b.keyId))[0];
}
