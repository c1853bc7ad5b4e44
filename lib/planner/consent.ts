/**
 * The owner's consent to adoption (docs/behaviour.md §6): `AdoptExistingKeys` takes over a key, or an
 * alias from it, only when whoever controls the key tagged it `MultiRegionKmsKeys:AdoptableBy` with
 * this stack's name or StackId. Used by the binding (the key `alias/<name>` targets), the aliases
 * (an alias on a key this resource does not own) and the existing-key refusals (members).
 */
import { ADOPTABLE_BY_TAG } from '../ownership.ts';
import type { ActualKey } from '../types.ts';
import type { PlannerContext } from './context.ts';

/**
 * Null when `AdoptExistingKeys` may take `target` over: its owner tagged it `AdoptableBy` with this
 * stack's name or StackId. Otherwise the refusal, naming the key, its Region and the exact tag to add.
 */
export function adoptionConsentRefusal(ctx: PlannerContext, aliasName: string, target: ActualKey): string | null {
  const { stackId, stackName } = ctx.desired.owner;
  const offeredTo = target.tags[ADOPTABLE_BY_TAG];
  if (offeredTo === stackName || offeredTo === stackId) return null;
  const { keyId, region } = target;
  const found =
    offeredTo === undefined ? `its owner has not offered it for adoption` : `it is offered for adoption to ${JSON.stringify(offeredTo)}, not to this stack`;
  return (
    `${aliasName} in ${region} targets key ${keyId}, which this resource does not own, and AdoptExistingKeys takes over only a key its owner offered: ${found}. ` +
    `To offer it, whoever controls the key tags it ${ADOPTABLE_BY_TAG}=${stackName} (aws kms tag-resource --region ${region} --key-id ${keyId} --tags TagKey=${ADOPTABLE_BY_TAG},TagValue=${stackName}; ` +
    `for a key of the Terraform module, add "${ADOPTABLE_BY_TAG}" = "${stackName}" to its tags and apply)`
  );
}
