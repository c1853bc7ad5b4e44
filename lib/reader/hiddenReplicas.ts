/**
 * Replicas the multi-Region keys read list (DescribeKey's MultiRegionConfiguration) in the Regions
 * desired keys want replicas in, that the read did not return: their tags name another owner or
 * none, and no wanted alias targets them (a replica a renamed resource's hand-over scheduled for
 * deletion under that resource's tags, or one retagged by hand). KMS makes one replica per Region,
 * so the planner must see them: it restores one of a renamed resource (docs/behaviour.md §6),
 * refuses one of somebody else, and never plans a ReplicateKey there. `readForPlan` reads these
 * Regions again with them (lib/reader/index.ts). KMS documents ReplicaKeys as "all replica keys";
 * that it includes a replica pending deletion is inferred (a primary scheduled for deletion waits
 * in PendingReplicaDeletion until they are gone).
 */
import type { ActualKey, DesiredState } from '../types.ts';
import type { RegionResult } from './actualState.ts';

/** The Regions some desired key wants a replica in: where a ReplicateKey may be planned. */
export function replicaRegionsOf(desired: DesiredState): string[] {
  return [...new Set(desired.keys.flatMap((k) => (k.multiRegion ? k.replicaRegions : [])))].filter((r) => desired.regions.includes(r));
}

/**
 * Region → key ids of the replicas that the keys read (ours, or under a wanted alias: a key being
 * handed over or adopted is read before the plan tags it ours, and must show the same family after)
 * list in `regions`, but that `keys` lacks.
 */
export function hiddenReplicas(keys: readonly ActualKey[], regions: readonly string[]): Map<string, string[]> {
  const read = new Set(keys.map((k) => `${k.region} ${k.keyId}`));
  const hidden = new Map<string, string[]>();
  for (const key of keys) {
    for (const region of key.replicaRegions) {
      if (!regions.includes(region) || read.has(`${region} ${key.keyId}`)) continue;
      read.add(`${region} ${key.keyId}`);
      hidden.set(region, [...(hidden.get(region) ?? []), key.keyId]);
    }
  }
  return hidden;
}

/** `first`, with each Region where `hiddenReplicas` finds some read `again` with them. */
export async function withHiddenReplicas(
  first: RegionResult[],
  replicaRegions: readonly string[],
  again: (region: string, replicasOfOurs: string[]) => Promise<RegionResult>,
): Promise<RegionResult[]> {
  const hidden = hiddenReplicas(
    first.flatMap((r) => r.keys),
    replicaRegions,
  );
  return Promise.all(first.map((r) => (hidden.has(r.region) ? again(r.region, hidden.get(r.region)!) : r)));
}
