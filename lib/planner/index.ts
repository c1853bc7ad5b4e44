/**
 * The pure planner (docs/behaviour.md §6): desired state + actual state → a plan of plain-data actions with
 * dependency edges, the refusals that stop the request, and which key serves each desired key.
 * Same input, same plan: actions sorted by id, ids stable, no I/O, no clock.
 * Delete is `plan({ ...desired, keys: [] }, actual)`.
 */

import type { ActualState, DesiredState, KeyRef, Plan } from '../types.ts';
import { indexActual, type KeyFamily } from './actualIndex.ts';
import { isAdoptionPending, planPendingAdoption } from './adoption.ts';
import { planAliases } from './aliases.ts';
import { bindDesiredKeys, withEarlierReplacement } from './binding.ts';
import { compareStructure, replacementReason } from './changeRules.ts';
import { createContext } from './context.ts';
import { planExistingKey } from './existingKey.ts';
import { planRetiredAliases } from './extraAliases.ts';
import { planGrants } from './grants.ts';
import { holdRemovals } from './held.ts';
import { planNewKey } from './newKey.ts';
import { planRemovals } from './removal.ts';

/**
 * Plans the reconciliation of `actual` towards `desired`. When `refusals` is non-empty, `actions`
 * is empty: a refused change fails the whole request before anything is executed.
 */
export function plan(desired: DesiredState, actual: ActualState): Plan {
  const ctx = createContext(desired, indexActual(actual, desired.regions));
  const bindings: Record<string, KeyRef> = {};
  // Families that stay with a desired key; every other owned family is removed.
  const kept = new Set<string>();

  const found = bindDesiredKeys(ctx);
  const bound = new Set(found.flatMap((b) => (b.kind === 'existing' ? [b.family.keyId] : [])));
  for (const binding of found.map((b) => withEarlierReplacement(ctx, b, bound))) {
    const { key } = binding;
    if (binding.kind === 'refused') continue;
    if (binding.kind === 'new') {
      bindings[key.id] = planNewKey(ctx, key);
      continue;
    }
    const { family } = binding;
    const structure = compareStructure(key, family);
    if (structure.changes.length === 0 && isAdoptionPending(ctx, binding)) {
      kept.add(family.keyId);
      const ref = planPendingAdoption(ctx, binding);
      if (ref !== null) bindings[key.id] = ref;
      continue;
    }
    if (structure.changes.length === 0) {
      kept.add(family.keyId);
      if (planExistingKey(ctx, binding, structure.movePrimary)) {
        bindings[key.id] = { keyId: family.keyId };
        planRetiredAliases(ctx, key, family);
      }
      continue;
    }
    if (binding.adopted) {
      kept.add(family.keyId);
      ctx.out.refuse(key.keyName, key.primaryRegion, adoptionReason(key.aliasName, key.primaryRegion, family, structure.changes));
    } else if (!key.allowReplacement) {
      kept.add(family.keyId);
      ctx.out.refuse(key.keyName, key.primaryRegion, replacementReason(key.keyName, structure.changes));
    } else {
      // The old key is left unbound: removed (if ours) once its aliases have moved to the new one.
      bindings[key.id] = planNewKey(ctx, key);
    }
  }

  const aliasMoves = planAliases(ctx);
  const unbound = holdRemovals(
    ctx,
    ctx.index.families.filter((family) => !kept.has(family.keyId)),
  );
  planRemovals(ctx, aliasMoves, unbound);

  const grants = planGrants(ctx, bindings, actual.grants ?? []);

  const { actions, refusals } = ctx.out.result();
  return { actions: refusals.length > 0 ? [] : actions, refusals, bindings, ...(Object.keys(grants).length === 0 ? {} : { grants }) };
}

function adoptionReason(aliasName: string, region: string, family: KeyFamily, changes: ReturnType<typeof compareStructure>['changes']): string {
  const what = changes.map((c) => `${c.property} ${c.from} instead of ${c.to}`).join(', ');
  return `${aliasName} in ${region} targets key ${family.keyId}, which this resource does not own and cannot adopt because it has ${what}; AdoptExistingKeys only takes over keys that match`;
}
