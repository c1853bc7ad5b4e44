/**
 * Real AES-256-GCM under per-key material. A multi-Region key and its replicas share one material
 * object, so a ciphertext made in one Region decrypts with the related key in another. The blob
 * carries the key id (like KMS's own ciphertext format), so Decrypt needs no KeyId.
 *
 * Blob: "KEMU" | 0x01 | keyId length (1 byte) | keyId (UTF-8) | IV (12) | tag (16) | ciphertext.
 * Also: the unwrapping of imported key material (GetParametersForImport's wrapping algorithms).
 */
import { constants, createCipheriv, createDecipheriv, type KeyObject, privateDecrypt, randomBytes } from 'node:crypto';

const MAGIC = Buffer.from('KEMU\u0001', 'latin1');

/** 32 fresh random bytes: the material of a new symmetric key. */
export function newKeyMaterial(): Buffer {
  return randomBytes(32);
}

function additionalData(keyId: string, context: Record<string, string>): Buffer {
  // An encryption context is a flat map of strings; its pairs in key order bind it whatever the order sent.
  const pairs = Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(`${keyId}\n${JSON.stringify(pairs)}`, 'utf8');
}

/** Encrypts `plaintext` under `material`, binding the key id and the encryption context. */
export function encryptBlob(material: Buffer, keyId: string, plaintext: Buffer, context: Record<string, string>): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', material, iv);
  cipher.setAAD(additionalData(keyId, context));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const id = Buffer.from(keyId, 'utf8');
  return Buffer.concat([MAGIC, Buffer.from([id.length]), id, iv, cipher.getAuthTag(), body]);
}

export interface ParsedBlob {
  keyId: string;
  iv: Buffer;
  tag: Buffer;
  body: Buffer;
}

/** Splits a blob into its parts; null when it is not one of ours. */
export function parseBlob(blob: Buffer): ParsedBlob | null {
  if (blob.length < MAGIC.length + 1 || !blob.subarray(0, MAGIC.length).equals(MAGIC)) return null;
  const idLength = blob[MAGIC.length]!;
  const idStart = MAGIC.length + 1;
  const ivStart = idStart + idLength;
  if (blob.length < ivStart + 28) return null;
  return {
    keyId: blob.subarray(idStart, ivStart).toString('utf8'),
    iv: blob.subarray(ivStart, ivStart + 12),
    tag: blob.subarray(ivStart + 12, ivStart + 28),
    body: blob.subarray(ivStart + 28),
  };
}

/** Decrypts; null when the material, key id or context does not match (GCM authentication fails). */
export function decryptBlob(material: Buffer, parsed: ParsedBlob, context: Record<string, string>): Buffer | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', material, parsed.iv);
    decipher.setAAD(additionalData(parsed.keyId, context));
    decipher.setAuthTag(parsed.tag);
    return Buffer.concat([decipher.update(parsed.body), decipher.final()]);
  } catch {
    return null;
  }
}

/** The fixed first half of RFC 5649's alternative initial value (AES key wrap with padding). */
const AES_WRAP_PAD_IV = Buffer.from('A65959A6', 'hex');

/**
 * Imported key material unwrapped with the private half of a GetParametersForImport wrapping key, or
 * null when it does not unwrap (KMS answers InvalidCiphertextException):
 * - RSAES_OAEP_SHA_1 / _SHA_256: RSA-OAEP with that hash (and MGF1 with the same hash);
 * - RSA_AES_KEY_WRAP_SHA_1 / _SHA_256: the first modulus-length bytes are an AES key wrapped with
 *   RSA-OAEP, the rest the material wrapped under that AES key with AES key wrap with padding
 *   (RFC 5649), as KMS's "Encrypt the key material" step lays it out.
 */
export function unwrapKeyMaterial(wrapped: Buffer, algorithm: string, privateKey: KeyObject): Buffer | null {
  const oaepHash = algorithm.endsWith('SHA_256') ? 'sha256' : 'sha1';
  const oaep = (blob: Buffer) => privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, blob);
  try {
    if (algorithm.startsWith('RSAES_OAEP')) return oaep(wrapped);
    const modulusBytes = (privateKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8;
    const aesKey = oaep(wrapped.subarray(0, modulusBytes));
    const cipher = `id-aes${aesKey.length * 8}-wrap-pad`;
    const decipher = createDecipheriv(cipher, aesKey, AES_WRAP_PAD_IV);
    return Buffer.concat([decipher.update(wrapped.subarray(modulusBytes)), decipher.final()]);
  } catch {
    return null;
  }
}
