import { parseProperties } from '../../lib/properties/index.ts';
import type { KeyProperties } from '../../lib/types.ts';
import { ACCOUNT_ID, referenceProperties, stringifyScalars } from './fixtures.ts';

const opts = { accountId: ACCOUNT_ID };

/** Parses and returns the one key of a single-key template. */
function onlyKey(key: Record<string, unknown>, top: Record<string, unknown> = {}): KeyProperties {
  const parsed = parseProperties({ AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: { k: key }, ...top }, opts);
  return parsed.keys[0]!;
}

describe('Function: parseProperties (reference configurations)', () => {
  it('resolves the PascalCase and the Terraform spelling to identical properties', () => {
    // Prepare
    const pascal = referenceProperties('pascal');
    const terraform = referenceProperties('terraform');

    // Act
    const fromPascal = parseProperties(pascal, opts);
    const fromTerraform = parseProperties(terraform, opts);

    // Assess
    expect(fromTerraform).toEqual(fromPascal);
  });

  it('resolves the reference configuration to the documented defaults and values', () => {
    // Act
    const parsed = parseProperties(referenceProperties('pascal'), opts);

    // Assess
    expect(parsed).toEqual({
      awsAccountId: ACCOUNT_ID,
      optInRegions: null,
      returnAttributes: ['*'],
      adoptExistingKeys: false,
      defaultDeletionWindowInDays: 30,
      keys: [
        {
          name: 'cmk-prod',
          region: 'us-east-1',
          replicaRegions: ['eu-west-1', 'us-west-2'],
          multiRegion: true,
          administrators: ['arn:aws:iam::111122223333:user/admin'],
          users: [
            {
              principals: ['arn:aws:iam::111122223333:role/prod-app'],
              conditions: [{ test: 'StringEquals', variable: 'kms:EncryptionContext:service', values: ['billing'] }],
            },
          ],
          readOnlyUsers: [],
          describeOnlyUsers: [],
          externalUsers: [],
          servicePrincipals: [],
          allowManageKeyPermissionsWithIam: true,
          deletionWindowInDays: 7,
          enableKeyRotation: true,
          rotationPeriodInDays: 365,
          spec: 'SYMMETRIC_DEFAULT',
          keyUsage: 'ENCRYPT_DECRYPT',
          description: null,
          enabled: true,
          tags: { Owner: 'platform-team', Environment: 'prod' },
          removalPolicy: 'Delete',
          allowReplacement: false,
          policyStatements: [],
          aliases: [],
        },
        {
          name: 'cmk-stage',
          region: 'us-west-1',
          replicaRegions: [],
          multiRegion: false,
          administrators: ['arn:aws:iam::111122223333:user/admin'],
          users: [{ principals: ['arn:aws:iam::111122223333:user/dev'], conditions: [] }],
          readOnlyUsers: [{ principals: ['arn:aws:iam::111122223333:user/qa'], conditions: [] }],
          describeOnlyUsers: [{ principals: ['arn:aws:iam::111122223333:user/qa'], conditions: [] }],
          externalUsers: ['arn:aws:iam::444455556666:root'],
          servicePrincipals: [{ name: 's3.amazonaws.com', actions: ['kms:Encrypt'], conditions: [] }],
          allowManageKeyPermissionsWithIam: false,
          deletionWindowInDays: 30,
          enableKeyRotation: true,
          rotationPeriodInDays: 365,
          spec: 'SYMMETRIC_DEFAULT',
          keyUsage: 'ENCRYPT_DECRYPT',
          description: null,
          enabled: true,
          tags: { Owner: 'platform-team' },
          removalPolicy: 'Delete',
          allowReplacement: false,
          policyStatements: [],
          aliases: [],
        },
      ],
    });
  });

  it('gives the same result when CloudFormation sends every scalar as a string', () => {
    // Prepare
    const typed = referenceProperties('pascal');
    const stringified = stringifyScalars(typed);

    // Act & Assess
    expect(parseProperties(stringified, opts)).toEqual(parseProperties(typed, opts));
    expect(parseProperties(stringifyScalars(referenceProperties('terraform')), opts)).toEqual(parseProperties(typed, opts));
  });
});

describe('Function: parseProperties (valid inputs)', () => {
  it('applies the defaults to an empty key map', () => {
    // Act
    const parsed = parseProperties({ AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: {} }, opts);

    // Assess
    expect(parsed).toEqual({
      awsAccountId: ACCOUNT_ID,
      keys: [],
      optInRegions: null,
      returnAttributes: ['*'],
      adoptExistingKeys: false,
      defaultDeletionWindowInDays: 30,
    });
  });

  it("accepts CloudFormation's ServiceToken and ServiceTimeout and ignores Dependencies", () => {
    // Prepare
    const raw = {
      ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:keys',
      ServiceTimeout: '900',
      Dependencies: ['vpc-123', { Ref: 'x' }],
      AwsAccountId: ACCOUNT_ID,
      CustomerMasterKeys: {},
    };

    // Act & Assess
    expect(parseProperties(raw, opts).keys).toEqual([]);
    expect(parseProperties({ ...raw, Dependencies: undefined, dependencies: [] }, opts).keys).toEqual([]);
  });

  it.each([
    ['"true"/"false" strings', { Enabled: 'false', AllowReplacement: 'true' }, { enabled: false, allowReplacement: true }],
    ['JSON booleans', { Enabled: false, AllowReplacement: true }, { enabled: false, allowReplacement: true }],
    ['integer strings', { DeletionWindowInDays: '7', RotationPeriodInDays: '2560' }, { deletionWindowInDays: 7, rotationPeriodInDays: 2560 }],
    ['JSON integers', { DeletionWindowInDays: 30, RotationPeriodInDays: 90 }, { deletionWindowInDays: 30, rotationPeriodInDays: 90 }],
    ['an empty Region as every Region', { Region: '' }, { region: null, multiRegion: false }],
    ['a null Region as every Region', { Region: null }, { region: null }],
    [
      'replica Regions sorted and de-duplicated',
      { Region: 'us-east-1', ReplicaRegions: ['us-west-2', 'eu-west-1', 'us-west-2'] },
      { replicaRegions: ['eu-west-1', 'us-west-2'], multiRegion: true },
    ],
    ['"*" replicas', { Region: 'us-east-1', ReplicaRegions: ['*'] }, { replicaRegions: ['*'], multiRegion: true }],
    ['an explicit multi-Region key without replicas', { Region: 'us-east-1', MultiRegion: 'true' }, { multiRegion: true }],
    [
      'a bare ARN as a CMKUser',
      { CmkUserIamArns: ['arn:aws:iam::111122223333:role/path/to/app'] },
      { users: [{ principals: ['arn:aws:iam::111122223333:role/path/to/app'], conditions: [] }] },
    ],
    [
      'the principal * with a condition',
      { CmkReadOnlyUserIamArns: [{ Name: ['*'], Conditions: [{ Test: 'StringEquals', Variable: 'aws:PrincipalOrgID', Values: ['o-abc123'] }] }] },
      { readOnlyUsers: [{ principals: ['*'], conditions: [{ test: 'StringEquals', variable: 'aws:PrincipalOrgID', values: ['o-abc123'] }] }] },
    ],
    [
      'China and GovCloud partitions',
      { CmkAdministratorIamArns: ['arn:aws-cn:iam::111122223333:root', 'arn:aws-us-gov:iam::111122223333:user/ops/alice'] },
      { administrators: ['arn:aws-cn:iam::111122223333:root', 'arn:aws-us-gov:iam::111122223333:user/ops/alice'] },
    ],
    [
      'a China service principal with a wildcard action',
      { CmkServicePrincipals: [{ Name: 'logs.cn-north-1.amazonaws.com.cn', Actions: ['kms:GenerateDataKey*'] }] },
      { servicePrincipals: [{ name: 'logs.cn-north-1.amazonaws.com.cn', actions: ['kms:GenerateDataKey*'], conditions: [] }] },
    ],
    ['RSA with its default usage', { Spec: 'RSA_2048' }, { spec: 'RSA_2048', keyUsage: 'ENCRYPT_DECRYPT', enableKeyRotation: false }],
    ['RSA for signing', { Spec: 'RSA_4096', KeyUsage: 'SIGN_VERIFY' }, { keyUsage: 'SIGN_VERIFY' }],
    ['NIST ECC with its default usage', { Spec: 'ECC_NIST_P384' }, { keyUsage: 'SIGN_VERIFY', enableKeyRotation: false }],
    ['NIST ECC for key agreement', { Spec: 'ECC_NIST_P256', KeyUsage: 'KEY_AGREEMENT' }, { keyUsage: 'KEY_AGREEMENT' }],
    ['secp256k1', { Spec: 'ECC_SECG_P256K1' }, { keyUsage: 'SIGN_VERIFY' }],
    ['HMAC with its default usage', { Spec: 'HMAC_256' }, { keyUsage: 'GENERATE_VERIFY_MAC', enableKeyRotation: false }],
    ['ML-DSA', { Spec: 'ML_DSA_65' }, { keyUsage: 'SIGN_VERIFY' }],
    ['SM2 with its default usage', { Spec: 'SM2' }, { keyUsage: 'ENCRYPT_DECRYPT' }],
    ['SM2 for key agreement', { Spec: 'SM2', KeyUsage: 'KEY_AGREEMENT' }, { keyUsage: 'KEY_AGREEMENT' }],
    ['rotation switched off explicitly on a key that cannot rotate', { Spec: 'HMAC_512', EnableKeyRotation: 'false' }, { enableKeyRotation: false }],
    ['rotation off on a symmetric key', { EnableKeyRotation: 'false' }, { enableKeyRotation: false }],
    [
      'a description, Retain and numbers coerced to strings in tags',
      { Description: 'Payments', RemovalPolicy: 'Retain', Tags: { CostCenter: 1234 } },
      { description: 'Payments', removalPolicy: 'Retain', tags: { CostCenter: '1234' } },
    ],
    ['an empty tag value', { Tags: { Flag: '' } }, { tags: { Flag: '' } }],
    ['a key name with / and _', {}, { name: 'k' }],
  ])('accepts %s', (_label, key, expected) => {
    // Act
    const parsed = onlyKey(key);

    // Assess
    expect(parsed).toMatchObject(expected);
  });

  it('lets the top-level defaults flow into keys, and rotation default yield to keys that cannot rotate', () => {
    // Act
    const parsed = parseProperties(
      {
        AwsAccountId: ACCOUNT_ID,
        DefaultCustomerMasterKeySpec: 'HMAC_384',
        DefaultDeletionWindowInDays: '14',
        DefaultEnableKeyRotation: 'true',
        DefaultRotationPeriodInDays: '180',
        CustomerMasterKeys: { mac: {}, sym: { Spec: 'SYMMETRIC_DEFAULT' } },
      },
      opts,
    );

    // Assess
    expect(parsed.keys.map((k) => [k.name, k.spec, k.keyUsage, k.deletionWindowInDays, k.enableKeyRotation, k.rotationPeriodInDays])).toEqual([
      ['mac', 'HMAC_384', 'GENERATE_VERIFY_MAC', 14, false, 180],
      ['sym', 'SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT', 14, true, 180],
    ]);
    expect(parsed.defaultDeletionWindowInDays).toBe(14);
  });

  it('merges GlobalTags under the key tags and allows 42 user tags (50 minus the 8 reserved)', () => {
    // Prepare
    const globalTags = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`g${i}`, 'x']));
    const keyTags = { g0: 'override', a: '1', b: '2' };

    // Act
    const key = onlyKey({ Tags: keyTags }, { GlobalTags: globalTags });

    // Assess
    expect(Object.keys(key.tags)).toHaveLength(42);
    expect(key.tags.g0).toBe('override');
  });

  it('sorts keys by name and keeps OptInRegions, ReturnAttributes and AdoptExistingKeys', () => {
    // Act
    const parsed = parseProperties(
      {
        aws_account_id: ACCOUNT_ID,
        customer_master_keys: { zeta: {}, alpha: {}, 'team/app_1': {} },
        opt_in_regions: ['us-west-2', 'us-east-1'],
        return_attributes: ['KeyArns.*', '*.eu-west-1.*'],
        adopt_existing_keys: 'true',
      },
      opts,
    );

    // Assess
    expect(parsed.keys.map((k) => k.name)).toEqual(['alpha', 'team/app_1', 'zeta']);
    expect(parsed.optInRegions).toEqual(['us-east-1', 'us-west-2']);
    expect(parsed.returnAttributes).toEqual(['KeyArns.*', '*.eu-west-1.*']);
    expect(parsed.adoptExistingKeys).toBe(true);
  });
});
