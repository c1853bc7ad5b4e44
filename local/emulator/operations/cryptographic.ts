/**
 * Encrypt, Decrypt, GenerateDataKey with real AES-256-GCM (see `crypto.ts`). Only symmetric
 * encryption keys are emulated; asymmetric ENCRYPT_DECRYPT keys answer UnsupportedOperationException.
 * Signing and MACs with imported material: `signing.ts`.
 */

import { randomBytes } from 'node:crypto';
import { decryptBlob, encryptBlob, parseBlob } from '../crypto.ts';
import { faults } from '../errors.ts';
import { checkKeyState, D, I, Y } from '../keyStateCells.ts';
import type { KeyRecord } from '../state.ts';
import { type Input, optBlob, optEnum, optInt, optString, optStringMap } from '../validate.ts';
import { keyFromInput, type OpContext, type OperationHandler, type Operations, resolveKey } from './common.ts';
import { decryptionMaterials } from './materialVersions.ts';
import { signingOperations } from './signing.ts';

/** Material of a usable symmetric encryption key, after the usage, spec and state checks KMS makes. */
function materialFor(ctx: OpContext, key: KeyRecord): Buffer {
  if (key.shared.usage !== 'ENCRYPT_DECRYPT')
    throw faults.invalidKeyUsage(`${key.arn} key usage is ${key.shared.usage} which is not valid for ${ctx.operation}.`);
  // The key-state table ("While the key state is Updating, you can use the keys in cryptographic operations").
  checkKeyState(ctx, key);
  // Imported material is per Region: a replica decrypts only with the material imported into it. An
  // EXTERNAL key without material is PendingImport, which the table has refused already.
  if (key.shared.origin === 'EXTERNAL') {
    if (!key.imported) throw faults.invalidState(`${key.arn} is pending import.`);
    return key.imported.material;
  }
  if (key.shared.material === null) throw faults.unsupported(`The emulator does not implement ${ctx.operation} with ${key.shared.spec} keys.`);
  return key.shared.material;
}

function algorithm(input: Input): void {
  optEnum(input, 'EncryptionAlgorithm', ['SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'SM2PKE'] as const);
}

function requiredBlob(input: Input, field: string, max: number): Buffer {
  const blob = optBlob(input, field, max);
  if (blob === undefined)
    throw faults.validation(
      `1 validation error detected: Value null at '${field.charAt(0).toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must not be null`,
    );
  return blob;
}

const encrypt: OperationHandler = (ctx) => {
  const plaintext = requiredBlob(ctx.input, 'Plaintext', 4096);
  const context = optStringMap(ctx.input, 'EncryptionContext') ?? {};
  algorithm(ctx.input);
  const key = keyFromInput(ctx, true);
  const blob = encryptBlob(materialFor(ctx, key), key.shared.keyId, plaintext, context);
  return { CiphertextBlob: blob.toString('base64'), KeyId: key.arn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
};

/** Without KeyId the key comes from the blob; a multi-Region ciphertext decrypts with any related key. */
const decrypt: OperationHandler = (ctx) => {
  const blob = requiredBlob(ctx.input, 'CiphertextBlob', 6144);
  const context = optStringMap(ctx.input, 'EncryptionContext') ?? {};
  algorithm(ctx.input);
  const parsed = parseBlob(blob);
  if (parsed === null) throw faults.invalidCiphertext();
  const keyIdInput = optString(ctx.input, 'KeyId', { min: 1, max: 2048 });
  let key: KeyRecord;
  if (keyIdInput !== undefined) {
    key = resolveKey(ctx, keyIdInput, true);
    if (key.shared.keyId !== parsed.keyId) throw faults.incorrectKey();
  } else {
    const found = ctx.state.findKey(ctx.region, parsed.keyId);
    if (!found) throw faults.keyNotFound(`arn:${ctx.state.partition(ctx.region)}:kms:${ctx.region}:${ctx.state.accountId}:key/${parsed.keyId}`);
    key = found;
  }
  const current = materialFor(ctx, key);
  // "When you use the rotated KMS key to decrypt ciphertext, KMS uses the key material that was used to
  // encrypt it": any current or non-current material of this Region (GCM tells which one fits).
  const candidates = key.shared.origin === 'EXTERNAL' ? decryptionMaterials(key) : [current];
  const plaintext = candidates.map((material) => decryptBlob(material, parsed, context)).find((p) => p !== null) ?? null;
  if (plaintext === null) throw faults.invalidCiphertext();
  return { KeyId: key.arn, Plaintext: plaintext.toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
};

const generateDataKey: OperationHandler = (ctx) => {
  const numberOfBytes = optInt(ctx.input, 'NumberOfBytes', 1, 1024);
  const spec = optEnum(ctx.input, 'KeySpec', ['AES_256', 'AES_128'] as const);
  if ((numberOfBytes === undefined) === (spec === undefined)) throw faults.validation('Please specify either number of bytes or key spec.');
  const context = optStringMap(ctx.input, 'EncryptionContext') ?? {};
  const key = keyFromInput(ctx, true);
  if (key.shared.spec !== 'SYMMETRIC_DEFAULT')
    throw faults.invalidKeyUsage(`${key.arn} key spec is ${key.shared.spec} which is not valid for GenerateDataKey.`);
  const material = materialFor(ctx, key);
  const plaintext = randomBytes(numberOfBytes ?? (spec === 'AES_128' ? 16 : 32));
  const blob = encryptBlob(material, key.shared.keyId, plaintext, context);
  return { CiphertextBlob: blob.toString('base64'), Plaintext: plaintext.toString('base64'), KeyId: key.arn };
};

export const cryptographicOperations = {
  // keyStates (key-state table): Enabled, Disabled, PendingDeletion, PendingReplicaDeletion, PendingImport, Unavailable, Creating, Updating
  Encrypt: { handler: encrypt, quota: 'Cryptographic', keyStates: [Y, D, I, I, I, I, I, Y] },
  Decrypt: { handler: decrypt, quota: 'Cryptographic', keyStates: [Y, D, I, I, I, I, I, Y] },
  GenerateDataKey: { handler: generateDataKey, quota: 'Cryptographic', keyStates: [Y, D, I, I, I, I, I, Y] },
  // Sign, Verify, GetPublicKey, GenerateMac, VerifyMac: with imported material only (signing.ts).
  ...signingOperations,
} satisfies Operations;
