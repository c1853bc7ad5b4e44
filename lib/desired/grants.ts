/**
 * The grants of one desired key (docs/behaviour.md §12): KMS grants are per key and Region (a
 * multi-Region key's replicas do not share them), so each grant is made in every Region of the key
 * (primary and replicas) unless its `Regions` narrows it. Regions where the key is not placed (a
 * per-Region key elsewhere, a replica Region that is not enabled) simply get no grant.
 */
import { grantFingerprintOf, kmsGrantNameOf } from '../grantNames.ts';
import type { DesiredGrant, DesiredKey, GrantProperties, ResourceProperties } from '../types.ts';

/** The desired grants of a key placed in `keyRegions`, for the resource `ownerId`; grants placed nowhere are left out. */
export function desiredGrantsOf(grants: readonly GrantProperties[], keyRegions: readonly string[], ownerId: string): DesiredGrant[] {
  const result: DesiredGrant[] = [];
  for (const grant of grants) {
    const regions = (grant.regions === null ? [...keyRegions] : grant.regions.filter((region) => keyRegions.includes(region))).sort();
    if (regions.length === 0) continue;
    const { name, granteePrincipal, operations, retiringPrincipal, constraints } = grant;
    result.push({
      name,
      kmsName: kmsGrantNameOf(ownerId, name, grantFingerprintOf(grant)),
      granteePrincipal,
      operations: [...operations],
      retiringPrincipal,
      constraints,
      regions,
    });
  }
  return result;
}

/**
 * The grants an Update's previous properties gave `key` (same key name) that it no longer wants —
 * removed, or changed (a changed grant is a new KMS name) — in the Regions the key still has, with
 * the parameters they were made with: the planner revokes each whether or not ListGrants lists it
 * yet, making one not listed again by name first (docs/behaviour.md §12). Empty without previous
 * properties.
 */
export function retiredGrantsOf(key: DesiredKey, oldProperties: ResourceProperties | null, ownerId: string): DesiredGrant[] {
  const old = oldProperties?.keys.find((candidate) => candidate.name === key.keyName)?.grants;
  if (old === undefined || old.length === 0) return [];
  const wanted = new Set((key.grants ?? []).map((grant) => grant.kmsName));
  return desiredGrantsOf(old, [key.primaryRegion, ...key.replicaRegions], ownerId).filter((grant) => !wanted.has(grant.kmsName));
}
