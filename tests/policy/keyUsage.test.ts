import { buildKeyPolicy } from '../../lib/policy/index.ts';
import type { KeySpec, KeyUsage } from '../../lib/types.ts';
import { context, keyOf, sidsOf, statementOf } from './fixtures.ts';

const dev = 'arn:aws:iam::111122223333:user/dev';
const qa = 'arn:aws:iam::111122223333:user/qa';
const auditor = 'arn:aws:iam::111122223333:role/auditor';

function policyFor(spec: KeySpec, keyUsage: KeyUsage): string {
  return buildKeyPolicy(
    keyOf({
      spec,
      keyUsage,
      enableKeyRotation: false,
      users: [{ principals: [dev], conditions: [] }],
      readOnlyUsers: [{ principals: [qa], conditions: [] }],
      describeOnlyUsers: [{ principals: [auditor], conditions: [] }],
    }),
    context,
  );
}

function statement(sid: string, principal: string, actions: string[]): Record<string, unknown> {
  return { Sid: sid, Effect: 'Allow', Principal: { AWS: [principal] }, Action: actions, Resource: '*' };
}

describe('Function: buildKeyPolicy (key usages)', () => {
  it('gives users of a symmetric encryption key encrypt, decrypt, re-encrypt and data keys', () => {
    // Act
    const policy = policyFor('SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT');

    // Assess
    expect(statementOf(policy, 'KeyUsers')).toEqual(
      statement('KeyUsers', dev, [
        'kms:Decrypt',
        'kms:DescribeKey',
        'kms:Encrypt',
        'kms:GenerateDataKey',
        'kms:GenerateDataKeyPair',
        'kms:GenerateDataKeyPairWithoutPlaintext',
        'kms:GenerateDataKeyWithoutPlaintext',
        'kms:ReEncryptFrom',
        'kms:ReEncryptTo',
      ]),
    );
    expect(statementOf(policy, 'ReadOnlyUsers')).toEqual(statement('ReadOnlyUsers', qa, ['kms:Decrypt', 'kms:DescribeKey']));
    expect(statementOf(policy, 'DescribeOnlyUsers')).toEqual(statement('DescribeOnlyUsers', auditor, ['kms:DescribeKey']));
  });

  it('gives users of an asymmetric encryption key the public key instead of data keys', () => {
    // Act
    const policy = policyFor('RSA_2048', 'ENCRYPT_DECRYPT');

    // Assess
    expect(statementOf(policy, 'KeyUsers')).toEqual(
      statement('KeyUsers', dev, ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GetPublicKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo']),
    );
    expect(statementOf(policy, 'ReadOnlyUsers')).toEqual(statement('ReadOnlyUsers', qa, ['kms:Decrypt', 'kms:DescribeKey']));
  });

  it('treats SM2 encryption keys as asymmetric', () => {
    // Act
    const policy = policyFor('SM2', 'ENCRYPT_DECRYPT');

    // Assess
    expect(statementOf(policy, 'KeyUsers')?.Action).toContain('kms:GetPublicKey');
    expect(statementOf(policy, 'KeyUsers')?.Action).not.toContain('kms:GenerateDataKey');
  });

  it('gives users of a signing key sign and verify, and read-only users verify', () => {
    // Act
    const policy = policyFor('ECC_NIST_P256', 'SIGN_VERIFY');

    // Assess
    expect(statementOf(policy, 'KeyUsers')).toEqual(statement('KeyUsers', dev, ['kms:DescribeKey', 'kms:GetPublicKey', 'kms:Sign', 'kms:Verify']));
    expect(statementOf(policy, 'ReadOnlyUsers')).toEqual(statement('ReadOnlyUsers', qa, ['kms:DescribeKey', 'kms:GetPublicKey', 'kms:Verify']));
  });

  it('gives users of an HMAC key generate and verify MAC, and read-only users verify MAC', () => {
    // Act
    const policy = policyFor('HMAC_256', 'GENERATE_VERIFY_MAC');

    // Assess
    expect(statementOf(policy, 'KeyUsers')).toEqual(statement('KeyUsers', dev, ['kms:DescribeKey', 'kms:GenerateMac', 'kms:VerifyMac']));
    expect(statementOf(policy, 'ReadOnlyUsers')).toEqual(statement('ReadOnlyUsers', qa, ['kms:DescribeKey', 'kms:VerifyMac']));
  });

  it('gives users of a key agreement key DeriveSharedSecret, and read-only users only the public key', () => {
    // Act
    const policy = policyFor('ECC_NIST_P384', 'KEY_AGREEMENT');

    // Assess
    expect(statementOf(policy, 'KeyUsers')).toEqual(statement('KeyUsers', dev, ['kms:DeriveSharedSecret', 'kms:DescribeKey', 'kms:GetPublicKey']));
    expect(statementOf(policy, 'ReadOnlyUsers')).toEqual(statement('ReadOnlyUsers', qa, ['kms:DescribeKey', 'kms:GetPublicKey']));
  });

  it('gives users grants for AWS resources whatever the key usage', () => {
    // Act
    const sids = sidsOf(policyFor('HMAC_512', 'GENERATE_VERIFY_MAC'));

    // Assess
    expect(sids).toEqual([
      'FunctionExecutionRoleManagesKey',
      'FunctionRoleSuccessorsManageKey',
      'KeyUsers',
      'KeyUsersGrantsForAwsResources',
      'ReadOnlyUsers',
      'DescribeOnlyUsers',
    ]);
  });

  it('has only the execution role statement when nobody else is listed', () => {
    // Act
    const sids = sidsOf(buildKeyPolicy(keyOf(), context));

    // Assess
    expect(sids).toEqual(['FunctionExecutionRoleManagesKey', 'FunctionRoleSuccessorsManageKey']);
  });
});
