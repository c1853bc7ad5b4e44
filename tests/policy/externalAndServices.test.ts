import { MultiRegionKmsKeysError, ValidationError } from '../../lib/errors.ts';
import { buildKeyPolicy, keyPolicyIssues } from '../../lib/policy/index.ts';
import { context, keyOf, sidsOf, statementOf } from './fixtures.ts';

const cloudTrailCondition = { test: 'StringEquals', variable: 'aws:SourceAccount', values: ['111122223333'] };

describe('Function: buildKeyPolicy (external accounts)', () => {
  it('gives external accounts the users actions and grants for AWS resources, principals sorted and distinct', () => {
    // Prepare
    const key = keyOf({
      spec: 'ECC_NIST_P256',
      keyUsage: 'SIGN_VERIFY',
      enableKeyRotation: false,
      externalUsers: ['arn:aws:iam::777788889999:root', 'arn:aws:iam::444455556666:role/signer', 'arn:aws:iam::777788889999:root'],
    });
    const principal = { AWS: ['arn:aws:iam::444455556666:role/signer', 'arn:aws:iam::777788889999:root'] };

    // Act
    const policy = buildKeyPolicy(key, context);

    // Assess
    expect(sidsOf(policy)).toEqual([
      'FunctionExecutionRoleManagesKey',
      'FunctionRoleSuccessorsManageKey',
      'ExternalAccountsUseKey',
      'ExternalAccountsGrantsForAwsResources',
    ]);
    expect(statementOf(policy, 'ExternalAccountsUseKey')).toEqual({
      Sid: 'ExternalAccountsUseKey',
      Effect: 'Allow',
      Principal: principal,
      Action: ['kms:DescribeKey', 'kms:GetPublicKey', 'kms:Sign', 'kms:Verify'],
      Resource: '*',
    });
    expect(statementOf(policy, 'ExternalAccountsGrantsForAwsResources')).toEqual({
      Sid: 'ExternalAccountsGrantsForAwsResources',
      Effect: 'Allow',
      Principal: principal,
      Action: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
      Resource: '*',
      Condition: { Bool: { 'kms:GrantIsForAWSResource': ['true'] } },
    });
  });
});

describe('Function: buildKeyPolicy (service principals)', () => {
  it('gives each service exactly its actions, with its conditions, ordered by service name', () => {
    // Prepare
    const key = keyOf({
      servicePrincipals: [
        { name: 's3.amazonaws.com', actions: ['kms:GenerateDataKey', 'kms:Decrypt', 'kms:Decrypt'], conditions: [] },
        { name: 'cloudtrail.amazonaws.com', actions: ['kms:GenerateDataKey*', 'kms:DescribeKey'], conditions: [cloudTrailCondition] },
      ],
    });

    // Act
    const policy = buildKeyPolicy(key, context);

    // Assess
    expect(JSON.parse(policy).Statement.slice(2)).toEqual([
      {
        Sid: 'ServicePrincipal1',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: ['kms:DescribeKey', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': ['111122223333'] } },
      },
      {
        Sid: 'ServicePrincipal2',
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: '*',
      },
    ]);
  });

  it('collapses identical service principal entries into one statement', () => {
    // Prepare
    const entry = { name: 'logs.amazonaws.com', actions: ['kms:Encrypt*', 'kms:Decrypt*'], conditions: [] };

    // Act
    const sids = sidsOf(buildKeyPolicy(keyOf({ servicePrincipals: [entry, { ...entry, actions: ['kms:Decrypt*', 'kms:Encrypt*'] }] }), context));

    // Assess
    expect(sids).toEqual(['FunctionExecutionRoleManagesKey', 'FunctionRoleSuccessorsManageKey', 'ServicePrincipal1']);
  });

  it('refuses service actions that would grant management of the key', () => {
    // Prepare
    const key = keyOf({
      servicePrincipals: [{ name: 'logs.amazonaws.com', actions: ['kms:Describe*', 'kms:*', 'kms:get*', 'kms:PutKeyPolicy'], conditions: [] }],
    });

    // Act
    const issues = keyPolicyIssues(key, context);

    // Assess
    expect(issues.map((issue) => issue.path)).toEqual([
      'CustomerMasterKeys.cmk-test.CmkServicePrincipals[0].Actions[1]',
      'CustomerMasterKeys.cmk-test.CmkServicePrincipals[0].Actions[2]',
      'CustomerMasterKeys.cmk-test.CmkServicePrincipals[0].Actions[3]',
    ]);
    expect(issues[1]?.message).toContain('kms:GetKeyPolicy');
    expect(() => buildKeyPolicy(key, context)).toThrow(ValidationError);
  });
});

describe('Function: buildKeyPolicy (execution role)', () => {
  it('throws when the execution role ARN is missing, not a role, or of another partition', () => {
    // Act
    const missing = () => buildKeyPolicy(keyOf(), { ...context, executionRoleArn: '' });
    const otherPartition = () => buildKeyPolicy(keyOf(), { ...context, executionRoleArn: 'arn:aws-us-gov:iam::111122223333:role/fn' });
    const notARole = () => buildKeyPolicy(keyOf(), { ...context, executionRoleArn: 'arn:aws:iam::111122223333:user/fn' });

    // Assess
    expect(missing).toThrow(MultiRegionKmsKeysError);
    expect(otherPartition).toThrow(/EXECUTION_ROLE_ARN/);
    expect(notARole).toThrow(/EXECUTION_ROLE_ARN/);
  });
});
