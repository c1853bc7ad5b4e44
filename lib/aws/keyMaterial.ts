/**
 * Imported key material (docs/key-material.md): the only code that holds a key's material. One
 * import reads the material from its Secrets Manager secret, asks KMS for a wrapping key and an
 * import token (`GetParametersForImport`), wraps the material with `node:crypto` and sends it
 * (`ImportKeyMaterial`). The plaintext material lives in one Buffer inside `wrapMaterial`, is
 * zero-filled as soon as it is wrapped, and never reaches a return value, an error, a log line or a
 * plain-data value: errors name the secret's ARN and what is wrong with it, never what it holds.
 */
import { constants, createPublicKey, publicEncrypt } from 'node:crypto';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { KmsError } from '../errors.ts';
import type { KmsSender } from './kmsSend.ts';
import { toKmsError } from './translateError.ts';

/** Bytes of SYMMETRIC_DEFAULT key material KMS accepts: 256 bits. */
export const SYMMETRIC_MATERIAL_BYTES = 32;

/**
 * The wrapping KMS recommends for 256-bit symmetric material: RSAES_OAEP_SHA_256 with an RSA_4096
 * wrapping key (KMS Developer Guide, "Download the wrapping public key and import token").
 */
export const WRAPPING = { algorithm: 'RSAES_OAEP_SHA_256', keySpec: 'RSA_4096' } as const;

/** What one import needs: the key in this Region, the secret, the expiry (ISO; null: never). */
export interface ImportInput {
  keyId: string;
  secretArn: string;
  validTo: string | null;
}

/** Secrets Manager's client for a Region (memoised by the caller; loaded on first use: lib/aws/secrets.ts). */
export type SecretsClientFactory = (region: string) => Promise<SecretsManagerClient>;

/** `arn:aws:secretsmanager:eu-west-1:…` → `eu-west-1`: a secret is read in its own Region. */
export function regionOfSecret(secretArn: string): string {
  return secretArn.split(':')[3] ?? '';
}

/** Imports the secret's material into `input.keyId` in `kms`'s Region; rejects with a KmsError that carries no material. */
export async function importKeyMaterial(kms: KmsSender, region: string, secrets: SecretsClientFactory, input: ImportInput): Promise<void> {
  const params = await kms.send('GetParametersForImport', {
    KeyId: input.keyId,
    WrappingAlgorithm: WRAPPING.algorithm,
    WrappingKeySpec: WRAPPING.keySpec,
  });
  if (params.PublicKey === undefined || params.ImportToken === undefined) {
    throw new KmsError('InvalidResponse', `GetParametersForImport returned no wrapping key or import token for ${input.keyId}`, { context: { region } });
  }
  const wrapped = await readAndWrap(secrets, input.secretArn, params.PublicKey, region);
  await kms.send('ImportKeyMaterial', {
    KeyId: input.keyId,
    ImportToken: params.ImportToken,
    EncryptedKeyMaterial: wrapped,
    ...(input.validTo === null
      ? { ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }
      : { ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: new Date(input.validTo) }),
  });
}

/** Reads the secret and returns the material wrapped under `publicKey`. */
async function readAndWrap(secrets: SecretsClientFactory, secretArn: string, publicKey: Uint8Array, region: string): Promise<Uint8Array> {
  const context = { region: regionOfSecret(secretArn), action: 'GetSecretValue' };
  let secret: { SecretBinary?: Uint8Array; SecretString?: string };
  const { getSecretValue } = await import('./secrets.ts');
  try {
    secret = await getSecretValue(await secrets(context.region), secretArn);
  } catch (error) {
    const translated = toKmsError(error, context);
    // Secrets Manager's messages name the secret, never its value; ours adds which secret and why it matters.
    const prefix = `${translated.code}: `;
    const detail = translated.message.startsWith(prefix) ? translated.message.slice(prefix.length) : translated.message;
    throw new KmsError(translated.code, `cannot read the key material secret ${secretArn}: ${detail}`, {
      cause: translated,
      context,
      retryable: translated.retryable,
    });
  }
  const material = materialOf(secret, secretArn, context);
  try {
    return wrapMaterial(material, publicKey, region);
  } finally {
    material.fill(0);
  }
}

/** Strict base64 (no blanks, correct padding): a SecretString is the base64 of the material. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The material a secret holds: `SecretBinary` as is, or `SecretString` as base64. Anything else is
 * refused saying what is wrong with its form and length, never what it contains.
 */
function materialOf(secret: { SecretBinary?: Uint8Array; SecretString?: string }, secretArn: string, context: { region: string; action: string }): Buffer {
  let material: Buffer;
  if (secret.SecretBinary !== undefined) material = Buffer.from(secret.SecretBinary);
  else if (secret.SecretString !== undefined && BASE64.test(secret.SecretString)) material = Buffer.from(secret.SecretString, 'base64');
  else {
    const what = secret.SecretString === undefined ? 'holds no value' : 'holds a SecretString that is not base64';
    throw new KmsError(
      'MalformedKeyMaterialSecret',
      `the key material secret ${secretArn} ${what}: store the 32 bytes of material as SecretBinary or as base64 in SecretString`,
      { context },
    );
  }
  if (material.length !== SYMMETRIC_MATERIAL_BYTES) {
    const length = material.length;
    material.fill(0);
    throw new KmsError(
      'MalformedKeyMaterialSecret',
      `the key material secret ${secretArn} holds ${length} bytes: SYMMETRIC_DEFAULT key material is ${SYMMETRIC_MATERIAL_BYTES} bytes (256 bits)`,
      { context },
    );
  }
  return material;
}

/** RSAES-OAEP with SHA-256 (MGF1 SHA-256) under the DER SubjectPublicKeyInfo KMS returned. */
function wrapMaterial(material: Buffer, publicKey: Uint8Array, region: string): Uint8Array {
  try {
    const key = createPublicKey({ key: Buffer.from(publicKey), format: 'der', type: 'spki' });
    return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, material);
  } catch {
    // node:crypto's message cannot hold the material (it fails on the key), but nothing of it is passed on.
    throw new KmsError('InvalidResponse', 'GetParametersForImport returned a wrapping key that node:crypto cannot use', { context: { region } });
  }
}
