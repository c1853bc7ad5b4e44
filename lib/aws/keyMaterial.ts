/**
 * Imported key material (docs/key-material.md): the only code that holds a key's material. One
 * import reads the material from its Secrets Manager secret, asks KMS for a wrapping key and an
 * import token (`GetParametersForImport`), wraps the material with `node:crypto` and sends it
 * (`ImportKeyMaterial`). The plaintext material lives in one Buffer, checked against the key spec
 * (`materialSpec.ts`) before any KMS call, zero-filled as soon as it is wrapped, and never reaches a
 * return value, an error, a log line or a plain-data value: errors name the property path, the
 * secret's ARN and what is wrong with it (a length, a key type), never what it holds.
 */
import { constants, createCipheriv, createPublicKey, type KeyObject, publicEncrypt, randomBytes } from 'node:crypto';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { KmsError } from '../errors.ts';
import type { KeySpec } from '../types.ts';
import type { KmsSender } from './kmsSend.ts';
import { expectedMaterial, isAsymmetricSpec, materialProblem, type Wrapping, wrappingFor } from './materialSpec.ts';
import { toKmsError } from './translateError.ts';

/** What one import needs: the key in this Region, its spec, the secret, the expiry (ISO; null: never), the property path for errors. */
export interface ImportInput {
  keyId: string;
  keySpec: KeySpec;
  secretArn: string;
  validTo: string | null;
  /** `CustomerMasterKeys.<name>.KeyMaterial.SecretArn`: named by every error about what the secret holds. */
  path: string;
}

/** Secrets Manager's client for a Region (memoised by the caller; loaded on first use: lib/aws/secrets.ts). */
export type SecretsClientFactory = (region: string) => Promise<SecretsManagerClient>;

/** `arn:aws:secretsmanager:eu-west-1:…` → `eu-west-1`: a secret is read in its own Region. */
export function regionOfSecret(secretArn: string): string {
  return secretArn.split(':')[3] ?? '';
}

/**
 * Imports the secret's material into `input.keyId` in `kms`'s Region; rejects with a KmsError that
 * carries no material. The secret is read and its material checked against the key spec before any
 * KMS call, so material of the wrong length or type fails without touching the key.
 */
export async function importKeyMaterial(kms: KmsSender, region: string, secrets: SecretsClientFactory, input: ImportInput): Promise<void> {
  const material = await readMaterial(secrets, input);
  try {
    const wrapping = wrappingFor(input.keySpec);
    const params = await kms.send('GetParametersForImport', {
      KeyId: input.keyId,
      WrappingAlgorithm: wrapping.algorithm,
      WrappingKeySpec: wrapping.keySpec,
    });
    if (params.PublicKey === undefined || params.ImportToken === undefined) {
      throw new KmsError('InvalidResponse', `GetParametersForImport returned no wrapping key or import token for ${input.keyId}`, { context: { region } });
    }
    const wrapped = wrapMaterial(material, params.PublicKey, wrapping, region);
    material.fill(0);
    await kms.send('ImportKeyMaterial', {
      KeyId: input.keyId,
      ImportToken: params.ImportToken,
      EncryptedKeyMaterial: wrapped,
      ...(input.validTo === null
        ? { ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }
        : { ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: new Date(input.validTo) }),
    });
  } finally {
    material.fill(0);
  }
}

/** Reads the secret and returns its material, checked against the key spec. */
async function readMaterial(secrets: SecretsClientFactory, input: ImportInput): Promise<Buffer> {
  const { secretArn } = input;
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
    throw new KmsError(translated.code, `cannot read the key material secret ${secretArn} (${input.path}): ${detail}`, {
      cause: translated,
      context,
      retryable: translated.retryable,
    });
  }
  const material = materialOf(secret, input, context);
  const problem = materialProblem(material, input.keySpec);
  if (problem === null) return material;
  material.fill(0);
  throw new KmsError('MalformedKeyMaterialSecret', `the key material secret ${secretArn} (${input.path}) ${problem}`, { context });
}

/** Strict base64 (no blanks, correct padding): a SecretString is the base64 of the material. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** An unencrypted PKCS #8 private key in PEM (RFC 7468 "PRIVATE KEY"): its base64 body. */
const PEM_PKCS8 = /^-----BEGIN PRIVATE KEY-----\r?\n([A-Za-z0-9+/=\r\n]+?)\r?\n?-----END PRIVATE KEY-----\s*$/;

/**
 * The bytes a secret holds: `SecretBinary` as is, `SecretString` as base64, or for an asymmetric
 * spec a PEM `PRIVATE KEY` block. Anything else is refused saying what is wrong with its form, never
 * what it contains.
 */
function materialOf(secret: { SecretBinary?: Uint8Array; SecretString?: string }, input: ImportInput, context: { region: string; action: string }): Buffer {
  if (secret.SecretBinary !== undefined) return Buffer.from(secret.SecretBinary);
  const text = secret.SecretString;
  if (text !== undefined && BASE64.test(text)) return Buffer.from(text, 'base64');
  const pemBody = text === undefined || !isAsymmetricSpec(input.keySpec) ? undefined : PEM_PKCS8.exec(text)?.[1]?.replace(/\r?\n/g, '');
  if (pemBody !== undefined && BASE64.test(pemBody)) return Buffer.from(pemBody, 'base64');
  let what = text === undefined ? 'holds no value' : 'holds a SecretString that is not base64';
  if (text?.startsWith('-----BEGIN ') && isAsymmetricSpec(input.keySpec))
    what = 'holds a PEM block that is not an unencrypted PKCS #8 "PRIVATE KEY" (convert it with openssl pkcs8 -topk8 -nocrypt)';
  throw new KmsError(
    'MalformedKeyMaterialSecret',
    `the key material secret ${input.secretArn} (${input.path}) ${what}: store ${expectedMaterial(input.keySpec)} of ${input.keySpec} material as SecretBinary or as base64 in SecretString`,
    { context },
  );
}

/** The RFC 5649 initial value of AES key wrap with padding (its 4 fixed bytes; node:crypto appends the length). */
const AES_WRAP_PAD_IV = Buffer.from('A65959A6', 'hex');

/**
 * `material` wrapped under the DER SubjectPublicKeyInfo KMS returned:
 * - RSAES_OAEP_SHA_256: RSA-OAEP with SHA-256 and MGF1 SHA-256;
 * - RSA_AES_KEY_WRAP_SHA_256: a fresh 256-bit AES key wrapped with that RSA-OAEP, followed by the
 *   material wrapped under the AES key with AES key wrap with padding (RFC 5649), as KMS's
 *   "Encrypt the key material" step lays it out.
 */
function wrapMaterial(material: Buffer, publicKey: Uint8Array, wrapping: Wrapping, region: string): Uint8Array {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(publicKey), format: 'der', type: 'spki' });
  } catch {
    throw new KmsError('InvalidResponse', 'GetParametersForImport returned a wrapping key that node:crypto cannot use', { context: { region } });
  }
  const oaep = (plaintext: Buffer) => publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, plaintext);
  try {
    if (wrapping.algorithm === 'RSAES_OAEP_SHA_256') return oaep(material);
    const aesKey = randomBytes(32);
    try {
      const cipher = createCipheriv('id-aes256-wrap-pad', aesKey, AES_WRAP_PAD_IV);
      return Buffer.concat([oaep(aesKey), cipher.update(material), cipher.final()]);
    } finally {
      aesKey.fill(0);
    }
  } catch {
    // node:crypto's message cannot hold the material, but nothing of it is passed on.
    throw new KmsError('InvalidResponse', `cannot wrap the key material with ${wrapping.algorithm} under the wrapping key GetParametersForImport returned`, {
      context: { region },
    });
  }
}
