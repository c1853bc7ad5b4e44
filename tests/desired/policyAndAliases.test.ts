import { buildDesiredState } from '../../lib/desired/index.ts';
import { ValidationError } from '../../lib/errors.ts';
import { buildKeyPolicy, keyPolicyIssues } from '../../lib/policy/index.ts';
import { parseProperties } from '../../lib/properties/index.ts';
import type { ResourceProperties } from '../../lib/types.ts';
import { ACCOUNT_ID, CONTEXT, DEFAULT_REGIONS } from '../properties/fixtures.ts';
import { CLOUDTRAIL_DESCRIBE, CLOUDTRAIL_ENCRYPT, ORG_DENY } from '../support/userStatements.ts';

const opts = { accountId: ACCOUNT_ID };
const ADMIN = 'arn:aws:iam::111122223333:user/admin';

function parse(keys: Record<string, unknown>, top: Record<string, unknown> = {}): ResourceProperties {
  return parseProperties({ AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: keys, ...top }, opts);
}

function desired(properties: ResourceProperties, oldProperties: ResourceProperties | null = null) {
  return buildDesiredState({ properties, oldProperties, enabledRegions: DEFAULT_REGIONS, context: CONTEXT });
}

describe('Function: buildKeyPolicy (with the user statements)', () => {
  it('puts DefaultPolicyStatements and then PolicyStatements after the generated statements', () => {
    // Prepare
    const properties = parse(
      { trail: { Region: 'us-east-1', CmkAdministratorIamArns: [ADMIN], PolicyStatements: [CLOUDTRAIL_ENCRYPT, CLOUDTRAIL_DESCRIBE] } },
      { DefaultPolicyStatements: [ORG_DENY] },
    );

    // Act
    const policy = JSON.parse(buildKeyPolicy(properties.keys[0]!, CONTEXT)) as { Statement: { Sid: string }[] };

    // Assess
    expect(policy.Statement.map((s) => s.Sid)).toEqual([
      'FunctionExecutionRoleManagesKey',
      'FunctionRoleSuccessorsManageKey',
      'KeyAdministrators',
      'DenyDecryptOutsideOrganization',
      'Allow CloudTrail to encrypt logs',
      'Allow CloudTrail to describe key',
    ]);
  });

  it('gives byte-identical policies whatever the order of actions, principals and condition values', () => {
    // Prepare
    const shuffled = { ...ORG_DENY, Action: ['kms:Decrypt', 'kms:ReEncryptFrom', 'kms:Decrypt'] };
    const a = parse({ k: { PolicyStatements: [ORG_DENY] } });
    const b = parse({ k: { PolicyStatements: [shuffled] } });

    // Act & Assess
    expect(buildKeyPolicy(b.keys[0]!, CONTEXT)).toBe(buildKeyPolicy(a.keys[0]!, CONTEXT));
  });

  it('refuses an ARN of another partition and a Sid of a generated statement, naming the statement', () => {
    // Prepare: built by hand, as validation would already refuse the Sid
    const key = parse({ k: {} }).keys[0]!;
    key.policyStatements = [
      {
        path: 'CustomerMasterKeys.k.PolicyStatements[0]',
        statement: {
          Sid: 'FunctionExecutionRoleManagesKey',
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws-cn:iam::111122223333:root'] },
          Action: ['kms:Decrypt'],
          Resource: '*',
        },
      },
    ];

    // Act
    const issues = keyPolicyIssues(key, CONTEXT);

    // Assess
    expect(issues).toEqual([
      { path: 'CustomerMasterKeys.k.PolicyStatements[0].Sid', message: expect.stringContaining('generated statement') },
      { path: 'CustomerMasterKeys.k.PolicyStatements[0].Principal.AWS[0]', message: expect.stringContaining('partition aws-cn') },
    ]);
  });
});

describe('Function: buildDesiredState (user statements and extra aliases)', () => {
  it('counts the merged policy against the 32 KB limit', () => {
    // Prepare: each statement is small; together they are over 32 KB
    const statements = Array.from({ length: 200 }, (_, i) => ({
      Sid: `App${i}`,
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::111122223333:role/application-with-a-rather-long-role-name-${i}` },
      Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
      Resource: '*',
    }));

    // Act & Assess
    expect(() => desired(parse({ k: { Region: 'us-east-1', PolicyStatements: statements } }))).toThrow(ValidationError);
    expect(() => desired(parse({ k: { Region: 'us-east-1', PolicyStatements: statements } }))).toThrow(
      /CustomerMasterKeys\.k: the key policy \(generated statements, then DefaultPolicyStatements and PolicyStatements\) is \d+ bytes/,
    );
  });

  it('gives every key its extra aliases, and retires only those no key wants any more', () => {
    // Prepare
    const before = parse({ orders: { Region: 'us-east-1', Aliases: ['orders-v1', 'orders-v2', 'moving'] }, billing: { Region: 'us-east-1' } });
    const after = parse({ orders: { Region: 'us-east-1', Aliases: ['orders-v2', 'orders-v3'] }, billing: { Region: 'us-east-1', Aliases: ['moving'] } });

    // Act
    const state = desired(after, before);

    // Assess
    const orders = state.keys.find((k) => k.keyName === 'orders')!;
    expect(orders.extraAliasNames).toEqual(['alias/orders-v2', 'alias/orders-v3']);
    expect(orders.retiredAliasNames).toEqual(['alias/orders-v1']);
    expect(state.keys.find((k) => k.keyName === 'billing')!.retiredAliasNames).toEqual([]);
  });

  it('retires nothing on Create, or when the previous properties no longer parse', () => {
    // Act
    const state = desired(parse({ orders: { Region: 'us-east-1', Aliases: ['orders-v2'] } }));

    // Assess
    expect(state.keys[0]!.retiredAliasNames).toEqual([]);
  });

  it('gives a key the grants its previous properties named and these no longer want, with their parameters, in the Regions it still has', () => {
    // Prepare: reader removed, audit changed (a new KMS name), keeper unchanged
    const role = `arn:aws:iam::${ACCOUNT_ID}:role/app`;
    const grants = (auditOperations: string[], withReader: boolean) => ({
      ...(withReader ? { reader: { GranteePrincipal: role, GrantedOperations: ['Decrypt'] } } : {}),
      audit: { GranteePrincipal: role, GrantedOperations: auditOperations },
      keeper: { GranteePrincipal: role, GrantedOperations: ['Encrypt'] },
    });
    const before = parse({ orders: { Region: 'us-east-1', Grants: grants(['DescribeKey'], true) } });
    const after = parse({ orders: { Region: 'us-east-1', Grants: grants(['DescribeKey', 'Decrypt'], false) } });

    // Act
    const state = desired(after, before);

    // Assess
    const retired = state.keys[0]!.retiredGrants!;
    expect(retired.map((g) => [g.name, g.regions, g.operations, g.granteePrincipal])).toEqual([
      ['audit', ['us-east-1'], ['DescribeKey'], role],
      ['reader', ['us-east-1'], ['Decrypt'], role],
    ]);
    expect(retired.map((g) => g.kmsName)).not.toContain(state.keys[0]!.grants!.find((g) => g.name === 'audit')!.kmsName);
    expect(desired(after, after).keys[0]!.retiredGrants).toBeUndefined();
    expect(desired(after).keys[0]!.retiredGrants).toBeUndefined();
  });
});
