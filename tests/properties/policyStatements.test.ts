import { ValidationError, type ValidationIssue } from '../../lib/errors.ts';
import { parseProperties } from '../../lib/properties/index.ts';
import { CLOUDTRAIL_DESCRIBE, CLOUDTRAIL_ENCRYPT, ORG_DENY } from '../support/userStatements.ts';
import { ACCOUNT_ID } from './fixtures.ts';

const opts = { accountId: ACCOUNT_ID };
const K = 'CustomerMasterKeys.k';

function parse(key: Record<string, unknown>, top: Record<string, unknown> = {}) {
  return parseProperties({ AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: { k: { Region: 'us-east-1', ...key } }, ...top }, opts);
}

/** The issues of a template with one key `k` whose PolicyStatements are `statements`. */
function issuesOf(statements: unknown[], top: Record<string, unknown> = {}): ValidationIssue[] {
  try {
    parse({ PolicyStatements: statements }, top);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues;
  }
  throw new Error('expected a ValidationError');
}

const allowUse = { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/app' }, Action: 'kms:Decrypt', Resource: '*' };

describe('Function: parseProperties (PolicyStatements, DefaultPolicyStatements)', () => {
  it('accepts an org-wide Deny of decryption and CloudTrail statements, normalised, defaults first', () => {
    // Act
    const properties = parse({ PolicyStatements: [CLOUDTRAIL_ENCRYPT, CLOUDTRAIL_DESCRIBE] }, { DefaultPolicyStatements: [ORG_DENY] });

    // Assess
    expect(properties.keys[0]!.policyStatements).toEqual([
      {
        path: 'DefaultPolicyStatements[0]',
        statement: {
          Sid: 'DenyDecryptOutsideOrganization',
          Effect: 'Deny',
          Principal: { AWS: ['*'] },
          Action: ['kms:Decrypt', 'kms:ReEncryptFrom'],
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:PrincipalOrgID': ['o-a1b2c3d4e5'] }, Bool: { 'aws:PrincipalIsAWSService': ['false'] } },
        },
      },
      {
        path: `${K}.PolicyStatements[0]`,
        statement: {
          Sid: 'Allow CloudTrail to encrypt logs',
          Effect: 'Allow',
          Principal: { Service: ['cloudtrail.amazonaws.com'] },
          Action: ['kms:GenerateDataKey*'],
          Resource: '*',
          Condition: {
            StringEquals: { 'aws:SourceArn': ['arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail'] },
            StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': ['arn:aws:cloudtrail:*:111122223333:trail/*'] },
          },
        },
      },
      {
        path: `${K}.PolicyStatements[1]`,
        statement: {
          Sid: 'Allow CloudTrail to describe key',
          Effect: 'Allow',
          Principal: { Service: ['cloudtrail.amazonaws.com'] },
          Action: ['kms:DescribeKey'],
          Resource: '*',
        },
      },
    ]);
  });

  it('reads the snake_case spellings and canonical action names alike', () => {
    // Act
    const snake = parseProperties(
      {
        aws_account_id: ACCOUNT_ID,
        default_policy_statements: [{ ...allowUse, Action: ['KMS:decrypt'] }],
        customer_master_keys: { k: { region: 'us-east-1', policy_statements: [ORG_DENY] } },
      },
      opts,
    );
    const pascal = parse({ PolicyStatements: [ORG_DENY] }, { DefaultPolicyStatements: [allowUse] });

    // Assess
    expect(snake.keys[0]!.policyStatements.map((s) => s.statement)).toEqual(pascal.keys[0]!.policyStatements.map((s) => s.statement));
  });

  it.each<[string, unknown, string]>([
    ['Deny kms:*', { ...ORG_DENY, Action: 'kms:*', Condition: undefined }, 'Action'],
    ['Deny kms:Put*', { ...ORG_DENY, Action: ['kms:Decrypt', 'kms:Put*'] }, 'Action'],
    [
      'Deny kms:ScheduleKeyDeletion to one user',
      { Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::111122223333:user/intern' }, Action: 'kms:ScheduleKeyDeletion' },
      'Action',
    ],
    ['Deny NotAction kms:Decrypt', { Effect: 'Deny', Principal: '*', NotAction: ['kms:Decrypt'] }, 'NotAction'],
    ['Deny kms:DescribeKey', { Effect: 'Deny', Principal: '*', Action: 'kms:Describe*' }, 'Action'],
  ])('refuses a Deny that would lock the function out: %s', (_, statement, field) => {
    // Act
    const issues = issuesOf([statement]);

    // Assess
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe(`${K}.PolicyStatements[0].${field}`);
    expect(issues[0]!.message).toMatch(/would also deny the function's execution role/);
    expect(issues[0]!.message).toMatch(/update, restore or delete the key/);
  });

  it('refuses a conditional Deny of management and says that the condition may match the function', () => {
    // Act
    const issues = issuesOf([{ ...ORG_DENY, Action: 'kms:PutKeyPolicy' }]);

    // Assess
    expect(issues).toEqual([{ path: `${K}.PolicyStatements[0].Action`, message: expect.stringContaining('A condition does not make it safe') }]);
    expect(issues[0]!.message).toContain('kms:PutKeyPolicy');
  });

  it('accepts a Deny of use only, and a NotAction Deny that leaves every action of the function out', () => {
    // Prepare
    const notAction = [
      'kms:CancelKeyDeletion',
      'kms:CreateAlias',
      'kms:CreateGrant',
      'kms:DeleteAlias',
      'kms:Describe*',
      'kms:Disable*',
      'kms:Enable*',
      'kms:Get*',
      'kms:List*',
      'kms:PutKeyPolicy',
      'kms:ReplicateKey',
      'kms:RevokeGrant',
      'kms:ScheduleKeyDeletion',
      'kms:TagResource',
      'kms:UntagResource',
      'kms:Update*',
    ];

    // Act
    const properties = parse({ PolicyStatements: [ORG_DENY, { Effect: 'Deny', Principal: '*', NotAction: notAction, Condition: ORG_DENY.Condition }] });

    // Assess
    expect(properties.keys[0]!.policyStatements).toHaveLength(2);
  });

  it.each<[string, unknown, string, RegExp]>([
    ['NotPrincipal', { ...allowUse, NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' } }, 'NotPrincipal', /everyone except/],
    ['a Resource other than *', { ...allowUse, Resource: 'arn:aws:kms:us-east-1:111122223333:key/x' }, 'Resource', /must be "\*"/],
    ['NotResource', { ...allowUse, NotResource: '*' }, 'NotResource', /only resource is the key/],
    ['an s3 action', { ...allowUse, Action: ['kms:Decrypt', 's3:GetObject'] }, 'Action[1]', /kms: action/],
    ['the action *', { ...allowUse, Action: '*' }, 'Action', /kms: action/],
    ['a misspelt action', { ...allowUse, Action: 'kms:Decryp' }, 'Action', /did you mean kms:Decrypt\?/],
    ['an IAM-only action', { ...allowUse, Action: 'kms:CreateKey' }, 'Action', /not an action a key policy can allow or deny/],
    ['Allow * without a condition', { ...allowUse, Principal: '*' }, 'Principal', /only with a Condition/],
    ['Allow AWS * without a condition', { ...allowUse, Principal: { AWS: ['*'] } }, 'Principal.AWS[0]', /only with a Condition/],
    ['a malformed ARN', { ...allowUse, Principal: { AWS: 'arn:aws:iam::1111:user/x' } }, 'Principal.AWS', /must be an IAM ARN/],
    ['a bare account id', { ...allowUse, Principal: { AWS: '111122223333' } }, 'Principal.AWS', /must be an IAM ARN/],
    ['a malformed service', { ...allowUse, Principal: { Service: 'cloudtrail' } }, 'Principal.Service', /service principal/],
    ['a Federated principal', { ...allowUse, Principal: { Federated: 'cognito-identity.amazonaws.com' } }, 'Principal.Federated', /not accepted/],
    ['an empty principal', { ...allowUse, Principal: {} }, 'Principal', /at least one principal/],
    ['no principal', { ...allowUse, Principal: undefined }, 'Principal', /is required/],
    ['Effect allow', { ...allowUse, Effect: 'allow' }, 'Effect', /Allow or Deny/],
    ['no action', { ...allowUse, Action: undefined }, 'Action', /is required/],
    ['Action and NotAction', { ...allowUse, NotAction: 'kms:Encrypt' }, 'NotAction', /together with Action/],
    ['an unknown field', { ...allowUse, Actions: ['kms:Decrypt'] }, 'Actions', /did you mean Action\?/],
    ['a generated Sid', { ...allowUse, Sid: 'KeyUsers2' }, 'Sid', /generated statements/],
    ['a Sid with punctuation', { ...allowUse, Sid: 'a;b' }, 'Sid', /letters, digits/],
    ['a bad condition operator', { ...allowUse, Condition: { 'String Equals': { 'aws:PrincipalOrgID': 'o-1' } } }, 'Condition.String Equals', /operator/],
    [
      'a condition without values',
      { ...allowUse, Condition: { StringEquals: { 'aws:PrincipalOrgID': [] } } },
      'Condition.StringEquals.aws:PrincipalOrgID',
      /at least one/,
    ],
    ['a condition that is a list', { ...allowUse, Condition: ['x'] }, 'Condition', /map of operator/],
  ])('refuses %s, naming the path', (_, statement, field, message) => {
    // Act
    const issues = issuesOf([statement]);

    // Assess
    expect(issues).toContainEqual({ path: `${K}.PolicyStatements[0].${field}`, message: expect.stringMatching(message) });
  });

  it('refuses a Sid given twice, once in the defaults and once in the key', () => {
    // Act
    const issues = issuesOf([{ ...allowUse, Sid: 'App' }], { DefaultPolicyStatements: [{ ...allowUse, Sid: 'App' }] });

    // Assess
    expect(issues).toEqual([{ path: `${K}.PolicyStatements[0].Sid`, message: expect.stringContaining('already the Sid of DefaultPolicyStatements[0]') }]);
  });

  it('reports a repeated Sid of the defaults once, not once per key', () => {
    // Act
    let issues: ValidationIssue[] = [];
    try {
      parseProperties(
        {
          AwsAccountId: ACCOUNT_ID,
          DefaultPolicyStatements: [
            { ...allowUse, Sid: 'App' },
            { ...allowUse, Sid: 'App' },
          ],
          CustomerMasterKeys: { a: {}, b: {} },
        },
        opts,
      );
    } catch (error) {
      issues = (error as ValidationError).issues;
    }

    // Assess
    expect(issues).toEqual([{ path: 'DefaultPolicyStatements[1].Sid', message: expect.stringContaining('Sids must be unique') }]);
  });

  it('refuses statements that are not a list of objects', () => {
    // Act & Assess
    expect(issuesOf(['kms:Decrypt'])).toEqual([{ path: `${K}.PolicyStatements[0]`, message: 'must be an object, got "kms:Decrypt"' }]);
    expect(() => parse({}, { DefaultPolicyStatements: { Effect: 'Allow' } })).toThrow(/DefaultPolicyStatements: must be a list/);
  });
});
