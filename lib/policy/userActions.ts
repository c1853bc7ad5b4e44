/**
 * The KMS actions of the key policy's user roles (`CmkUserIamArns`, `CmkExternalUserIamArns`,
 * `CmkReadOnlyUserIamArns`, `CmkDescribeOnlyUserIamArns`), by the key's usage family
 * (docs/behaviour.md §5). Explicit, sorted lists, like every list in `actions.ts`.
 */

import type { KeySpec, KeyUsage } from '../types.ts';
import { kms } from './actionList.ts';
import type { KeyResourceAction } from './actions.ts';

/** The family of a key for its users' actions: key usage, and for encryption symmetric vs asymmetric. */
export type KeyUseFamily = 'SYMMETRIC_ENCRYPT_DECRYPT' | 'ASYMMETRIC_ENCRYPT_DECRYPT' | 'SIGN_VERIFY' | 'GENERATE_VERIFY_MAC' | 'KEY_AGREEMENT';

/** Users (`CmkUserIamArns`, `CmkExternalUserIamArns`): full use of the key, by family. */
export const USER_ACTIONS = {
  // ReEncrypt* and GenerateDataKey* of AWS's default user statement, expanded.
  SYMMETRIC_ENCRYPT_DECRYPT: kms(
    'Decrypt DescribeKey Encrypt GenerateDataKey GenerateDataKeyPair ' +
      'GenerateDataKeyPairWithoutPlaintext GenerateDataKeyWithoutPlaintext ReEncryptFrom ' +
      'ReEncryptTo',
  ),
  ASYMMETRIC_ENCRYPT_DECRYPT: kms('Decrypt DescribeKey Encrypt GetPublicKey ReEncryptFrom ReEncryptTo'),
  SIGN_VERIFY: kms('DescribeKey GetPublicKey Sign Verify'),
  GENERATE_VERIFY_MAC: kms('DescribeKey GenerateMac VerifyMac'),
  KEY_AGREEMENT: kms('DeriveSharedSecret DescribeKey GetPublicKey'),
} as const satisfies Record<KeyUseFamily, readonly KeyResourceAction[]>;

/** Read-only users: the "reading" half of use (decrypt, verify), by family. */
export const READ_ONLY_USER_ACTIONS = {
  SYMMETRIC_ENCRYPT_DECRYPT: kms('Decrypt DescribeKey'),
  ASYMMETRIC_ENCRYPT_DECRYPT: kms('Decrypt DescribeKey'),
  SIGN_VERIFY: kms('DescribeKey GetPublicKey Verify'),
  GENERATE_VERIFY_MAC: kms('DescribeKey VerifyMac'),
  // Deriving a secret is the only use of such a key: read-only users may just look.
  KEY_AGREEMENT: kms('DescribeKey GetPublicKey'),
} as const satisfies Record<KeyUseFamily, readonly KeyResourceAction[]>;

/** Describe-only users. */
export const DESCRIBE_ONLY_USER_ACTIONS = kms('DescribeKey') satisfies readonly KeyResourceAction[];

/** The condition that limits users' grants to AWS services acting for them (AWS's default user statement). */
export const GRANT_IS_FOR_AWS_RESOURCE = { test: 'Bool', variable: 'kms:GrantIsForAWSResource', values: ['true'] } as const;

/** Which user action family a key belongs to. Only SYMMETRIC_DEFAULT encrypts symmetrically. */
export function keyUseFamilyOf(spec: KeySpec, keyUsage: KeyUsage): KeyUseFamily {
  if (keyUsage === 'ENCRYPT_DECRYPT') return spec === 'SYMMETRIC_DEFAULT' ? 'SYMMETRIC_ENCRYPT_DECRYPT' : 'ASYMMETRIC_ENCRYPT_DECRYPT';
  return keyUsage;
}

/** The actions of `CmkUserIamArns` and `CmkExternalUserIamArns` for this key. */
export function userActionsOf(spec: KeySpec, keyUsage: KeyUsage): readonly string[] {
  return USER_ACTIONS[keyUseFamilyOf(spec, keyUsage)];
}

/** The actions of `CmkReadOnlyUserIamArns` for this key. */
export function readOnlyUserActionsOf(spec: KeySpec, keyUsage: KeyUsage): readonly string[] {
  return READ_ONLY_USER_ACTIONS[keyUseFamilyOf(spec, keyUsage)];
}
