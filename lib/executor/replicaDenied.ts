/**
 * ReplicateKey is also authorised as `kms:CreateKey` in the replica Region, by an IAM policy
 * (ReplicateKey API reference, "Required permissions"). template.yaml's `CreateReplicaKeys` statement
 * allows it only with `kms:MultiRegionKeyType = REPLICA`, a context key AWS does not document for
 * that check; should AWS not set it, every ReplicateKey is denied. The FAILED reason then names the
 * template parameter that relaxes the condition.
 */
import { hasCode, KmsError } from '../errors.ts';

/** The template parameter that drops `CreateReplicaKeys`' condition (template.yaml, docs/iam.md). */
export const RELAX_REPLICA_CONDITION_PARAMETER = 'RelaxReplicaKeyTypeCondition';

/** `error` with the parameter's advice when it is the replica-side kms:CreateKey denial; else `error` itself. */
export function withReplicaCreateKeyAdvice(error: unknown, replicaRegion: string): unknown {
  if (!hasCode(error, 'AccessDeniedException') || !/\bkms:CreateKey\b/.test(error.message)) return error;
  return new KmsError(
    error.code,
    `${error.message} — ReplicateKey needs kms:CreateKey in the replica Region ${replicaRegion} (template.yaml statement CreateReplicaKeys). ` +
      `If the execution role is template.yaml's and every ReplicateKey is denied so, AWS may not set kms:MultiRegionKeyType on that check: ` +
      `deploy the function stack with the parameter ${RELAX_REPLICA_CONDITION_PARAMETER}=true (docs/iam.md)`,
    { cause: error, context: error.context },
  );
}
