/**
 * Which key usages each key spec allows, and the algorithms DescribeKey reports for a spec/usage
 * pair (KMS API reference, CreateKey `KeySpec` / `KeyUsage`).
 */
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
