/**
 * Hostile user statements and extra aliases (docs/behaviour.md §3, §5): every way a statement could
 * lock the function out, widen the key to everyone, or slip past the rules (wildcards, NotAction,
 * conditions, case, NotPrincipal, other services' actions, resources), and alias names that break the
 * key-name rules. Each is the reference configuration with one statement or alias list changed, in
 * CloudFormation's stringified form, and must be refused before any KMS call naming its path.
 */
import { type CfnMap, type CfnValue, toCfnMap } from './cfnValue.ts';
import type { HostileInput } from './hostileCorpus.ts';
import { referenceProperties } from './reference.ts';

const PROD = 'CustomerMasterKeys.cmk-prod';
const STATEMENTS = `${PROD}.PolicyStatements`;
const ORG = { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } };
const USE = { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/prod-app' }, Action: 'kms:Decrypt', Resource: '*' };

/** The reference with cmk-prod's `field` set to `value` (stringified as CloudFormation sends it). */
function withProd(field: string, value: unknown): CfnMap {
  const properties = referenceProperties();
  const keys = properties.CustomerMasterKeys as Record<string, Record<string, unknown>>;
  keys['cmk-prod']![field] = value;
  return toCfnMap(properties);
}

/** One statement of cmk-prod, refused at `PolicyStatements[0]<suffix>`. */
const statement = (name: string, value: CfnValue | Record<string, unknown>, suffix: string): HostileInput => ({
  name: `statement: ${name}`,
  properties: withProd('PolicyStatements', [value]),
  expectPaths: [`${STATEMENTS}[0]${suffix}`],
});

/** Management actions the execution role needs, and patterns that cover one of them. */
const LOCKOUT_ACTIONS = [
  'kms:*',
  'kms:Put*',
  'kms:PutKeyPolicy',
  'KMS:putkeypolicy',
  'kms:Schedule*',
  'kms:ScheduleKeyDeletion',
  'kms:*Key*',
  'kms:?utKeyPolicy',
  'kms:Describe*',
  'kms:DescribeKey',
  'kms:Get*',
  'kms:List*',
  'kms:Tag*',
  'kms:UntagResource',
  'kms:Update*',
  'kms:UpdatePrimaryRegion',
  'kms:ReplicateKey',
  'kms:Cancel*',
  'kms:Enable*',
  'kms:Disable*',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:*Alias',
  'kms:*Rotation*',
];

export function hostileStatements(): HostileInput[] {
  return [
    // The lockout rule: any Deny of what the function needs, whatever the principal and condition.
    ...LOCKOUT_ACTIONS.map((action) => statement(`Deny ${action} to everyone`, { Effect: 'Deny', Principal: '*', Action: action, Resource: '*' }, '.Action')),
    ...LOCKOUT_ACTIONS.map((action) =>
      statement(`Deny ${action} outside the organization`, { Effect: 'Deny', Principal: '*', Action: ['kms:Decrypt', action], Condition: ORG }, '.Action'),
    ),
    statement('Deny kms:* to the account root', { Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*' }, '.Action'),
    statement('Deny NotAction kms:Decrypt', { Effect: 'Deny', Principal: '*', NotAction: 'kms:Decrypt' }, '.NotAction'),
    statement(
      'Deny NotAction of every use',
      { Effect: 'Deny', Principal: '*', NotAction: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*'] },
      '.NotAction',
    ),
    statement(
      'Deny NotAction leaving out all but PutKeyPolicy',
      { Effect: 'Deny', Principal: '*', NotAction: ['kms:D*', 'kms:E*', 'kms:G*', 'kms:L*'] },
      '.NotAction',
    ),
    statement('Deny with a NotPrincipal', { Effect: 'Deny', NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:Decrypt' }, '.NotPrincipal'),
    statement('Allow with a NotPrincipal', { ...USE, NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' } }, '.NotPrincipal'),
    // Widening the key to everyone.
    statement('Allow * to everyone', { Effect: 'Allow', Principal: '*', Action: 'kms:*' }, '.Principal'),
    statement('Allow decrypt to AWS *', { ...USE, Principal: { AWS: '*' } }, '.Principal.AWS'),
    statement('Allow decrypt to a list holding *', { ...USE, Principal: { AWS: ['arn:aws:iam::111122223333:root', '*'] } }, '.Principal.AWS[1]'),
    // Shapes outside the rules.
    statement('Resource of another key', { ...USE, Resource: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' }, '.Resource'),
    statement('Resource list of two', { ...USE, Resource: ['*', 'arn:aws:s3:::bucket'] }, '.Resource'),
    statement('NotResource', { ...USE, NotResource: '*' }, '.NotResource'),
    statement('action *', { ...USE, Action: '*' }, '.Action'),
    statement('an S3 action', { ...USE, Action: ['kms:Decrypt', 's3:*'] }, '.Action[1]'),
    statement('an IAM action', { ...USE, Action: 'iam:PassRole' }, '.Action'),
    statement('a misspelt action', { ...USE, Action: 'kms:Decrpyt' }, '.Action'),
    statement('an action with a blank', { ...USE, Action: 'kms:Re Encrypt' }, '.Action'),
    statement('an empty action list', { ...USE, Action: [] }, '.Action'),
    statement('Action and NotAction', { ...USE, NotAction: 'kms:Encrypt' }, '.NotAction'),
    statement('no Effect', { ...USE, Effect: undefined }, '.Effect'),
    statement('Effect "allow"', { ...USE, Effect: 'allow' }, '.Effect'),
    statement('Effect list', { ...USE, Effect: ['Allow'] }, '.Effect'),
    statement('no Principal', { ...USE, Principal: undefined }, '.Principal'),
    statement('a principal string that is an ARN', { ...USE, Principal: 'arn:aws:iam::111122223333:root' }, '.Principal'),
    statement('a malformed ARN', { ...USE, Principal: { AWS: 'arn:aws:iam::1:root' } }, '.Principal.AWS'),
    statement('a group ARN', { ...USE, Principal: { AWS: 'arn:aws:iam::111122223333:group/admins' } }, '.Principal.AWS'),
    statement('an account id', { ...USE, Principal: { AWS: '111122223333' } }, '.Principal.AWS'),
    statement('a Federated principal', { ...USE, Principal: { Federated: 'accounts.google.com' } }, '.Principal.Federated'),
    statement('a malformed service', { ...USE, Principal: { Service: 'cloudtrail.amazonaws.com; rm -rf /' } }, '.Principal.Service'),
    statement('an unknown principal type', { ...USE, Principal: { Everyone: 'true' } }, '.Principal.Everyone'),
    statement('a Sid of the generated statements', { ...USE, Sid: 'FunctionExecutionRoleManagesKey' }, '.Sid'),
    statement('a numbered generated Sid', { ...USE, Sid: 'ServicePrincipal1' }, '.Sid'),
    statement('a Sid with a line break', { ...USE, Sid: 'a\nb' }, '.Sid'),
    statement('a Sid of 129 characters', { ...USE, Sid: 's'.repeat(129) }, '.Sid'),
    statement('a condition operator with a blank', { ...USE, Condition: { 'String Equals': { 'aws:PrincipalOrgID': 'o-1' } } }, '.Condition.String Equals'),
    statement('a condition with no keys', { ...USE, Condition: { StringEquals: {} } }, '.Condition.StringEquals'),
    statement(
      'a condition value that is a map',
      { ...USE, Condition: { StringEquals: { 'aws:PrincipalOrgID': { x: 'y' } } } },
      '.Condition.StringEquals.aws:PrincipalOrgID',
    ),
    statement('a condition that is a string', { ...USE, Condition: 'aws:PrincipalOrgID=o-1' }, '.Condition'),
    statement('an unknown field', { ...USE, Actions: 'kms:Decrypt' }, '.Actions'),
    statement('__proto__ as a field', JSON.parse('{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","__proto__":{"x":"y"}}'), '.__proto__'),
    { name: 'statements: a map', properties: withProd('PolicyStatements', { Sid: 'x' }), expectPaths: [STATEMENTS] },
    { name: 'statements: a string', properties: withProd('PolicyStatements', JSON.stringify([USE])), expectPaths: [STATEMENTS] },
    {
      name: 'statements: the same Sid twice',
      properties: withProd('PolicyStatements', [
        { ...USE, Sid: 'App' },
        { ...USE, Sid: 'App' },
      ]),
      expectPaths: [`${STATEMENTS}[1].Sid`],
    },
    {
      name: 'statements: a lockout Deny in DefaultPolicyStatements',
      properties: toCfnMap({ ...referenceProperties(), DefaultPolicyStatements: [{ Effect: 'Deny', Principal: '*', Action: 'kms:*', Condition: ORG }] }),
      expectPaths: ['DefaultPolicyStatements[0].Action'],
    },
    {
      name: 'statements: the merged policy over 32 KB',
      properties: withProd(
        'PolicyStatements',
        Array.from({ length: 250 }, (_, i) => ({ ...USE, Sid: `App${i}`, Principal: { AWS: `arn:aws:iam::111122223333:role/a-rather-long-role-name-${i}` } })),
      ),
      expectPaths: [PROD],
    },
    // Extra aliases.
    ...[
      ['the alias/ prefix', ['alias/orders'], '[0]'],
      ['aws/', ['aws/ebs'], '[0]'],
      ['a blank', ['orders v2'], '[0]'],
      ['a colon', ['orders:v2'], '[0]'],
      ['the key name', ['cmk-prod'], '[0]'],
      ["the other key's name", ['cmk-stage'], '[0]'],
      ['a name twice', ['v2', 'v2'], '[1]'],
      ['an empty name', [''], '[0]'],
      ['a name over 256 characters', ['a'.repeat(251)], '[0]'],
      ['a map', { v2: 'true' }, ''],
      ['a string', 'v2', ''],
      ['50 names', Array.from({ length: 50 }, (_, i) => `name-${i}`), ''],
    ].map(([name, value, suffix]) => ({
      name: `aliases: ${name}`,
      properties: withProd('Aliases', value),
      expectPaths: [`${PROD}.Aliases${suffix as string}`],
    })),
  ];
}
