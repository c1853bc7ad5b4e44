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
  return refuseHiddenReplicas(ctx, binding, wanted) && permitted;
}

/**
 * A wanted Region where the key's family lists a replica (DescribeKey's MultiRegionConfiguration)
 * that the read did not return: its tags name another owner or none, and no alias of this resource
 * targets it (a replica a hand-over left to be deleted, or retagged by hand). KMS keeps one replica
 * per Region: ReplicateKey would answer AlreadyExistsException, which the executor takes for done,
 * and the alias would then go onto a key that is not this resource's.
 */
function refuseHiddenReplicas(ctx: PlannerContext, { key, family }: ExistingBinding, wanted: string[]): boolean {
  const listed = new Set(family.members.flatMap((m) => m.replicaRegions));
  const hidden = wanted.filter((region) => listed.has(region) && !family.members.some((m) => m.region === region));
  for (const region of hidden) {
    ctx.out.refuse(
      key.keyName,
      region,
      `the multi-Region key of ${key.keyName} (${family.keyId}) already has a replica in ${region} that this resource does not own (its tags name another owner or none, and ${key.aliasName} there does not target it), and KMS makes one replica per Region. ` +
        `To use it, cancel its deletion if it is pending (aws kms cancel-key-deletion), point ${key.aliasName} in ${region} at it (aws kms create-alias) and retry; or remove ${region} from ReplicaRegions of ${key.keyName}, or wait until KMS has deleted it`,
    );
  }
  return hidden.length === 0;
}
