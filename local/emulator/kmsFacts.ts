/**
 * The emulator's own KMS facts, written from AWS KMS's documentation (the KeySpec and KeyUsage
 * values of the CreateKey API reference, the key states of "Key states of AWS KMS keys", the
 * "Request quotas" and "Resource quotas" pages; each operation's request quota is declared by its module in
 * operations/). Deliberately not imported from `lib/`: the
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
 * "Cryptographic operations (symmetric) request rate", shared by Encrypt, Decrypt, GenerateDataKey,
 * …, per account and Region, from the KMS Developer Guide's "Request quotas" page: 10,000 in most
 * Regions (20,000 or 100,000 in a few large ones; the emulator uses the smallest default everywhere).
 * Every other operation's quota is declared by the module that serves it (operations/common.ts,
 * `Operations`), so that a new operation is one module's change.
 */
export const CRYPTOGRAPHIC_REQUEST_QUOTA = 10_000;

/**
 * The Resource Groups Tagging API's request quota the emulator enforces for `GetResources`, per
 * account, per Region, in requests per second. A guess: the API reference only says the operation
 * "has a rate limit" and points to the Tag Editor guide's Service Quotas page (local/emulator/README.md).
 */
export const TAGGING_REQUEST_QUOTAS = { GetResources: 10 } as const;

export type TaggingQuotaName = keyof typeof TAGGING_REQUEST_QUOTAS;

/**
 * "A ReplicateKey operation counts as one ReplicateKey request in the primary key's Region and two
 * CreateKey requests in the replica's Region. One of the CreateKey requests is a dry run."
 */
export const REPLICATE_KEY_CREATE_KEY_TOKENS = 2;

/**
 * "An UpdatePrimaryRegion operation counts as two UpdatePrimaryRegion requests; one request in each
 * of the two affected Regions."
 */
export const UPDATE_PRIMARY_REGION_TOKENS_PER_REGION = 1;

/** Resource quota: a key policy document is at most 32 KB. */
export const MAX_KEY_POLICY_BYTES = 32768;

/** A KMS key carries at most 50 tags. */
export const MAX_TAGS_PER_KEY = 50;

/**
 * Resource quota "Aliases per KMS key": 50 by default (adjustable). CreateAlias and UpdateAlias that
 * would give a key more answer LimitExceededException; aliases AWS creates do not count.
 */
export const MAX_ALIASES_PER_KEY = 50;
/** CreateGrant's `Operations` values (the `GrantOperation` enum of the KMS API reference). */
export const GRANT_OPERATIONS = [
  'Decrypt',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'ReEncryptFrom',
  'ReEncryptTo',
  'Sign',
  'Verify',
  'GetPublicKey',
  'CreateGrant',
  'RetireGrant',
  'DescribeKey',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'GenerateMac',
  'VerifyMac',
  'DeriveSharedSecret',
] as const;

/** Grant operations every key accepts, whatever its usage. */
export const GENERIC_GRANT_OPERATIONS = ['CreateGrant', 'DescribeKey', 'RetireGrant'] as const;

/**
 * The cryptographic grant operations a key accepts, by key type ("Grant operations" in the KMS
 * Developer Guide's grant concepts: "the operations must be compatible with the key's usage"; e.g. no
 * `Sign` on a symmetric encryption key, no `GenerateDataKey` on an asymmetric one; KMS answers
 * ValidationException otherwise).
 */
export const GRANT_OPERATIONS_BY_KEY_TYPE = {
  SYMMETRIC_ENCRYPT_DECRYPT: [
    'Decrypt',
    'Encrypt',
    'GenerateDataKey',
    'GenerateDataKeyPair',
    'GenerateDataKeyPairWithoutPlaintext',
    'GenerateDataKeyWithoutPlaintext',
    'ReEncryptFrom',
    'ReEncryptTo',
  ],
  ASYMMETRIC_ENCRYPT_DECRYPT: ['Decrypt', 'Encrypt', 'GetPublicKey', 'ReEncryptFrom', 'ReEncryptTo'],
  SIGN_VERIFY: ['GetPublicKey', 'Sign', 'Verify'],
  GENERATE_VERIFY_MAC: ['GenerateMac', 'VerifyMac'],
  KEY_AGREEMENT: ['DeriveSharedSecret', 'GetPublicKey'],
} as const;

/** Resource quota "Grants per KMS key". */
export const MAX_GRANTS_PER_KEY = 50_000;
