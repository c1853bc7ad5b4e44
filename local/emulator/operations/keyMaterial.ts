/**
 * Imported key material (KMS Developer Guide, "Importing key material for AWS KMS keys" and the
 * GetParametersForImport / ImportKeyMaterial / DeleteImportedKeyMaterial API references):
 * - a key made with `Origin: EXTERNAL` has no material and is `PendingImport`;
 * - GetParametersForImport answers an RSA wrapping public key (DER SubjectPublicKeyInfo) and an
 *   import token, "an indivisible set", valid for 24 hours (`ParametersValidTo`);
 * - RSAES_OAEP_SHA_* wraps the material directly; RSA_AES_KEY_WRAP_SHA_* wraps an AES key that wraps
 *   it (RFC 5649), and is the only choice for RSA private keys (`crypto.ts`, `unwrapKeyMaterial`);
 * - the material must fit the key spec (256-bit symmetric, HMAC lengths, a PKCS #8 private key of
 *   the key's type: `keySpecs.ts`), else IncorrectKeyMaterialException;
 * - ImportKeyMaterial unwraps the material with the set's private key, refuses a token of another
 *   key (InvalidImportTokenException), an expired one (ExpiredImportTokenException), material that
 *   does not unwrap (InvalidCiphertextException), and material other than what the key had
 *   (IncorrectKeyMaterialException: "you can reimport the same key material, but you cannot import
 *   different key material"); it sets ExpirationModel / ValidTo and takes PendingImport to Enabled;
 * - KMS does not copy imported material between related multi-Region keys: each Region has its own.
 * - Symmetric keys hold several materials (rotation of imported material): `materialVersions.ts`.
 * Guesses (README): the wrapping key pair is made once per key spec and reused; the binding to the
 * first material is per Region; a token may be used more than once within its 24 hours.
 */
import { generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { unwrapKeyMaterial } from '../crypto.ts';
import { faults, KmsFault } from '../errors.ts';
import { importedMaterialProblem } from '../keySpecs.ts';
import { checkKeyState, D, I, U, Y } from '../keyStateCells.ts';
import type { KeyRecord } from '../state.ts';
import { optBlob, optEnum, optString } from '../validate.ts';
import { keyFromInput, type OperationHandler, type Operations, requireCustomerManaged } from './common.ts';
import { deleteVersion, importVersion, rotateImported, rotationEntries } from './materialVersions.ts';

const DAY_MS = 86_400_000;

/** "Each public key and import token set is valid for 24 hours." */
export const IMPORT_PARAMETERS_VALID_MS = DAY_MS;

/** GetParametersForImport's `WrappingAlgorithm` values; RSAES_PKCS1_V1_5 is refused since 2023-10-10. */
export const WRAPPING_ALGORITHMS = [
  'RSAES_PKCS1_V1_5',
  'RSAES_OAEP_SHA_1',
  'RSAES_OAEP_SHA_256',
  'RSA_AES_KEY_WRAP_SHA_1',
  'RSA_AES_KEY_WRAP_SHA_256',
  'SM2PKE',
] as const;
export const WRAPPING_KEY_SPECS = ['RSA_2048', 'RSA_3072', 'RSA_4096', 'SM2'] as const;

/** RSA key pairs per wrapping key spec, made on first use (RSA_4096 generation takes a noticeable time). */
const wrappingKeys = new Map<string, { publicKey: KeyObject; privateKey: KeyObject }>();

function wrappingKeyPair(spec: 'RSA_2048' | 'RSA_3072' | 'RSA_4096'): { publicKey: KeyObject; privateKey: KeyObject } {
  let pair = wrappingKeys.get(spec);
  if (pair === undefined) {
    pair = generateKeyPairSync('rsa', { modulusLength: Number(spec.slice(4)) });
    wrappingKeys.set(spec, pair);
  }
  return pair;
}

function requireExternal(key: KeyRecord, operation: string): void {
  if (key.shared.origin !== 'EXTERNAL') throw faults.unsupported(`${key.arn} origin is ${key.shared.origin ?? 'AWS_KMS'} which is not valid for ${operation}.`);
}

function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) {
    throw faults.validation(
      `1 validation error detected: Value null at '${field.charAt(0).toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

/**
 * "To import an RSA private key, you must use an RSA_AES wrapping algorithm"; RSAES_OAEP with an
 * RSA_2048 wrapping key cannot wrap ECC_NIST_P521 material. Where KMS refuses them (here, or only at
 * ImportKeyMaterial) is a guess (README).
 */
function checkWrapping(keySpec: string, algorithm: string, wrappingKeySpec: string): void {
  if (!algorithm.startsWith('RSAES_OAEP')) return;
  if (keySpec.startsWith('RSA_'))
    throw faults.validation(`The ${algorithm} wrapping algorithm cannot wrap ${keySpec} key material; use RSA_AES_KEY_WRAP_SHA_256 or RSA_AES_KEY_WRAP_SHA_1.`);
  if (keySpec === 'ECC_NIST_P521' && wrappingKeySpec === 'RSA_2048')
    throw faults.validation(`The ${algorithm} wrapping algorithm with an RSA_2048 wrapping key cannot wrap ECC_NIST_P521 key material.`);
}

const getParametersForImport: OperationHandler = (ctx) => {
  const algorithm = required(optEnum(ctx.input, 'WrappingAlgorithm', WRAPPING_ALGORITHMS), 'WrappingAlgorithm');
  const spec = required(optEnum(ctx.input, 'WrappingKeySpec', WRAPPING_KEY_SPECS), 'WrappingKeySpec');
  const key = keyFromInput(ctx, false);
  requireCustomerManaged(ctx, key, 'GetParametersForImport');
  requireExternal(key, 'GetParametersForImport');
  checkKeyState(ctx, key);
  if (algorithm === 'RSAES_PKCS1_V1_5') throw faults.validation('The RSAES_PKCS1_V1_5 wrapping algorithm is no longer supported.');
  if (spec === 'SM2' || algorithm === 'SM2PKE')
    throw faults.validation('The SM2 wrapping key spec and the SM2PKE wrapping algorithm are supported only in China Regions.');
  checkWrapping(key.shared.spec, algorithm, spec);
  const pair = wrappingKeyPair(spec);
  const token = randomBytes(64).toString('base64');
  const validTo = ctx.state.now() + IMPORT_PARAMETERS_VALID_MS;
  ctx.state.importTokens.set(token, { region: ctx.region, keyId: key.shared.keyId, wrappingAlgorithm: algorithm, privateKey: pair.privateKey, validTo });
  return {
    KeyId: key.arn,
    ImportToken: token,
    PublicKey: pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    ParametersValidTo: validTo / 1000,
  };
};

/** `ValidTo` as the SDK sends it (epoch seconds) → epoch ms, or null when the material does not expire. */
function expiryOf(ctx: Parameters<OperationHandler>[0]): number | null {
  const model = optEnum(ctx.input, 'ExpirationModel', ['KEY_MATERIAL_EXPIRES', 'KEY_MATERIAL_DOES_NOT_EXPIRE'] as const) ?? 'KEY_MATERIAL_EXPIRES';
  const raw = ctx.input.ValidTo;
  if (model === 'KEY_MATERIAL_DOES_NOT_EXPIRE') {
    if (raw !== undefined && raw !== null) throw faults.validation('ValidTo must not be specified when ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE.');
    return null;
  }
  if (typeof raw !== 'number' || !Number.isFinite(raw)) throw faults.validation('ValidTo is required when ExpirationModel is KEY_MATERIAL_EXPIRES.');
  const validTo = Math.floor(raw) * 1000;
  if (validTo <= ctx.state.now()) throw faults.validation('ValidTo must be in the future.');
  return validTo;
}

const importKeyMaterial: OperationHandler = (ctx) => {
  const { state, input } = ctx;
  const token = required(optBlob(input, 'ImportToken', 6144), 'ImportToken').toString('base64');
  const wrapped = required(optBlob(input, 'EncryptedKeyMaterial', 6144), 'EncryptedKeyMaterial');
  const validTo = expiryOf(ctx);
  const key = keyFromInput(ctx, false);
  requireCustomerManaged(ctx, key, 'ImportKeyMaterial');
  requireExternal(key, 'ImportKeyMaterial');
  checkKeyState(ctx, key);
  const parameters = state.importTokens.get(token);
  if (parameters === undefined || parameters.keyId !== key.shared.keyId || parameters.region !== ctx.region) {
    throw new KmsFault('InvalidImportTokenException', 'The import token is not valid for the specified KMS key.');
  }
  if (state.now() >= parameters.validTo)
    throw new KmsFault('ExpiredImportTokenException', 'The import token has expired. Use GetParametersForImport to get a new one.');
  const material = unwrapKeyMaterial(wrapped, parameters.wrappingAlgorithm, parameters.privateKey);
  if (material === null) throw faults.invalidCiphertext();
  checkMaterial(key, material);
  const keyMaterialId = importVersion(state, key, input, { material, validTo });
  return { KeyId: key.arn, KeyMaterialId: keyMaterialId };
};

/**
 * Material KMS accepts for the key's spec ("is expired, invalid, or is not the same key material
 * that was previously imported": IncorrectKeyMaterialException). Which material a key takes (the same
 * again, or new material for a rotation) is `materialVersions.ts`'s.
 */
function checkMaterial(key: KeyRecord, material: Buffer): void {
  const problem = importedMaterialProblem(key.shared.spec, material);
  if (problem !== null) throw new KmsFault('IncorrectKeyMaterialException', problem);
}

/** "Deletes key material that was previously imported … changes the KMS key's state to PendingImport" (unless PendingDeletion). */
const deleteImportedKeyMaterial: OperationHandler = (ctx) => {
  const key = keyFromInput(ctx, false);
  requireCustomerManaged(ctx, key, 'DeleteImportedKeyMaterial');
  requireExternal(key, 'DeleteImportedKeyMaterial');
  checkKeyState(ctx, key);
  const keyMaterialId = deleteVersion(ctx.state, key, optString(ctx.input, 'KeyMaterialId', { min: 64, max: 64 }));
  return { KeyId: key.arn, ...(keyMaterialId === undefined ? {} : { KeyMaterialId: keyMaterialId }) };
};

/** "Immediately initiates rotation of the key material": of imported material only, in the emulator. */
const rotateKeyOnDemand: OperationHandler = (ctx) => {
  const key = keyFromInput(ctx, false);
  requireCustomerManaged(ctx, key, 'RotateKeyOnDemand');
  checkKeyState(ctx, key);
  if (key.shared.spec !== 'SYMMETRIC_DEFAULT' || key.shared.customKeyStoreId !== undefined) {
    throw faults.unsupported(`${key.arn}: on-demand key rotation is supported only on symmetric encryption KMS keys outside custom key stores.`);
  }
  if (key.shared.origin !== 'EXTERNAL') throw faults.unsupported('The emulator implements RotateKeyOnDemand only for keys with imported key material.');
  rotateImported(ctx.state, key);
  return { KeyId: key.arn };
};

/** The key materials of a symmetric key (imported ones only are modelled: an AWS_KMS key lists none). */
const listKeyRotations: OperationHandler = (ctx) => {
  const key = keyFromInput(ctx, false);
  checkKeyState(ctx, key);
  if (key.shared.spec !== 'SYMMETRIC_DEFAULT' || key.shared.customKeyStoreId !== undefined) {
    throw faults.unsupported(`${key.arn} does not support key rotation.`);
  }
  return rotationEntries(key, ctx.input);
};

/** Request quotas: not on the "Request quotas" page as read, the 5/s of key management (a guess, README). */
export const keyMaterialOperations = {
  // keyStates (key-state table): Enabled, Disabled, PendingDeletion, PendingReplicaDeletion, PendingImport, Unavailable, Creating, Updating
  GetParametersForImport: { handler: getParametersForImport, quota: 5, keyStates: [Y, Y, I, I, Y, U, I, I] },
  ImportKeyMaterial: { handler: importKeyMaterial, quota: 5, keyStates: [Y, Y, I, I, Y, U, I, I] },
  DeleteImportedKeyMaterial: { handler: deleteImportedKeyMaterial, quota: 5, keyStates: [Y, Y, Y, I, Y, U, I, I] },
  // On-demand rotation and the list of materials: not on the quotas page as read, nor in the key-state table
  // (rows copied from EnableKeyRotation and GetKeyRotationStatus; ListKeyRotations works in PendingImport): guesses, README.
  RotateKeyOnDemand: { handler: rotateKeyOnDemand, quota: 5, keyStates: [Y, D, I, I, I, I, I, I] },
  ListKeyRotations: { handler: listKeyRotations, quota: 5, keyStates: [Y, Y, Y, Y, Y, I, Y, Y] },
} satisfies Operations;
