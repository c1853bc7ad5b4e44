/**
 * Real AES-256-GCM under per-key material. A multi-Region key and its replicas share one material
 * object, so a ciphertext made in one Region decrypts with the related key in another. The blob
 * carries the key id (like KMS's own ciphertext format), so Decrypt needs no KeyId.
 *
 * Blob: "KEMU" | 0x01 | keyId length (1 byte) | keyId (UTF-8) | IV (12) | tag (16) | ciphertext.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

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
