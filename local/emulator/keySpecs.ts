/**
 * Which key usages each key spec allows, and the algorithms DescribeKey reports for a spec/usage
 * pair (KMS API reference, CreateKey `KeySpec` / `KeyUsage`).
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { KeySpec, KeyUsage } from './kmsFacts.ts';

export const ALLOWED_USAGES: Record<KeySpec, readonly KeyUsage[]> = {
  SYMMETRIC_DEFAULT: ['ENCRYPT_DECRYPT'],
  RSA_2048: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'],
  RSA_3072: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'],
  RSA_4096: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'],
  ECC_NIST_P256: ['SIGN_VERIFY', 'KEY_AGREEMENT'],
  ECC_NIST_P384: ['SIGN_VERIFY', 'KEY_AGREEMENT'],
  ECC_NIST_P521: ['SIGN_VERIFY', 'KEY_AGREEMENT'],
  ECC_SECG_P256K1: ['SIGN_VERIFY'],
  HMAC_224: ['GENERATE_VERIFY_MAC'],
  HMAC_256: ['GENERATE_VERIFY_MAC'],
  HMAC_384: ['GENERATE_VERIFY_MAC'],
  HMAC_512: ['GENERATE_VERIFY_MAC'],
  ML_DSA_44: ['SIGN_VERIFY'],
  ML_DSA_65: ['SIGN_VERIFY'],
  ML_DSA_87: ['SIGN_VERIFY'],
  SM2: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'KEY_AGREEMENT'],
};

/** The algorithm lists of KeyMetadata; only the ones that apply are present. */
export interface KeyAlgorithms {
  EncryptionAlgorithms?: string[];
  SigningAlgorithms?: string[];
  MacAlgorithms?: string[];
  KeyAgreementAlgorithms?: string[];
}

const RSA_SIGNING = [
  'RSASSA_PKCS1_V1_5_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_384',
  'RSASSA_PKCS1_V1_5_SHA_512',
  'RSASSA_PSS_SHA_256',
  'RSASSA_PSS_SHA_384',
  'RSASSA_PSS_SHA_512',
];

export function algorithmsOf(spec: KeySpec, usage: KeyUsage): KeyAlgorithms {
  if (usage === 'KEY_AGREEMENT') return { KeyAgreementAlgorithms: ['ECDH'] };
  if (usage === 'GENERATE_VERIFY_MAC') return { MacAlgorithms: [`HMAC_SHA_${spec.slice('HMAC_'.length)}`] };
  if (spec === 'SYMMETRIC_DEFAULT') return { EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'] };
  if (spec.startsWith('RSA_'))
    return usage === 'ENCRYPT_DECRYPT' ? { EncryptionAlgorithms: ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'] } : { SigningAlgorithms: RSA_SIGNING };
  if (spec === 'SM2') return usage === 'ENCRYPT_DECRYPT' ? { EncryptionAlgorithms: ['SM2PKE'] } : { SigningAlgorithms: ['SM2DSA'] };
  if (spec.startsWith('ML_DSA_')) return { SigningAlgorithms: ['ML_DSA_SHAKE_256'] };
  if (spec === 'ECC_NIST_P384') return { SigningAlgorithms: ['ECDSA_SHA_384'] };
  if (spec === 'ECC_NIST_P521') return { SigningAlgorithms: ['ECDSA_SHA_512'] };
  return { SigningAlgorithms: ['ECDSA_SHA_256'] };
}

/** Automatic rotation exists only for symmetric encryption keys with KMS-generated material. */
export function canRotate(spec: KeySpec, usage: KeyUsage): boolean {
  return spec === 'SYMMETRIC_DEFAULT' && usage === 'ENCRYPT_DECRYPT';
}

/** "Key type" in UpdateAlias's sense: symmetric, asymmetric or HMAC. */
export function keyTypeOf(spec: KeySpec): 'SYMMETRIC' | 'ASYMMETRIC' | 'HMAC' {
  if (spec === 'SYMMETRIC_DEFAULT') return 'SYMMETRIC';
  if (spec.startsWith('HMAC_')) return 'HMAC';
  return 'ASYMMETRIC';
}

/**
 * What KMS accepts as imported material for a spec ("Requirements for imported key material",
 * KMS Developer Guide): 256-bit symmetric material; HMAC material from the spec's length up to the
 * hash's block size (the byte ranges are a reading of that page, local/emulator/README.md); the
 * private key of an asymmetric spec, PKCS #8 DER. Null when `material` fits, else why not (never
 * any of its bytes).
 */
export function importedMaterialProblem(spec: KeySpec, material: Buffer): string | null {
  const range = HMAC_MATERIAL_BYTES[spec];
  if (spec === 'SYMMETRIC_DEFAULT')
    return material.length === 32 ? null : `The key material is ${material.length} bytes; SYMMETRIC_DEFAULT key material must be 256 bits.`;
  if (range !== undefined) {
    const [min, max] = range;
    return material.length >= min && material.length <= max
      ? null
      : `The key material is ${material.length} bytes; ${spec} key material must be ${min} to ${max} bytes.`;
  }
  if (spec.startsWith('ML_DSA_')) return `${spec} keys do not support imported key material.`;
  const key = privateKeyOf(material);
  if (key === null) return `The key material is not a PKCS #8 DER private key; ${spec} key material must be one.`;
  return privateKeyFits(spec, key, material) ? null : `The key material is not a ${spec} private key.`;
}

/** HMAC key material lengths in bytes, [min, max]. */
const HMAC_MATERIAL_BYTES: Partial<Record<KeySpec, readonly [number, number]>> = {
  HMAC_224: [28, 64],
  HMAC_256: [32, 64],
  HMAC_384: [48, 128],
  HMAC_512: [64, 128],
};

/** The named curve of each ECC spec, as node:crypto names it. */
const CURVES: Partial<Record<KeySpec, string>> = {
  ECC_NIST_P256: 'prime256v1',
  ECC_NIST_P384: 'secp384r1',
  ECC_NIST_P521: 'secp521r1',
  ECC_SECG_P256K1: 'secp256k1',
};

/** The DER of SM2's curve OID (1.2.156.10197.1.301). */
const SM2_CURVE_OID = Buffer.from('06082a811ccf5501822d', 'hex');

/** The PKCS #8 DER private key in `material`, or null. */
export function privateKeyOf(material: Buffer): KeyObject | null {
  try {
    return createPrivateKey({ key: material, format: 'der', type: 'pkcs8' });
  } catch {
    return null;
  }
}

function privateKeyFits(spec: KeySpec, key: KeyObject, der: Buffer): boolean {
  const details = key.asymmetricKeyDetails ?? {};
  if (spec.startsWith('RSA_')) return key.asymmetricKeyType === 'rsa' && details.modulusLength === Number(spec.slice('RSA_'.length));
  if (spec === 'SM2') return key.asymmetricKeyType !== 'rsa' && der.includes(SM2_CURVE_OID);
  return key.asymmetricKeyType === 'ec' && details.namedCurve === CURVES[spec];
}
