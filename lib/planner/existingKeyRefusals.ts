/**
 * The refusals of rule 3 (lib/planner/existingKey.ts), decided before any change of an existing key
 * is planned: keys that are not ours to change, and changes KMS allows only on an enabled key while
 * the template wants the key disabled.
 */
import type { ActualKey } from '../types.ts';
import { isActive } from './actualIndex.ts';
import type { KeyBinding } from './binding.ts';
import { adoptionConsentRefusal } from './consent.ts';
import type { PlannerContext } from './context.ts';

export type ExistingBinding = Extract<KeyBinding, { kind: 'existing' }>;

/** Records every refusal for `binding`; true when none applies. */
export function checkPermitted(ctx: PlannerContext, binding: ExistingBinding, wanted: string[], oldPrimary: ActualKey | null, memberP: ActualKey): boolean {
  const { key, family } = binding;
  const mayChange = (member: ActualKey): boolean =>
    ctx.ownership(member).kind !== 'foreign' || (ctx.desired.adoptExistingKeys && adoptionConsentRefusal(ctx, key.aliasName, member) === null);
  let permitted = true;
  for (const member of family.members) {
    if (!wanted.includes(member.region) || mayChange(member)) continue;
    ctx.out.refuse(
      key.keyName,
      member.region,
      `the key of ${key.keyName} in ${member.region} (${family.keyId}) is not owned by this resource; set AdoptExistingKeys to take it over`,
    );
    permitted = false;
  }
  if (oldPrimary && !wanted.includes(oldPrimary.region) && !mayChange(oldPrimary)) {
    ctx.out.refuse(
      key.keyName,
      oldPrimary.region,
      `the primary key of ${key.keyName} in ${oldPrimary.region} (${family.keyId}) is not owned by this resource, so it cannot be moved to ${key.primaryRegion}; set AdoptExistingKeys to take it over`,
    );
    permitted = false;
  }
  // UpdatePrimaryRegion needs both keys Enabled; enabling a key the template wants disabled,
  // even for a moment, is not a call to make silently.
  if (oldPrimary && !key.enabled && (oldPrimary.state !== 'Enabled' || memberP.state !== 'Enabled')) {
    ctx.out.refuse(
      key.keyName,
      key.primaryRegion,
      `Region of ${key.keyName} would move the primary key from ${oldPrimary.region} to ${key.primaryRegion}, which KMS allows only while both keys are Enabled, but ${key.keyName} has Enabled: false; enable it while moving it`,
    );
    permitted = false;
  }
  // ReplicateKey needs an enabled primary (DisabledException); same reasoning as above.
  const missingReplica = wanted.some((region) => !family.members.some((m) => m.region === region));
  if (missingReplica && !key.enabled && !isActive(memberP.state)) {
    ctx.out.refuse(
      key.keyName,
      key.primaryRegion,
      `ReplicaRegions of ${key.keyName} add a Region, and KMS replicates only an enabled primary key, but ${key.keyName} has Enabled: false; enable it while adding replicas`,
    );
    permitted = false;
  }
  return permitted;
}
