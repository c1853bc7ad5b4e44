/**
 * The emulator's own KMS facts, written from AWS KMS's documentation (the KeySpec and KeyUsage
 * values of the CreateKey API reference, the key states of "Key states of AWS KMS keys", the
 * "Request quotas" and "Resource quotas" pages). Deliberately not imported from `lib/`: the
 * emulator is the product's stand-in for AWS, so a wrong value in the product must meet a
 * right one here, not be confirmed by it.
 */

/** CreateKey's `KeySpec` values for customer managed keys. */
export const KEY_SPECS = [
  'SYMMETRIC_DEFAULT',
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'ECC_NIST_P256',
  'ECC_NIST_P384',
  'ECC_NIST_P521',
  'ECC_SECG_P256K1',
  'HMAC_224',
  'HMAC_256',
  'HMAC_384',
  'HMAC_512',
  'ML_DSA_44',
  'ML_DSA_65',
  'ML_DSA_87',
  'SM2',
] as const;
export type KeySpec = (typeof KEY_SPECS)[number];

/** CreateKey's `KeyUsage` values. */
export const KEY_USAGES = ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'GENERATE_VERIFY_MAC', 'KEY_AGREEMENT'] as const;
export type KeyUsage = (typeof KEY_USAGES)[number];

/** `KeyMetadata.KeyState` values. */
export type KeyState = 'Creating' | 'Enabled' | 'Disabled' | 'PendingDeletion' | 'PendingReplicaDeletion' | 'PendingImport' | 'Unavailable' | 'Updating';

/**
 * Default request quotas per account and Region, requests per second ("Request quotas" page).
 * The cryptographic operations share one quota, modelled apart as `Cryptographic`.
 */
export const KMS_REQUEST_QUOTAS = {
  CreateKey: 5,
  ReplicateKey: 5,
  CreateAlias: 5,
  UpdateAlias: 5,
  DeleteAlias: 15,
  PutKeyPolicy: 15,
  TagResource: 10,
  UntagResource: 5,
  ScheduleKeyDeletion: 15,
  CancelKeyDeletion: 5,
  EnableKey: 5,
  DisableKey: 5,
  EnableKeyRotation: 15,
  DisableKeyRotation: 15,
  UpdateKeyDescription: 5,
  UpdatePrimaryRegion: 5,
  DescribeKey: 2000,
  ListAliases: 500,
  ListKeys: 500,
  GetKeyPolicy: 1000,
  GetKeyRotationStatus: 1000,
  ListResourceTags: 2000,
} as const;
export type KmsQuotaName = keyof typeof KMS_REQUEST_QUOTAS;
export type KmsQuotas = Record<KmsQuotaName, number>;

/** "Each ReplicateKey request also counts as two CreateKey requests in the replica Region." */
export const REPLICATE_KEY_CREATE_KEY_COST = 2;

/** Resource quota: a key policy document is at most 32 KB. */
export const MAX_KEY_POLICY_BYTES = 32768;

/** A KMS key carries at most 50 tags. */
export const MAX_TAGS_PER_KEY = 50;
