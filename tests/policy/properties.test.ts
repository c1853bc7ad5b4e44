import fc from 'fast-check';
import { ValidationError } from '../../lib/errors.ts';
import {
  ADMINISTRATOR_ACTIONS,
  buildKeyPolicy,
  CRYPTOGRAPHIC_ACTIONS,
  EXECUTION_ROLE_ACTIONS,
  type KeyPolicyStatement,
  managementActionsMatching,
} from '../../lib/policy/index.ts';
import { canonicalJson } from '../../lib/text/canonicalJson.ts';
import type { CmkUser, KeyProperties, KeySpec, KeyUsage, PolicyCondition, ServicePrincipal } from '../../lib/types.ts';
import { context, EXECUTION_ROLE_ARN, keyOf } from './fixtures.ts';

const PRIVILEGED_SIDS = new Set(['FunctionExecutionRoleManagesKey', 'FunctionRoleSuccessorsManageKey', 'KeyAdministrators', 'AccountRootIamAccess']);

const SPEC_USAGES: [KeySpec, KeyUsage][] = [
  ['SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT'],
  ['RSA_3072', 'ENCRYPT_DECRYPT'],
  ['RSA_4096', 'SIGN_VERIFY'],
  ['ECC_NIST_P521', 'SIGN_VERIFY'],
  ['ECC_NIST_P256', 'KEY_AGREEMENT'],
  ['HMAC_384', 'GENERATE_VERIFY_MAC'],
  ['ML_DSA_65', 'SIGN_VERIFY'],
  ['SM2', 'KEY_AGREEMENT'],
];

const arn = fc
  .tuple(fc.constantFrom('111122223333', '444455556666'), fc.constantFrom('user', 'role'), fc.constantFrom('a', 'b', 'ops/c', 'd-1'))
  .map(([account, kind, name]) => `arn:aws:iam::${account}:${kind}/${name}`);
const accountRoot = fc.constantFrom('arn:aws:iam::444455556666:root', 'arn:aws:iam::777788889999:root');

// One value list per test+variable, so generated conditions never conflict (conflicts are tested by example).
const condition: fc.Arbitrary<PolicyCondition> = fc
  .constantFrom<PolicyCondition>(
    { test: 'StringEquals', variable: 'kms:EncryptionContext:service', values: ['billing', 'ledger'] },
    { test: 'StringEquals', variable: 'kms:ViaService', values: ['s3.us-east-1.amazonaws.com'] },
    { test: 'StringEquals', variable: 'aws:PrincipalOrgID', values: ['o-abc123'] },
    { test: 'ArnLike', variable: 'aws:PrincipalArn', values: ['arn:aws:iam::111122223333:role/app-*'] },
  )
  .chain((c) => fc.shuffledSubarray(c.values, { minLength: c.values.length }).map((values) => ({ ...c, values })));

const cmkUser: fc.Arbitrary<CmkUser> = fc.oneof(
  fc.record({ principals: fc.array(arn, { minLength: 1, maxLength: 3 }), conditions: fc.constant<PolicyCondition[]>([]) }),
  fc.record({
    principals: fc.array(fc.oneof(arn, fc.constant('*')), { minLength: 1, maxLength: 3 }),
    conditions: fc.array(condition, { minLength: 1, maxLength: 3 }),
  }),
);

const serviceAction = fc.constantFrom(
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:GenerateDataKey*',
  'kms:ReEncrypt*',
  'kms:Describe*',
  'kms:DescribeKey',
  'kms:CreateGrant',
);
const servicePrincipal: fc.Arbitrary<ServicePrincipal> = fc.record({
  name: fc.constantFrom('s3.amazonaws.com', 'logs.amazonaws.com', 'cloudtrail.amazonaws.com'),
  actions: fc.array(serviceAction, { minLength: 1, maxLength: 4 }),
  conditions: fc.array(condition, { maxLength: 2 }),
});

const keyProperties: fc.Arbitrary<KeyProperties> = fc
  .record({
    specUsage: fc.constantFrom(...SPEC_USAGES),
    multiRegion: fc.boolean(),
    allowManageKeyPermissionsWithIam: fc.boolean(),
    administrators: fc.array(arn, { maxLength: 3 }),
    users: fc.array(cmkUser, { maxLength: 3 }),
    readOnlyUsers: fc.array(cmkUser, { maxLength: 3 }),
    describeOnlyUsers: fc.array(cmkUser, { maxLength: 3 }),
    externalUsers: fc.array(fc.oneof(arn, accountRoot), { maxLength: 3 }),
    servicePrincipals: fc.array(servicePrincipal, { maxLength: 3 }),
  })
  .map(({ specUsage: [spec, keyUsage], ...rest }) => keyOf({ spec, keyUsage, ...rest }));

function statementsOf(policy: string): KeyPolicyStatement[] {
  return (JSON.parse(policy) as { Statement: KeyPolicyStatement[] }).Statement;
}

function reversed(key: KeyProperties): KeyProperties {
  const users = (list: CmkUser[]) => [...list].reverse().map((u) => ({ principals: [...u.principals].reverse(), conditions: [...u.conditions].reverse() }));
  return {
    ...key,
    administrators: [...key.administrators].reverse(),
    users: users(key.users),
    readOnlyUsers: users(key.readOnlyUsers),
    describeOnlyUsers: users(key.describeOnlyUsers),
    externalUsers: [...key.externalUsers].reverse(),
    servicePrincipals: [...key.servicePrincipals].reverse().map((s) => ({ ...s, actions: [...s.actions].reverse() })),
  };
}

describe('Function: buildKeyPolicy (properties)', () => {
  it('is deterministic, canonical and independent of the order of its inputs', () => {
    fc.assert(
      fc.property(keyProperties, (key) => {
        const policy = buildKeyPolicy(key, context);
        expect(buildKeyPolicy(structuredClone(key), context)).toBe(policy);
        expect(canonicalJson(JSON.parse(policy))).toBe(policy);
        expect(buildKeyPolicy(reversed(key), context)).toBe(policy);
      }),
    );
  });

  it('never gives kms:* or a management action outside the execution role, administrators and account root', () => {
    fc.assert(
      fc.property(keyProperties, (key) => {
        for (const statement of statementsOf(buildKeyPolicy(key, context))) {
          if (PRIVILEGED_SIDS.has(statement.Sid)) continue;
          for (const action of statement.Action) {
            expect(action).not.toBe('kms:*');
            expect(managementActionsMatching(action)).toEqual([]);
          }
        }
      }),
    );
  });

  it('never gives administrators or the execution role a cryptographic action', () => {
    const crypto: ReadonlySet<string> = new Set(CRYPTOGRAPHIC_ACTIONS);
    fc.assert(
      fc.property(keyProperties, (key) => {
        const privileged = statementsOf(buildKeyPolicy(key, context)).filter((s) => s.Sid !== 'AccountRootIamAccess' && PRIVILEGED_SIDS.has(s.Sid));
        for (const statement of privileged) expect(statement.Action.filter((action) => crypto.has(action))).toEqual([]);
      }),
    );
  });

  it('always has the execution role statement first, then its successors statement, with exactly its actions', () => {
    fc.assert(
      fc.property(keyProperties, (key) => {
        const [first, ...others] = statementsOf(buildKeyPolicy(key, context));
        expect(first).toEqual({
          Sid: 'FunctionExecutionRoleManagesKey',
          Effect: 'Allow',
          Principal: { AWS: [EXECUTION_ROLE_ARN] },
          Action: [...EXECUTION_ROLE_ACTIONS],
          Resource: '*',
        });
        expect(others.map((s) => s.Sid)).not.toContain('FunctionExecutionRoleManagesKey');
        expect(others[0]).toEqual({
          Sid: 'FunctionRoleSuccessorsManageKey',
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::111122223333:root'] },
          Action: [...EXECUTION_ROLE_ACTIONS],
          Resource: '*',
          Condition: { ArnLike: { 'aws:PrincipalArn': [EXECUTION_ROLE_ARN, 'arn:aws:iam::111122223333:role/multi-region-kms-keys/*'] } },
        });
      }),
    );
  });

  it('never has a * principal without a condition', () => {
    fc.assert(
      fc.property(keyProperties, (key) => {
        for (const statement of statementsOf(buildKeyPolicy(key, context))) {
          const principals = 'AWS' in statement.Principal ? statement.Principal.AWS : [statement.Principal.Service];
          if (principals.some((p) => p.includes('*'))) expect(statement.Condition).toBeDefined();
        }
      }),
    );
  });

  it('has alphanumeric, unique Sids and statements only for roles with principals', () => {
    fc.assert(
      fc.property(keyProperties, (key) => {
        const sids = statementsOf(buildKeyPolicy(key, context)).map((s) => s.Sid);
        for (const sid of sids) expect(sid).toMatch(/^[A-Za-z0-9]+$/);
        expect(new Set(sids).size).toBe(sids.length);
        expect(sids.includes('AccountRootIamAccess')).toBe(key.allowManageKeyPermissionsWithIam);
        expect(sids.includes('KeyAdministrators')).toBe(key.administrators.length > 0);
        expect(sids.some((sid) => sid.startsWith('KeyUsers'))).toBe(key.users.length > 0);
        expect(sids.some((sid) => sid.startsWith('ReadOnlyUsers'))).toBe(key.readOnlyUsers.length > 0);
        expect(sids.some((sid) => sid.startsWith('DescribeOnlyUsers'))).toBe(key.describeOnlyUsers.length > 0);
        expect(sids.some((sid) => sid.startsWith('ExternalAccounts'))).toBe(key.externalUsers.length > 0);
        expect(sids.some((sid) => sid.startsWith('ServicePrincipal'))).toBe(key.servicePrincipals.length > 0);
      }),
    );
  });

  it('refuses any key that lists * without a condition', () => {
    fc.assert(
      fc.property(
        keyProperties,
        fc.constantFrom('administrators', 'users', 'externalUsers') as fc.Arbitrary<'administrators' | 'users' | 'externalUsers'>,
        (key, role) => {
          const withStar =
            role === 'users' ? { ...key, users: [...key.users, { principals: ['*'], conditions: [] }] } : { ...key, [role]: [...key[role], '*'] };
          expect(() => buildKeyPolicy(withStar, context)).toThrow(ValidationError);
        },
      ),
    );
  });
});

describe('Constant: ADMINISTRATOR_ACTIONS', () => {
  it('holds no cryptographic action and no wildcard', () => {
    const crypto: ReadonlySet<string> = new Set(CRYPTOGRAPHIC_ACTIONS);
    expect(ADMINISTRATOR_ACTIONS.filter((action) => crypto.has(action) || action.includes('*'))).toEqual([]);
  });
});
