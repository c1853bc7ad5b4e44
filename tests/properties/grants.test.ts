import { ValidationError, type ValidationIssue } from '../../lib/errors.ts';
import { parseProperties } from '../../lib/properties/index.ts';
import { buildAttributes, preflightResponseSize } from '../../lib/request/attributes.ts';
import type { DesiredState, ResourceContext } from '../../lib/types.ts';
import { ACCOUNT_ID } from './fixtures.ts';

const ASG_ROLE = 'arn:aws:iam::444455556666:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling';
const opts = { accountId: ACCOUNT_ID };

function withGrants(grants: unknown, key: Record<string, unknown> = { Region: 'us-east-1', ReplicaRegions: ['eu-west-1'] }): Record<string, unknown> {
  return { AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: { 'cmk-ami': { ...key, Grants: grants } } };
}

function issuesOf(raw: unknown): ValidationIssue[] {
  try {
    parseProperties(raw, opts);
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  return [];
}

describe('Function: parseProperties (Grants)', () => {
  it('reads a grant for another account’s service-linked role, operations sorted, kms: prefix accepted', () => {
    // Act
    const [key] = parseProperties(withGrants({ asg: { GranteePrincipal: ASG_ROLE, GrantedOperations: ['kms:Encrypt', 'Decrypt', 'Decrypt'] } }), opts).keys;

    // Assess
    expect(key!.grants).toEqual([
      { name: 'asg', granteePrincipal: ASG_ROLE, operations: ['Decrypt', 'Encrypt'], retiringPrincipal: null, constraints: null, regions: null },
    ]);
  });

  it('reads the Terraform spellings the same way', () => {
    // Prepare
    const pascal = withGrants({
      app: { GranteePrincipal: ASG_ROLE, GrantedOperations: ['Decrypt'], Constraints: { EncryptionContextEquals: { a: 'b' } }, Regions: ['eu-west-1'] },
    });
    const snake = {
      aws_account_id: ACCOUNT_ID,
      customer_master_keys: {
        'cmk-ami': {
          region: 'us-east-1',
          replica_regions: ['eu-west-1'],
          grants: {
            app: {
              grantee_principal: ASG_ROLE,
              granted_operations: ['Decrypt'],
              constraints: { encryption_context_equals: { a: 'b' } },
              regions: ['eu-west-1'],
            },
          },
        },
      },
    };

    // Act / Assess
    expect(parseProperties(snake, opts)).toEqual(parseProperties(pascal, opts));
    expect(parseProperties(pascal, opts).keys[0]!.grants![0]!.constraints).toEqual({ encryptionContextEquals: { a: 'b' } });
  });

  it('names the path of every problem at once', () => {
    // Act
    const issues = issuesOf(
      withGrants({
        'bad.name': { GranteePrincipal: ASG_ROLE, GrantedOperations: ['Decrypt'] },
        sign: { GranteePrincipal: 'role/app', GrantedOperations: ['Sign', 'Dance'], Regions: ['ap-south-1'] },
        empty: { GrantedOperations: [], RetiringPrincipal: 'x', Constraints: {}, Colour: 'red' },
      }),
    );

    // Assess
    expect(issues.map((i) => i.path)).toEqual([
      'CustomerMasterKeys.cmk-ami.Grants.bad.name',
      'CustomerMasterKeys.cmk-ami.Grants.sign.GranteePrincipal',
      'CustomerMasterKeys.cmk-ami.Grants.sign.GrantedOperations[0]',
      'CustomerMasterKeys.cmk-ami.Grants.sign.GrantedOperations[1]',
      'CustomerMasterKeys.cmk-ami.Grants.sign.Regions',
      'CustomerMasterKeys.cmk-ami.Grants.empty.Colour',
      'CustomerMasterKeys.cmk-ami.Grants.empty.GranteePrincipal',
      'CustomerMasterKeys.cmk-ami.Grants.empty.RetiringPrincipal',
      'CustomerMasterKeys.cmk-ami.Grants.empty.GrantedOperations',
      'CustomerMasterKeys.cmk-ami.Grants.empty.Constraints',
    ]);
    expect(issues[2]!.message).toContain('Sign is not allowed on a key with Spec SYMMETRIC_DEFAULT');
    expect(issues[4]!.message).toBe('ap-south-1 is not a Region of the key (eu-west-1, us-east-1)');
  });

  it('checks operations and constraints against the key usage', () => {
    // Act
    const signing = issuesOf(
      withGrants(
        {
          s: {
            GranteePrincipal: ASG_ROLE,
            GrantedOperations: ['Sign', 'Verify', 'GetPublicKey', 'Decrypt'],
            Constraints: { EncryptionContextSubset: { a: 'b' } },
          },
        },
        { Region: 'us-east-1', Spec: 'ECC_NIST_P256' },
      ),
    );

    // Assess
    expect(signing.map((i) => i.path)).toEqual(['CustomerMasterKeys.cmk-ami.Grants.s.GrantedOperations[3]', 'CustomerMasterKeys.cmk-ami.Grants.s.Constraints']);
  });
});

describe('Function: buildAttributes / preflightResponseSize (GrantIds)', () => {
  const context: ResourceContext = {
    stackId: 'arn:aws:cloudformation:us-east-1:111122223333:stack/s/1',
    stackName: 's',
    logicalResourceId: 'Keys',
    accountId: '111122223333',
    partition: 'aws',
    region: 'us-east-1',
    executionRoleArn: 'arn:aws:iam::111122223333:role/fn',
  };
  const desiredWith = (grantNames: string[]): DesiredState => ({
    owner: { ownerId: 'mrkk-0', stackId: context.stackId, stackName: 's', logicalResourceId: 'Keys' },
    regions: ['us-east-1'],
    keys: [
      {
        id: 'cmk-a',
        keyName: 'cmk-a',
        aliasName: 'alias/cmk-a',
        perRegion: false,
        primaryRegion: 'us-east-1',
        replicaRegions: [],
        multiRegion: false,
        spec: 'SYMMETRIC_DEFAULT',
        keyUsage: 'ENCRYPT_DECRYPT',
        policy: '{}',
        description: '',
        enabled: true,
        rotation: null,
        tags: {},
        deletionWindowInDays: 30,
        removalPolicy: 'Delete',
        allowReplacement: false,
        extraAliasNames: [],
        retiredAliasNames: [],
        grants: grantNames.map((name) => ({
          name,
          kmsName: name,
          granteePrincipal: 'arn:aws:iam::1:root',
          operations: ['Decrypt'],
          retiringPrincipal: null,
          constraints: null,
          regions: ['us-east-1'],
        })),
      },
    ],
    adoptExistingKeys: false,
    invalidCmkInputs: [],
    invalidReplicaRegions: {},
    defaultDeletionWindowInDays: 30,
  });

  it('returns GrantIds.<region>.<key>.<grant>, selectable by ReturnAttributes', () => {
    // Act
    const data = buildAttributes(desiredWith(['asg']), { 'cmk-a': '00000000-0000-4000-8000-000000000001' }, context, ['GrantIds.*'], [], {
      'cmk-a': { 'us-east-1': { asg: 'g'.repeat(64) } },
    });

    // Assess
    expect(data).toEqual({ 'GrantIds.us-east-1.cmk-a.asg': 'g'.repeat(64) });
  });

  it('counts GrantIds at their maximum length in the preflight', () => {
    // Prepare
    const names = Array.from({ length: 30 }, (_, i) => `grant-${i}`);
    const measure = (data: Record<string, string>) => Buffer.byteLength(JSON.stringify({ Data: data }));

    // Act / Assess
    expect(() => preflightResponseSize(desiredWith(names), context, ['GrantIds.*'], measure)).toThrow(/GrantIds \d+/);
    expect(() => preflightResponseSize(desiredWith(names.slice(0, 5)), context, ['GrantIds.*'], measure)).not.toThrow();
  });
});
