import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildKeyPolicy } from '../../lib/policy/index.ts';
import { canonicalJson } from '../../lib/text/canonicalJson.ts';
import { cmkProd, cmkStage, context, EXECUTION_ROLE_ARN } from './fixtures.ts';

// Reviewed by hand against docs/key-policy.md: every statement, principal and action.
const executionRoleStatement = {
  Sid: 'FunctionExecutionRoleManagesKey',
  Effect: 'Allow',
  Principal: { AWS: [EXECUTION_ROLE_ARN] },
  Action: [
    'kms:CancelKeyDeletion',
    'kms:CreateAlias',
    'kms:CreateGrant',
    'kms:DeleteAlias',
    'kms:DescribeKey',
    'kms:DisableKey',
    'kms:DisableKeyRotation',
    'kms:EnableKey',
    'kms:EnableKeyRotation',
    'kms:GetKeyPolicy',
    'kms:GetKeyRotationStatus',
    'kms:ListGrants',
    'kms:ListResourceTags',
    'kms:PutKeyPolicy',
    'kms:ReplicateKey',
    'kms:RevokeGrant',
    'kms:ScheduleKeyDeletion',
    'kms:TagResource',
    'kms:UntagResource',
    'kms:UpdateAlias',
    'kms:UpdateKeyDescription',
    'kms:UpdatePrimaryRegion',
  ],
  Resource: '*',
};

// A role of the function's stack made again (same path /, same name) regains management through IAM.
const successorsStatement = {
  ...executionRoleStatement,
  Sid: 'FunctionRoleSuccessorsManageKey',
  Principal: { AWS: ['arn:aws:iam::111122223333:root'] },
  Condition: { ArnLike: { 'aws:PrincipalArn': [EXECUTION_ROLE_ARN, 'arn:aws:iam::111122223333:role/multi-region-kms-keys/*'] } },
};

const administratorActions = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:CreateGrant',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:GetPublicKey',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:RevokeGrant',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
  'kms:UpdatePrimaryRegion',
];

const symmetricUserActions = [
  'kms:Decrypt',
  'kms:DescribeKey',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyPair',
  'kms:GenerateDataKeyPairWithoutPlaintext',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
];

const grantActions = ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'];
const grantIsForAwsResource = { Bool: { 'kms:GrantIsForAWSResource': ['true'] } };

describe('Function: buildKeyPolicy (reference keys)', () => {
  it('generates the policy of cmk-stage', () => {
    // Prepare
    const expected = {
      Version: '2012-10-17',
      Id: 'MultiRegionKmsKeys/cmk-stage',
      Statement: [
        executionRoleStatement,
        successorsStatement,
        {
          Sid: 'KeyAdministrators',
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::111122223333:user/admin'] },
          Action: administratorActions,
          Resource: '*',
        },
        {
          Sid: 'KeyUsers',
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::111122223333:user/dev'] },
          Action: symmetricUserActions,
          Resource: '*',
        },
        {
          Sid: 'KeyUsersGrantsForAwsResources',
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::111122223333:user/dev'] },
          Action: grantActions,
          Resource: '*',
          Condition: grantIsForAwsResource,
        },
        {
          Sid: 'ReadOnlyUsers',
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::111122223333:user/qa'] },
          Action: ['kms:Decrypt', 'kms:DescribeKey'],
          Resource: '*',
        },
        {
          Sid: 'DescribeOnlyUsers',
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::111122223333:user/qa'] },
          Action: ['kms:DescribeKey'],
          Resource: '*',
        },
        {
          Sid: 'ExternalAccountsUseKey',
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::444455556666:root'] },
          Action: symmetricUserActions,
          Resource: '*',
        },
        {
          Sid: 'ExternalAccountsGrantsForAwsResources',
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::444455556666:root'] },
          Action: grantActions,
          Resource: '*',
          Condition: grantIsForAwsResource,
        },
        {
          Sid: 'ServicePrincipal1',
          Effect: 'Allow',
          Principal: { Service: 's3.amazonaws.com' },
          Action: ['kms:Encrypt'],
          Resource: '*',
        },
      ],
    };

    // Act
    const policy = buildKeyPolicy(cmkStage, context);

    // Assess
    expect(JSON.parse(policy)).toEqual(expected);
    expect(policy).toBe(canonicalJson(expected));
  });

  it('generates the policy of cmk-prod', () => {
    // Prepare
    const billingOnly = { StringEquals: { 'kms:EncryptionContext:service': ['billing'] } };
    const expected = {
      Version: '2012-10-17',
      Id: 'MultiRegionKmsKeys/cmk-prod',
      Statement: [
        executionRoleStatement,
        successorsStatement,
        {
          Sid: 'AccountRootIamAccess',
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::111122223333:root'] },
          Action: ['kms:*'],
          Resource: '*',
        },
        {
          Sid: 'KeyAdministrators',
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::111122223333:user/admin'] },
          // A multi-Region key: administrators may also replicate it, as in the KMS console's default.
          Action: [...administratorActions, 'kms:ReplicateKey'].sort(),
          Resource: '*',
        },
        {
          Sid: 'KeyUsers1',
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::111122223333:role/prod-app'] },
          Action: symmetricUserActions,
          Resource: '*',
          Condition: billingOnly,
        },
        {
          Sid: 'KeyUsersGrantsForAwsResources1',
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::111122223333:role/prod-app'] },
          Action: grantActions,
          Resource: '*',
          Condition: { ...billingOnly, ...grantIsForAwsResource },
        },
      ],
    };

    // Act
    const policy = buildKeyPolicy(cmkProd, context);

    // Assess
    expect(JSON.parse(policy)).toEqual(expected);
    expect(policy).toBe(canonicalJson(expected));
  });

  it('uses the partition and account of the context for the account root', () => {
    // Prepare
    const china = { ...context, partition: 'aws-cn', accountId: '999988887777', executionRoleArn: 'arn:aws-cn:iam::999988887777:role/fn' };
    const key = { ...cmkProd, users: [], administrators: ['arn:aws-cn:iam::999988887777:user/admin'] };

    // Act
    const policy = JSON.parse(buildKeyPolicy(key, china));

    // Assess
    expect(policy.Statement[2]).toEqual({
      Sid: 'AccountRootIamAccess',
      Effect: 'Allow',
      Principal: { AWS: ['arn:aws-cn:iam::999988887777:root'] },
      Action: ['kms:*'],
      Resource: '*',
    });
  });
});

describe('Document: docs/key-policy.md', () => {
  it('shows the policies the generator makes for both reference keys', () => {
    // Prepare
    const doc = readFileSync(join(__dirname, '../../docs/key-policy.md'), 'utf8');
    const reference = new Set(['MultiRegionKmsKeys/cmk-stage', 'MultiRegionKmsKeys/cmk-prod']);
    const shown = [...doc.matchAll(/```json\n([\s\S]*?)\n```/g)]
      .map((match) => JSON.parse(match[1]!) as { Id?: string })
      .filter((policy) => reference.has(policy.Id ?? ''))
      .map(canonicalJson);

    // Act
    const generated = [buildKeyPolicy(cmkStage, context), buildKeyPolicy(cmkProd, context)];

    // Assess
    expect(shown).toEqual(generated);
  });
});
