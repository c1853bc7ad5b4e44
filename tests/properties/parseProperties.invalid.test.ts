import { ValidationError, type ValidationIssue } from '../../lib/errors.ts';
import { parseProperties } from '../../lib/properties/index.ts';
import { ACCOUNT_ID } from './fixtures.ts';

const opts = { accountId: ACCOUNT_ID };
const ARN = 'arn:aws:iam::111122223333:role/app';

/** The issues parseProperties throws for `raw` (fails the test when it does not throw a ValidationError). */
function issuesOf(raw: unknown): ValidationIssue[] {
  try {
    parseProperties(raw, opts);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues;
  }
  throw new Error('expected a ValidationError');
}

/** Issues of a template holding one key `k`. */
function keyIssues(key: unknown, top: Record<string, unknown> = {}): ValidationIssue[] {
  return issuesOf({ AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: { k: key }, ...top });
}

const K = 'CustomerMasterKeys.k';

describe('Function: parseProperties (invalid key properties)', () => {
  it.each<[string, unknown, string[]]>([
    ['a window below 7', { DeletionWindowInDays: '3' }, [`${K}.DeletionWindowInDays`]],
    ['a window above 30', { DeletionWindowInDays: 31 }, [`${K}.DeletionWindowInDays`]],
    ['"30 days"', { DeletionWindowInDays: '30 days' }, [`${K}.DeletionWindowInDays`]],
    ['"1e1"', { DeletionWindowInDays: '1e1' }, [`${K}.DeletionWindowInDays`]],
    ['" 30"', { DeletionWindowInDays: ' 30' }, [`${K}.DeletionWindowInDays`]],
    ['a fractional number', { DeletionWindowInDays: 7.5 }, [`${K}.DeletionWindowInDays`]],
    ['a rotation period below 90', { RotationPeriodInDays: '89' }, [`${K}.RotationPeriodInDays`]],
    ['a rotation period above 2560', { RotationPeriodInDays: '2561' }, [`${K}.RotationPeriodInDays`]],
    ['"yes" as a boolean', { Enabled: 'yes' }, [`${K}.Enabled`]],
    ['"True" as a boolean', { AllowReplacement: 'True' }, [`${K}.AllowReplacement`]],
    ['1 as a boolean', { MultiRegion: 1 }, [`${K}.MultiRegion`]],
    ['an unknown property', { DeletionWindow: '7' }, [`${K}.DeletionWindow`]],
    ['both spellings of one property', { Enabled: 'true', enabled: 'true' }, [`${K}.Enabled`]],
    ['an unknown spec', { Spec: 'AES_256' }, [`${K}.Spec`]],
    ['an unknown usage', { KeyUsage: 'ENCRYPT' }, [`${K}.KeyUsage`]],
    ['a symmetric signing key', { KeyUsage: 'SIGN_VERIFY' }, [`${K}.KeyUsage`]],
    ['NIST ECC for encryption', { Spec: 'ECC_NIST_P256', KeyUsage: 'ENCRYPT_DECRYPT' }, [`${K}.KeyUsage`]],
    ['secp256k1 for key agreement', { Spec: 'ECC_SECG_P256K1', KeyUsage: 'KEY_AGREEMENT' }, [`${K}.KeyUsage`]],
    ['HMAC for signing', { Spec: 'HMAC_256', KeyUsage: 'SIGN_VERIFY' }, [`${K}.KeyUsage`]],
    ['ML-DSA for encryption', { Spec: 'ML_DSA_44', KeyUsage: 'ENCRYPT_DECRYPT' }, [`${K}.KeyUsage`]],
    ['RSA for MACs', { Spec: 'RSA_3072', KeyUsage: 'GENERATE_VERIFY_MAC' }, [`${K}.KeyUsage`]],
    ['rotation on an RSA key', { Spec: 'RSA_2048', EnableKeyRotation: 'true' }, [`${K}.EnableKeyRotation`]],
    ['rotation on an HMAC key', { Spec: 'HMAC_224', EnableKeyRotation: true }, [`${K}.EnableKeyRotation`]],
    ['replicas without a Region', { ReplicaRegions: ['us-west-2'] }, [`${K}.ReplicaRegions`]],
    ['replicas with an empty Region', { Region: '', ReplicaRegions: ['*'] }, [`${K}.ReplicaRegions`]],
    ['replicas of a single-Region key', { Region: 'us-east-1', ReplicaRegions: ['us-west-2'], MultiRegion: 'false' }, [`${K}.MultiRegion`]],
    ['a malformed Region', { Region: 'us-east1' }, [`${K}.Region`]],
    ['a malformed replica Region', { Region: 'us-east-1', ReplicaRegions: ['us-west-2', 'EU-WEST-1'] }, [`${K}.ReplicaRegions[1]`]],
    ['ReplicaRegions as a string', { Region: 'us-east-1', ReplicaRegions: 'us-west-2' }, [`${K}.ReplicaRegions`]],
    ['a description over 8192 characters', { Description: 'x'.repeat(8193) }, [`${K}.Description`]],
    ['an unknown removal policy', { RemovalPolicy: 'Destroy' }, [`${K}.RemovalPolicy`]],
    ['a lower-case removal policy', { RemovalPolicy: 'retain' }, [`${K}.RemovalPolicy`]],
    ['a reserved ownership tag', { Tags: { 'MultiRegionKmsKeys:Owner': 'me' } }, [`${K}.Tags.MultiRegionKmsKeys:Owner`]],
    ['an aws: tag', { Tags: { 'AWS:cloudformation:stack-name': 'x' } }, [`${K}.Tags.AWS:cloudformation:stack-name`]],
    ['a tag key over 128 characters', { Tags: { ['k'.repeat(129)]: 'v' } }, [`${K}.Tags.${'k'.repeat(129)}`]],
    ['a tag value over 256 characters', { Tags: { t: 'v'.repeat(257) } }, [`${K}.Tags.t`]],
    ['a tag value that is a list', { Tags: { t: ['v'] } }, [`${K}.Tags.t`]],
    ['tags as a list', { Tags: [{ Key: 'a', Value: 'b' }] }, [`${K}.Tags`]],
    ['44 user tags', { Tags: Object.fromEntries(Array.from({ length: 44 }, (_, i) => [`t${i}`, 'v'])) }, [`${K}.Tags`]],
    ['an ARN without an account', { CmkAdministratorIamArns: ['arn:aws:iam:::root'] }, [`${K}.CmkAdministratorIamArns[0]`]],
    ['an ARN with an 11-digit account', { CmkAdministratorIamArns: ['arn:aws:iam::11112222333:root'] }, [`${K}.CmkAdministratorIamArns[0]`]],
    ['an ARN of an unknown partition', { CmkExternalUserIamArns: ['arn:aws-xx:iam::444455556666:root'] }, [`${K}.CmkExternalUserIamArns[0]`]],
    ['a group ARN', { CmkUserIamArns: ['arn:aws:iam::111122223333:group/devs'] }, [`${K}.CmkUserIamArns[0]`]],
    ['an account id instead of an ARN', { CmkUserIamArns: [{ Name: ['111122223333'] }] }, [`${K}.CmkUserIamArns[0].Name[0]`]],
    ['the principal * without a condition', { CmkUserIamArns: [{ Name: ['*'], Conditions: [] }] }, [`${K}.CmkUserIamArns[0].Name[0]`]],
    ['the bare principal *', { CmkReadOnlyUserIamArns: ['*'] }, [`${K}.CmkReadOnlyUserIamArns[0]`]],
    ['the principal * among administrators', { CmkAdministratorIamArns: ['*'] }, [`${K}.CmkAdministratorIamArns[0]`]],
    ['a CMKUser without principals', { CmkUserIamArns: [{ Name: [] }] }, [`${K}.CmkUserIamArns[0].Name`]],
    ['a CMKUser without Name', { CmkUserIamArns: [{ Conditions: [] }] }, [`${K}.CmkUserIamArns[0].Name`]],
    ['a CMKUser with a typo', { CmkUserIamArns: [{ Names: [ARN] }] }, [`${K}.CmkUserIamArns[0].Name`, `${K}.CmkUserIamArns[0].Names`]],
    [
      'a condition without values',
      { CmkUserIamArns: [{ Name: [ARN], Conditions: [{ Test: 'StringEquals', Variable: 'aws:SourceAccount' }] }] },
      [`${K}.CmkUserIamArns[0].Conditions[0].Values`],
    ],
    [
      'a condition with empty values',
      { CmkUserIamArns: [{ Name: [ARN], Conditions: [{ Test: 'StringEquals', Variable: 'aws:SourceAccount', Values: [] }] }] },
      [`${K}.CmkUserIamArns[0].Conditions[0].Values`],
    ],
    [
      'a condition operator with blanks',
      { CmkUserIamArns: [{ Name: [ARN], Conditions: [{ Test: 'String Equals', Variable: 'aws:SourceAccount', Values: ['1'] }] }] },
      [`${K}.CmkUserIamArns[0].Conditions[0].Test`],
    ],
    [
      'a service principal that is not a service',
      { CmkServicePrincipals: [{ Name: 'example.com', Actions: ['kms:Encrypt'] }] },
      [`${K}.CmkServicePrincipals[0].Name`],
    ],
    [
      'a service principal action outside KMS',
      { CmkServicePrincipals: [{ Name: 's3.amazonaws.com', Actions: ['s3:GetObject', 'kms:Decrypt'] }] },
      [`${K}.CmkServicePrincipals[0].Actions[0]`],
    ],
    ['a service principal without actions', { CmkServicePrincipals: [{ Name: 's3.amazonaws.com' }] }, [`${K}.CmkServicePrincipals[0].Actions`]],
    ['a key that is not an object', 'us-east-1', [K]],
  ])('refuses %s', (_label, key, paths) => {
    // Act
    const issues = keyIssues(key);

    // Assess
    expect(issues.map((i) => i.path).sort()).toEqual([...paths].sort());
  });

  it.each<[string, string]>([
    ['bad.name', 'CustomerMasterKeys.bad.name'],
    ['has space', 'CustomerMasterKeys.has space'],
    ['aws/ebs', 'CustomerMasterKeys.aws/ebs'],
    ['alias/app', 'CustomerMasterKeys.alias/app'],
    ['k'.repeat(251), `CustomerMasterKeys.${'k'.repeat(251)}`],
  ])('refuses the key name %s', (name, path) => {
    // Act
    const issues = issuesOf({ AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: { [name]: {} } });

    // Assess
    expect(issues.map((i) => i.path)).toEqual([path]);
  });

  it.each<[string]>([['alias/app'], ['aws/ebs']])('refuses the key name %s saying that the product adds alias/ itself', (name) => {
    // Act
    const issues = issuesOf({ AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: { [name]: {} } });

    // Assess
    expect(issues).toEqual([{ path: `CustomerMasterKeys.${name}`, message: expect.stringContaining('the product adds alias/ itself') }]);
  });

  it('accepts a key name whose alias is exactly 256 characters', () => {
    expect(parseProperties({ AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: { ['k'.repeat(250)]: {} } }, opts).keys).toHaveLength(1);
  });
});

describe('Function: parseProperties (invalid top-level properties)', () => {
  it.each<[string, unknown, string[]]>([
    ['a list', [], ['']],
    ['a string', 'x', ['']],
    ['no AwsAccountId', { CustomerMasterKeys: {} }, ['AwsAccountId']],
    ['no CustomerMasterKeys', { AwsAccountId: ACCOUNT_ID }, ['CustomerMasterKeys']],
    ['CustomerMasterKeys as a list', { AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: [] }, ['CustomerMasterKeys']],
    ['a short account id', { AwsAccountId: '12345', CustomerMasterKeys: {} }, ['AwsAccountId']],
    ['an unknown top-level property', { AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: {}, Keys: {} }, ['Keys']],
    ['a window of 0', { AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: {}, DefaultDeletionWindowInDays: '0' }, ['DefaultDeletionWindowInDays']],
    [
      'an unknown default spec',
      { AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: {}, DefaultCustomerMasterKeySpec: 'RSA_1024' },
      ['DefaultCustomerMasterKeySpec'],
    ],
    ['"no" as the rotation default', { AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: {}, DefaultEnableKeyRotation: 'no' }, ['DefaultEnableKeyRotation']],
    ['a rotation default of 30', { AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: {}, DefaultRotationPeriodInDays: 30 }, ['DefaultRotationPeriodInDays']],
    [
      'a reserved global tag',
      { AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: {}, GlobalTags: { 'MultiRegionKmsKeys:x': 'y' } },
      ['GlobalTags.MultiRegionKmsKeys:x'],
    ],
    ['a malformed opt-in Region', { AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: {}, OptInRegions: ['us-east-1', '*'] }, ['OptInRegions[1]']],
    ['OptInRegions as a comma-separated string', { AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: {}, OptInRegions: 'us-east-1,us-west-2' }, ['OptInRegions']],
    [
      'a ReturnAttributes pattern with a blank',
      { AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: {}, ReturnAttributes: ['KeyArns .*'] },
      ['ReturnAttributes[0]'],
    ],
    ['AdoptExistingKeys "1"', { AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: {}, AdoptExistingKeys: '1' }, ['AdoptExistingKeys']],
    ['both spellings of CustomerMasterKeys', { AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: {}, customer_master_keys: {} }, ['CustomerMasterKeys']],
    ['a snake_case ServiceToken', { AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: {}, service_token: 'x' }, ['service_token']],
  ])('refuses %s', (_label, raw, paths) => {
    // Act
    const issues = issuesOf(raw);

    // Assess
    expect(issues.map((i) => i.path).sort()).toEqual([...paths].sort());
  });
});

describe('Function: parseProperties (messages)', () => {
  it('names the range and the value', () => {
    expect(keyIssues({ DeletionWindowInDays: '3' })).toEqual([{ path: `${K}.DeletionWindowInDays`, message: 'must be 7–30, got 3' }]);
    expect(keyIssues({ DeletionWindowInDays: '30 days' })[0]!.message).toBe('must be an integer 7–30, got "30 days"');
    expect(keyIssues({ Enabled: 'yes' })[0]!.message).toBe('must be true or false, got "yes"');
  });

  it('names both account ids when AwsAccountId is another account', () => {
    // Act
    const issues = issuesOf({ AwsAccountId: '444455556666', CustomerMasterKeys: {} });

    // Assess
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe('AwsAccountId');
    expect(issues[0]!.message).toContain('444455556666');
    expect(issues[0]!.message).toContain(ACCOUNT_ID);
  });

  it.each([
    ['DeletionWindow', 'did you mean DeletionWindowInDays?'],
    ['deletionWindowInDays', 'did you mean DeletionWindowInDays?'],
    ['deletion_window_days', 'did you mean deletion_window_in_days?'],
    ['ReplicaRegion', 'did you mean ReplicaRegions?'],
    ['cmk_user_iam_arn', 'did you mean cmk_user_iam_arns?'],
  ])('suggests the property meant by %s', (typo, suggestion) => {
    expect(keyIssues({ [typo]: 'x' })[0]!.message).toContain(suggestion);
  });

  it('does not suggest anything for a name far from every property', () => {
    expect(keyIssues({ Frobnicate: 'x' })[0]!.message).toBe('is not a known property');
  });

  it('reports both spellings of a property by their names', () => {
    expect(keyIssues({ DeletionWindowInDays: 7, deletion_window_in_days: 7 })[0]!.message).toContain('DeletionWindowInDays and as deletion_window_in_days');
  });

  it('reports every issue of a template at once', () => {
    // Prepare
    const raw = {
      AwsAccountId: '444455556666',
      DefaultDeletionWindowInDays: '90',
      Typo: true,
      CustomerMasterKeys: {
        a: { Region: 'us-east-1', Spec: 'ECC_NIST_P256', KeyUsage: 'ENCRYPT_DECRYPT', EnableKeyRotation: 'yes' },
        b: { ReplicaRegions: ['us-west-2'], Tags: { 'aws:x': 'y' }, CmkUserIamArns: ['*'] },
      },
    };

    // Act
    const issues = issuesOf(raw);

    // Assess
    expect(issues.map((i) => i.path).sort()).toEqual(
      [
        'AwsAccountId',
        'DefaultDeletionWindowInDays',
        'Typo',
        'CustomerMasterKeys.a.KeyUsage',
        'CustomerMasterKeys.a.EnableKeyRotation',
        'CustomerMasterKeys.b.ReplicaRegions',
        'CustomerMasterKeys.b.Tags.aws:x',
        'CustomerMasterKeys.b.CmkUserIamArns[0]',
      ].sort(),
    );
  });

  it('uses PascalCase paths for the Terraform spelling too', () => {
    // Act
    const issues = issuesOf({ aws_account_id: ACCOUNT_ID, customer_master_keys: { k: { deletion_window_in_days: '3' } } });

    // Assess
    expect(issues.map((i) => i.path)).toEqual([`${K}.DeletionWindowInDays`]);
  });
});
