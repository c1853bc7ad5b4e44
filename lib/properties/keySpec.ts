/**
 * Which key usages KMS allows for each key spec, the usage this product picks when none is given,
 * and which keys can rotate. Taken from the KMS `CreateKey` reference (KeyUsage) and
 * `EnableKeyRotation` ("supported only on symmetric encryption KMS keys").
 */
import type { KeySpec, KeyUsage } from '../types.ts';

/** The usages KMS accepts in `CreateKey` for a key spec. */
export function allowedKeyUsagesOf(spec: KeySpec): readonly KeyUsage[] {
  if (spec === 'SYMMETRIC_DEFAULT') return ['ENCRYPT_DECRYPT'];
  if (spec.startsWith('RSA_')) return ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'];
  if (spec.startsWith('ECC_NIST_')) return ['SIGN_VERIFY', 'KEY_AGREEMENT'];
  if (spec.startsWith('HMAC_')) return ['GENERATE_VERIFY_MAC'];
  if (spec === 'SM2') return ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'KEY_AGREEMENT'];
  // ECC_SECG_P256K1 and ML_DSA_*: signing only.
  return ['SIGN_VERIFY'];
}

/**
 * The usage of a key that sets only `Spec`. KMS itself requires `KeyUsage` for asymmetric specs;
 * the product fills it in with the first usage KMS lists (encryption where possible, else signing).
 */
export function defaultKeyUsageOf(spec: KeySpec): KeyUsage {
  return allowedKeyUsagesOf(spec)[0]!;
}

/** Automatic rotation exists only for symmetric encryption keys. */
export function canRotate(spec: KeySpec, keyUsage: KeyUsage): boolean {
  return spec === 'SYMMETRIC_DEFAULT' && keyUsage === 'ENCRYPT_DECRYPT';
}
