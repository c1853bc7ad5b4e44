/**
 * A key's aliases beyond planning one: `alias/<key name>` and every extra alias of `Aliases`
 * (docs/behaviour.md §3, §6) are requested alike in every Region of the key — primary, replicas, or
 * each Region of a per-Region key — so each is created, moved with the key on replacement and never
 * taken from a key this resource does not own without AdoptExistingKeys (planner/aliases.ts decides).
 * An extra alias that leaves the list is deleted where it still targets the key; the key is not touched.
 */
import type { DesiredKey, KeyRef } from '../types.ts';
import type { KeyFamily } from './actualIndex.ts';
import type { AliasRequest, PlannerContext } from './context.ts';
import { aliasActionId } from './ids.ts';

/** The aliases of `key` in `region` (its own first, then the extra ones), to target `ref` once `ready` are done. */
export function keyAliasRequests(key: DesiredKey, region: string, ref: KeyRef, ready: string[]): AliasRequest[] {
  return [key.aliasName, ...key.extraAliasNames].map((aliasName) => ({
    region,
    aliasName,
    keyName: key.keyName,
    key: ref,
    keyId: 'keyId' in ref ? ref.keyId : null,
    spec: key.spec,
    keyUsage: key.keyUsage,
    ready,
  }));
}

/**
 * Deletes the retired extra aliases of a key bound to `family`, in the Regions the key keeps, where
 * they still target it. An alias that targets another key by now is no longer this key's and is left
 * alone; in Regions the key leaves, the removal deletes every alias of the key anyway.
 */
export function planRetiredAliases(ctx: PlannerContext, key: DesiredKey, family: KeyFamily): void {
  if (key.retiredAliasNames.length === 0) return;
  const kept = new Set([key.primaryRegion, ...(key.multiRegion ? key.replicaRegions : [])]);
  for (const member of family.members) {
    if (!kept.has(member.region)) continue;
    for (const aliasName of key.retiredAliasNames) {
      if (ctx.index.alias(member.region, aliasName)?.targetKeyId !== family.keyId) continue;
      ctx.out.add({
        kind: 'DeleteAlias',
        id: aliasActionId('DeleteAlias', member.region, aliasName),
        region: member.region,
        keyName: key.keyName,
        dependsOn: [],
        aliasName,
      });
    }
  }
}
