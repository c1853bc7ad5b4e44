/** ImportKeyMaterial as the executor runs it (lib/executor/actions.ts), and why KMS refused material. */
import { hasCode, KmsError } from '../errors.ts';
import { type ActionOf, type ActionResult, type ActionRun, paced } from './actionRun.ts';
import { kmsCall } from './kmsCall.ts';

/**
 * GetSecretValue, GetParametersForImport, wrapping and ImportKeyMaterial, as one call (the material
 * never leaves `lib/aws/`). Safe to repeat: the same material imported again only sets the expiry.
 * Different material is refused by KMS: the reason says why and what to do, naming the secret only.
 */
export async function importMaterial(run: ActionRun, action: ActionOf<'ImportKeyMaterial'>): Promise<ActionResult> {
  const { secretArn, validTo, keySpec, importType, materialDescription } = action;
  const path = `CustomerMasterKeys.${action.keyName}.KeyMaterial.SecretArn`;
  const keyId = run.keyIdOf(action);
  const getParameters = paced(run, 'GetParametersForImport');
  // Both requests of the import are paced before it starts: GetParametersForImport and ImportKeyMaterial.
  const pace = () => getParameters.pace().then(() => run.ctx.pacer.acquire(run.region, 'ImportKeyMaterial', 1, run.priority));
  // New material imported twice is refused the second time: not repeated; the next request reads it as pending.
  const repeatable = importType !== 'NEW_KEY_MATERIAL';
  const input = {
    keyId,
    keySpec,
    secretArn,
    validTo,
    path,
    ...(importType === undefined ? {} : { importType }),
    ...(materialDescription === undefined ? {} : { materialDescription }),
  };
  try {
    await kmsCall(run.ctx, { ...getParameters, pace, idempotent: repeatable }, () => run.api.importKeyMaterial(input));
    return {};
  } catch (error) {
    if (!hasCode(error, 'IncorrectKeyMaterialException')) throw error;
    throw new KmsError(error.code, incorrectMaterialReason(action, keyId), { cause: error, context: error.context });
  }
}

/** Why KMS refused the material, and what to do; names the secret, never what it holds. */
function incorrectMaterialReason(action: ActionOf<'ImportKeyMaterial'>, keyId: string): string {
  const { secretArn, region } = action;
  if (action.importType === 'NEW_KEY_MATERIAL') {
    return `the material in ${secretArn} is already one of key ${keyId}'s materials in ${region} (or other new material is pending rotation there): AllowRotation rotates only to new material. To record a secret holding the same material, set AllowRotation: false for that update`;
  }
  if (action.reason === 'rotation') {
    return `the material in ${secretArn} is not the new material pending rotation in the primary of key ${keyId}: a replica in ${region} takes only the primary's new material`;
  }
  return `the material in ${secretArn} is not the material key ${keyId} already has in ${region}: a different material is a different key. Set SecretArn back, set KeyMaterial.AllowRotation: true to rotate the key to this material, or set AllowReplacement: true to make a new key with this material`;
}
