/**
 * Region names checked against the partition (docs/behaviour.md §4), and the keys and replica
 * Regions whose input has merely become invalid (docs/behaviour.md §6, Removal). Pure: the Regions
 * come from `ListRegions` (every status) through the caller.
 *
 * - A name `ListRegions` reports under no status (`us-eats-1`, `eu-wset-1`) is no Region at all: a
 *   validation error naming the property path, before any KMS call.
 * - A Region that exists but is not enabled, or is outside OptInRegions, does not place a key there.
 *   A key that does not exist yet is then not created (InvalidCmkInputs); one that exists is *held*:
 *   the planner keeps it untouched and refuses the request, because only the configuration naming a
 *   key (or Delete) may remove it.
 */

import type { ValidationIssue } from '../errors.ts';
import { addIssue } from '../properties/issues.ts';
import { type AccountRegion, ALL_REGIONS, isEnabledStatus, type KeyPlacement } from '../regions.ts';
import { editDistance } from '../text/editDistance.ts';
import { compare } from '../text/order.ts';
import type { HeldInstance, KeyProperties, ResourceProperties } from '../types.ts';

/** Every Region name in the properties that the partition does not have, with its property path. */
export function unknownRegionIssues(properties: ResourceProperties, regions: readonly AccountRegion[]): ValidationIssue[] {
  const known = new Set(regions.map((r) => r.name));
  const issues: ValidationIssue[] = [];
  const check = (name: string, path: string): void => {
    if (name === ALL_REGIONS || known.has(name)) return;
    const guess = closestRegion(name, known);
    const hint = guess === undefined ? '' : `; did you mean ${guess}?`;
    addIssue(issues, path, `${name} is not a Region of this partition (ListRegions reports no such Region under any status)${hint}`);
  };
  for (const key of properties.keys) {
    const at = `CustomerMasterKeys.${key.name}`;
    if (key.region !== null) check(key.region, `${at}.Region`);
    for (const replica of key.replicaRegions) check(replica, `${at}.ReplicaRegions`);
  }
  for (const region of properties.optInRegions ?? []) check(region, 'OptInRegions');
  return issues;
}

/** Why `region` does not place a key: not enabled (with its status), or outside OptInRegions. */
export function unusableCause(region: string, regions: readonly AccountRegion[], optInRegions: string[] | null): string {
  const status = regions.find((r) => r.name === region)?.status;
  if (status === undefined || !isEnabledStatus(status)) return `${region} is not enabled in this account (ListRegions: ${status ?? 'not listed'})`;
  if (optInRegions !== null && !optInRegions.includes(region)) return `${region} is not in OptInRegions`;
  return `${region} cannot hold this key`;
}

/**
 * The instances of one key that its properties no longer place but do not remove either:
 * the whole key when its `Region` is unusable, else each listed replica Region that is unusable,
 * and, with `"*"`, every Region of the partition it no longer covers.
 */
export function heldInstancesOf(key: KeyProperties, placement: KeyPlacement, regions: readonly AccountRegion[], optInRegions: string[] | null): HeldInstance[] {
  const keyName = key.name;
  if (placement.kind === 'invalid' && key.region !== null) {
    return [{ keyName, region: null, property: 'Region', cause: unusableCause(key.region, regions, optInRegions) }];
  }
  if (placement.kind !== 'fixed') return [];
  const placed = new Set([placement.primaryRegion, ...placement.replicaRegions]);
  const held = new Map<string, HeldInstance>();
  for (const region of placement.invalidReplicaRegions) {
    if (placed.has(region) || region === ALL_REGIONS) continue;
    held.set(region, { keyName, region, property: 'ReplicaRegions', cause: unusableCause(region, regions, optInRegions) });
  }
  if (key.replicaRegions.includes(ALL_REGIONS)) {
    // Only enabled Regions can hold a replica the reader sees; the others are never scanned.
    for (const { name, status } of regions) {
      if (placed.has(name) || held.has(name) || !isEnabledStatus(status)) continue;
      held.set(name, { keyName, region: name, property: 'ReplicaRegions', cause: `"*" no longer covers it: ${unusableCause(name, regions, optInRegions)}` });
    }
  }
  return [...held.values()].sort((a, b) => compare(a.region ?? '', b.region ?? ''));
}

/** The known Region at edit distance ≤ 2 from `name` (a typo), if exactly one is closest. */
function closestRegion(name: string, known: ReadonlySet<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  let tie = false;
  for (const candidate of known) {
    const distance = editDistance(name, candidate, { swaps: true });
    if (distance < bestDistance) [best, bestDistance, tie] = [candidate, distance, false];
    else if (distance === bestDistance) tie = true;
  }
  return tie ? undefined : best;
}
