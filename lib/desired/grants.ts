/**
 * The grants of one desired key (docs/behaviour.md §12): KMS grants are per key and Region (a
 * multi-Region key's replicas do not share them), so each grant is made in every Region of the key
 * (primary and replicas) unless its `Regions` narrows it. Regions where the key is not placed (a
 * per-Region key elsewhere, a replica Region that is not enabled) simply get no grant.
 */
import { grantFingerprintOf, kmsGrantNameOf } from '../grantNames.ts';
import type { DesiredGrant, DesiredKey, GrantProperties, ResourceProperties, RetiredGrant, RetiredGrants } from '../types.ts';

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
 * The grants an Update's previous properties gave each desired key (same key name) that it no longer
 * wants — removed, or changed (a changed grant is a new KMS name) — per Region the key still has:
 * the reader looks for them until KMS lists them, so that they are revoked (docs/behaviour.md §12).
 * Empty when there are no previous properties.
 */
export function retiredGrantsOf(keys: readonly DesiredKey[], oldProperties: ResourceProperties | null, ownerId: string): RetiredGrants {
  const retired = new Map<string, RetiredGrant[]>();
  const oldKeys = new Map((oldProperties?.keys ?? []).map((old) => [old.name, old]));
  for (const key of keys) {
    const old = oldKeys.get(key.keyName)?.grants;
    if (old === undefined || old.length === 0) continue;
    const wanted = new Set((key.grants ?? []).map((grant) => grant.kmsName));
    for (const grant of desiredGrantsOf(old, [key.primaryRegion, ...key.replicaRegions], ownerId)) {
      if (wanted.has(grant.kmsName)) continue;
      for (const region of grant.regions) {
        const slot = `${region}\n${key.keyName}`;
        retired.set(slot, [...(retired.get(slot) ?? []), { name: grant.name, kmsName: grant.kmsName }]);
      }
    }
  }
  return retired;
}
