import { ValidationError } from '../../lib/errors.ts';
import { buildKeyPolicy, keyPolicyIssues } from '../../lib/policy/index.ts';
import type { CmkUser } from '../../lib/types.ts';
import { context, keyOf, sidsOf, statementOf } from './fixtures.ts';

const app = 'arn:aws:iam::111122223333:role/app';
const batch = 'arn:aws:iam::111122223333:role/batch';
const dev = 'arn:aws:iam::111122223333:user/dev';
const billing = { test: 'StringEquals', variable: 'kms:EncryptionContext:service', values: ['billing'] };
const viaS3 = { test: 'StringEquals', variable: 'kms:ViaService', values: ['s3.us-east-1.amazonaws.com'] };

function usersPolicy(users: CmkUser[]): string {
  return buildKeyPolicy(keyOf({ users }), context);
}

describe('Function: buildKeyPolicy (conditions)', () => {
  it('gives each distinct set of conditions its own indexed statements, after the unconditioned ones', () => {
    // Act
    const policy = usersPolicy([
      { principals: [batch], conditions: [viaS3] },
      { principals: [dev], conditions: [] },
      { principals: [app], conditions: [billing] },
    ]);

    // Assess
    expect(sidsOf(policy)).toEqual([
      'FunctionExecutionRoleManagesKey',
      'FunctionRoleSuccessorsManageKey',
      'KeyUsers',
      'KeyUsersGrantsForAwsResources',
      'KeyUsers1',
      'KeyUsersGrantsForAwsResources1',
      'KeyUsers2',
      'KeyUsersGrantsForAwsResources2',
    ]);
    expect(statementOf(policy, 'KeyUsers')?.Principal).toEqual({ AWS: [dev] });
    expect(statementOf(policy, 'KeyUsers1')?.Condition).toEqual({ StringEquals: { 'kms:EncryptionContext:service': ['billing'] } });
    expect(statementOf(policy, 'KeyUsers2')?.Condition).toEqual({ StringEquals: { 'kms:ViaService': ['s3.us-east-1.amazonaws.com'] } });
  });

  it('combines several conditions of one CMKUser in one Condition element (AND)', () => {
    // Act
    const policy = usersPolicy([
      { principals: [app], conditions: [billing, viaS3, { test: 'StringLike', variable: 'aws:PrincipalTag/team', values: ['pay*'] }] },
    ]);

    // Assess
    expect(statementOf(policy, 'KeyUsers1')?.Condition).toEqual({
      StringEquals: { 'kms:EncryptionContext:service': ['billing'], 'kms:ViaService': ['s3.us-east-1.amazonaws.com'] },
      StringLike: { 'aws:PrincipalTag/team': ['pay*'] },
    });
    expect(statementOf(policy, 'KeyUsersGrantsForAwsResources1')?.Condition).toEqual({
      Bool: { 'kms:GrantIsForAWSResource': ['true'] },
      StringEquals: { 'kms:EncryptionContext:service': ['billing'], 'kms:ViaService': ['s3.us-east-1.amazonaws.com'] },
      StringLike: { 'aws:PrincipalTag/team': ['pay*'] },
    });
  });

  it('shares one statement between CMKUsers whose conditions are the same, principals sorted and distinct', () => {
    // Act
    const policy = usersPolicy([
      { principals: [dev, app], conditions: [billing] },
      { principals: [app, batch], conditions: [{ ...billing, values: ['billing', 'billing'] }] },
    ]);

    // Assess
    expect(sidsOf(policy)).toEqual(['FunctionExecutionRoleManagesKey', 'FunctionRoleSuccessorsManageKey', 'KeyUsers1', 'KeyUsersGrantsForAwsResources1']);
    expect(statementOf(policy, 'KeyUsers1')?.Principal).toEqual({ AWS: [app, batch, dev] });
  });

  it('merges the same test and variable given twice with the same values, in any order', () => {
    // Act
    const policy = usersPolicy([
      {
        principals: [app],
        conditions: [
          { ...billing, values: ['b', 'a'] },
          { ...billing, values: ['a', 'b', 'a'] },
        ],
      },
    ]);

    // Assess
    expect(statementOf(policy, 'KeyUsers1')?.Condition).toEqual({ StringEquals: { 'kms:EncryptionContext:service': ['a', 'b'] } });
  });

  it('refuses the same test and variable given twice with different values', () => {
    // Prepare
    const key = keyOf({ users: [{ principals: [app], conditions: [billing, { ...billing, values: ['payroll'] }] }] });

    // Act
    const issues = keyPolicyIssues(key, context);

    // Assess
    expect(issues).toEqual([{ path: 'CustomerMasterKeys.cmk-test.CmkUserIamArns[0].Conditions', message: expect.stringContaining('given twice') }]);
    expect(() => buildKeyPolicy(key, context)).toThrow(ValidationError);
  });

  it('refuses a user condition that contradicts the grant condition the product adds', () => {
    // Prepare
    const key = keyOf({ users: [{ principals: [app], conditions: [{ test: 'Bool', variable: 'kms:GrantIsForAWSResource', values: ['false'] }] }] });

    // Act
    const issues = keyPolicyIssues(key, context);

    // Assess
    expect(issues).toEqual([{ path: 'CustomerMasterKeys.cmk-test.CmkUserIamArns', message: expect.stringContaining('kms:GrantIsForAWSResource') }]);
  });

  it('allows the principal * only with a condition', () => {
    // Prepare
    const orgOnly = { test: 'StringEquals', variable: 'aws:PrincipalOrgID', values: ['o-abc123'] };

    // Act
    const policy = buildKeyPolicy(keyOf({ readOnlyUsers: [{ principals: ['*'], conditions: [orgOnly] }] }), context);

    // Assess
    expect(statementOf(policy, 'ReadOnlyUsers1')).toEqual({
      Sid: 'ReadOnlyUsers1',
      Effect: 'Allow',
      Principal: { AWS: ['*'] },
      Action: ['kms:Decrypt', 'kms:DescribeKey'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalOrgID': ['o-abc123'] } },
    });
  });

  it('throws, naming every path, when asked for the principal * without a condition', () => {
    // Prepare
    const key = keyOf({
      administrators: ['*'],
      describeOnlyUsers: [{ principals: [dev, '*'], conditions: [] }],
      externalUsers: ['*'],
    });

    // Act
    const act = () => buildKeyPolicy(key, context);

    // Assess
    expect(act).toThrow(ValidationError);
    expect(keyPolicyIssues(key, context).map((issue) => issue.path)).toEqual([
      'CustomerMasterKeys.cmk-test.CmkAdministratorIamArns[0]',
      'CustomerMasterKeys.cmk-test.CmkDescribeOnlyUserIamArns[0].Name[1]',
      'CustomerMasterKeys.cmk-test.CmkExternalUserIamArns[0]',
    ]);
  });

  it('refuses principals of another partition than the function', () => {
    // Act
    const issues = keyPolicyIssues(keyOf({ administrators: ['arn:aws-cn:iam::111122223333:user/admin'] }), context);

    // Assess
    expect(issues).toEqual([{ path: 'CustomerMasterKeys.cmk-test.CmkAdministratorIamArns[0]', message: expect.stringContaining('partition aws-cn') }]);
  });
});
