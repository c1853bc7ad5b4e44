import { hostileKeyMaterial } from '../../bench/reliability/hostileKeyMaterial.ts';
import { ValidationError, type ValidationIssue } from '../../lib/errors.ts';
import { parseProperties } from '../../lib/properties/index.ts';
import { ACCOUNT_ID } from './fixtures.ts';

const SECRET = `arn:aws:secretsmanager:us-east-1:${ACCOUNT_ID}:secret:byok/material-AbCdEf`;
const NOW = Date.parse('2027-01-01T00:00:00Z');
const STORE = 'cks-0123456789abcdef0';
const opts = { accountId: ACCOUNT_ID, now: NOW };

function withKey(key: Record<string, unknown>): Record<string, unknown> {
  return { AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: { 'cmk-byok': { Region: 'us-east-1', ...key } } };
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

describe('Function: parseProperties (Origin, KeyMaterial)', () => {
  it('reads an EXTERNAL multi-Region key with its secret and expiry, rotation off', () => {
    // Act
    const [key] = parseProperties(
      withKey({ ReplicaRegions: ['eu-west-1'], Origin: 'EXTERNAL', KeyMaterial: { SecretArn: SECRET, ValidTo: '2027-06-30T12:00:00.750+02:00' } }),
      opts,
    ).keys;

    // Assess
    expect(key).toMatchObject({
      origin: 'EXTERNAL',
      keyMaterial: { secretArn: SECRET, validTo: '2027-06-30T10:00:00.000Z' },
      enableKeyRotation: false,
      multiRegion: true,
    });
  });

  it('reads the Terraform spelling the same, and leaves AWS_KMS keys as they were', () => {
    // Act
    const snake = parseProperties(
      { aws_account_id: ACCOUNT_ID, customer_master_keys: { 'cmk-byok': { region: 'us-east-1', origin: 'EXTERNAL', key_material: { secret_arn: SECRET } } } },
      opts,
    ).keys[0];
    const plain = parseProperties(withKey({ Origin: 'AWS_KMS' }), opts).keys[0];

    // Assess
    expect(snake).toMatchObject({ origin: 'EXTERNAL', keyMaterial: { secretArn: SECRET, validTo: null } });
    expect(plain?.origin).toBeUndefined();
    expect(plain?.keyMaterial).toBeUndefined();
  });

  it('reads KeyMaterial.AllowRotation in both spellings and as CloudFormation strings; absent is false', () => {
    // Act
    const read = (keyMaterial: Record<string, unknown>) =>
      parseProperties(withKey({ Origin: 'EXTERNAL', KeyMaterial: { SecretArn: SECRET, ...keyMaterial } }), opts).keys[0]?.keyMaterial?.allowRotation;
    const values = [read({ AllowRotation: true }), read({ allow_rotation: 'true' }), read({ AllowRotation: 'false' }), read({})];

    // Assess
    expect(values).toEqual([true, true, false, false]);
  });

  it('refuses AllowRotation that is no boolean, and on a key KMS cannot rotate, naming its path', () => {
    // Act
    const notBoolean = issuesOf(withKey({ Origin: 'EXTERNAL', KeyMaterial: { SecretArn: SECRET, AllowRotation: 'yes' } }));
    const hmac = issuesOf(withKey({ Origin: 'EXTERNAL', Spec: 'HMAC_256', KeyMaterial: { SecretArn: SECRET, AllowRotation: true } }));

    // Assess
    expect(notBoolean.map((i) => i.path)).toEqual(['CustomerMasterKeys.cmk-byok.KeyMaterial.AllowRotation']);
    expect(hmac).toContainEqual({
      path: 'CustomerMasterKeys.cmk-byok.KeyMaterial.AllowRotation',
      message: 'needs Spec SYMMETRIC_DEFAULT (got HMAC_256): KMS rotates imported material on demand only in symmetric encryption keys',
    });
  });

  it('accepts an EXTERNAL key without KeyMaterial (left PendingImport), single-Region', () => {
    // Act
    const [key] = parseProperties(withKey({ Origin: 'EXTERNAL', Spec: 'HMAC_256' }), opts).keys;

    // Assess
    expect(key).toMatchObject({ origin: 'EXTERNAL', spec: 'HMAC_256' });
    expect(key?.keyMaterial).toBeUndefined();
  });

  it.each([
    ['HMAC_224', 'GENERATE_VERIFY_MAC'],
    ['HMAC_512', 'GENERATE_VERIFY_MAC'],
    ['RSA_3072', 'SIGN_VERIFY'],
    ['RSA_4096', 'ENCRYPT_DECRYPT'],
    ['ECC_NIST_P384', 'SIGN_VERIFY'],
    ['ECC_SECG_P256K1', 'SIGN_VERIFY'],
  ])('accepts KeyMaterial on an EXTERNAL %s key: KMS imports HMAC and asymmetric material too', (spec, usage) => {
    // Act
    const issues = issuesOf(withKey({ Origin: 'EXTERNAL', Spec: spec, KeyUsage: usage, KeyMaterial: { SecretArn: SECRET } }));

    // Assess
    expect(issues).toEqual([]);
  });

  it.each([
    [{ Origin: 'KMS' }, 'CustomerMasterKeys.cmk-byok.Origin', 'must be one of'],
    [{ Origin: 'AWS_CLOUDHSM' }, 'CustomerMasterKeys.cmk-byok.CustomKeyStoreIds', 'is required with Origin AWS_CLOUDHSM'],
    [
      { Origin: 'AWS_CLOUDHSM', CustomKeyStoreIds: { 'eu-west-1': STORE } },
      'CustomerMasterKeys.cmk-byok.CustomKeyStoreIds',
      'names no custom key store for us-east-1',
    ],
    [
      { Origin: 'AWS_CLOUDHSM', CustomKeyStoreIds: { 'us-east-1': 'store-1' } },
      'CustomerMasterKeys.cmk-byok.CustomKeyStoreIds.us-east-1',
      'cks- and 17 hex digits',
    ],
    [
      { Origin: 'AWS_CLOUDHSM', CustomKeyStoreIds: { 'us-east-1': STORE }, ReplicaRegions: ['eu-west-1'] },
      'CustomerMasterKeys.cmk-byok.Origin',
      'single-Region',
    ],
    [{ Origin: 'AWS_CLOUDHSM', CustomKeyStoreIds: { 'us-east-1': STORE }, Spec: 'HMAC_256' }, 'CustomerMasterKeys.cmk-byok.Origin', 'SYMMETRIC_DEFAULT'],
    [
      { Origin: 'AWS_CLOUDHSM', CustomKeyStoreIds: { 'us-east-1': STORE }, EnableKeyRotation: true },
      'CustomerMasterKeys.cmk-byok.EnableKeyRotation',
      'custom key stores',
    ],
    [
      { Origin: 'AWS_CLOUDHSM', CustomKeyStoreIds: { 'us-east-1': STORE }, XksKeyIds: { 'us-east-1': 'k' } },
      'CustomerMasterKeys.cmk-byok.XksKeyIds',
      'EXTERNAL_KEY_STORE only',
    ],
    [
      { Origin: 'EXTERNAL_KEY_STORE', CustomKeyStoreIds: { 'us-east-1': STORE } },
      'CustomerMasterKeys.cmk-byok.XksKeyIds',
      'is required with Origin EXTERNAL_KEY_STORE',
    ],
    [
      { Origin: 'EXTERNAL_KEY_STORE', CustomKeyStoreIds: { 'us-east-1': STORE }, XksKeyIds: { 'eu-west-1': 'k' } },
      'CustomerMasterKeys.cmk-byok.XksKeyIds',
      'names no external key for us-east-1',
    ],
    [{ CustomKeyStoreIds: { 'us-east-1': STORE } }, 'CustomerMasterKeys.cmk-byok.CustomKeyStoreIds', 'needs Origin AWS_CLOUDHSM or EXTERNAL_KEY_STORE'],
    [{ KeyMaterial: { SecretArn: SECRET } }, 'CustomerMasterKeys.cmk-byok.KeyMaterial', 'needs Origin: EXTERNAL'],
    [{ Origin: 'EXTERNAL', KeyMaterial: {} }, 'CustomerMasterKeys.cmk-byok.KeyMaterial.SecretArn', 'is required'],
    [{ Origin: 'EXTERNAL', KeyMaterial: { SecretArn: 'byok/material' } }, 'CustomerMasterKeys.cmk-byok.KeyMaterial.SecretArn', 'full ARN'],
    [{ Origin: 'EXTERNAL', KeyMaterial: { SecretArn: SECRET, ValidTo: '2027-06-30' } }, 'CustomerMasterKeys.cmk-byok.KeyMaterial.ValidTo', 'ISO 8601'],
    [
      { Origin: 'EXTERNAL', KeyMaterial: { SecretArn: SECRET, ValidTo: '2026-06-30T00:00:00Z' } },
      'CustomerMasterKeys.cmk-byok.KeyMaterial.ValidTo',
      'in the past',
    ],
    [{ Origin: 'EXTERNAL', KeyMaterial: { SecretArn: SECRET, Material: 'AAAA' } }, 'CustomerMasterKeys.cmk-byok.KeyMaterial.Material', 'not a known property'],
    [{ Origin: 'EXTERNAL', Spec: 'ML_DSA_44', KeyUsage: 'SIGN_VERIFY', KeyMaterial: { SecretArn: SECRET } }, 'CustomerMasterKeys.cmk-byok.Origin', 'ML-DSA'],
    [{ Origin: 'EXTERNAL', Spec: 'ML_DSA_65' }, 'CustomerMasterKeys.cmk-byok.Origin', 'ML-DSA'],
    [
      { Origin: 'EXTERNAL', EnableKeyRotation: true, KeyMaterial: { SecretArn: SECRET } },
      'CustomerMasterKeys.cmk-byok.EnableKeyRotation',
      'never rotates imported',
    ],
    [{ Origin: 'EXTERNAL', ReplicaRegions: ['eu-west-1'] }, 'CustomerMasterKeys.cmk-byok.KeyMaterial', 'is required with Origin: EXTERNAL and ReplicaRegions'],
    [
      { Origin: 'EXTERNAL', Grants: { app: { GranteePrincipal: `arn:aws:iam::${ACCOUNT_ID}:role/app`, GrantedOperations: ['Decrypt'] } } },
      'CustomerMasterKeys.cmk-byok.Grants',
      'pending import',
    ],
  ])('refuses %j at its path, before any call', (key, path, message) => {
    // Act
    const issues = issuesOf(withKey(key));

    // Assess
    expect(issues).toEqual(expect.arrayContaining([expect.objectContaining({ path, message: expect.stringContaining(message) })]));
  });

  it('reads keys in custom key stores: the store per Region, and the external key for XKS', () => {
    // Act
    const [hsm, xks] = parseProperties(
      {
        AwsAccountId: ACCOUNT_ID,
        CustomerMasterKeys: {
          'cmk-hsm': { Region: '', Origin: 'AWS_CLOUDHSM', CustomKeyStoreIds: { 'us-east-1': STORE } },
          'cmk-xks': { region: 'us-east-1', origin: 'EXTERNAL_KEY_STORE', custom_key_store_ids: { 'us-east-1': STORE }, xks_key_ids: { 'us-east-1': 'ext-1' } },
        },
      },
      opts,
    ).keys;

    // Assess
    expect(hsm).toMatchObject({ origin: 'AWS_CLOUDHSM', customKeyStoreIds: { 'us-east-1': STORE }, enableKeyRotation: false });
    expect(xks).toMatchObject({ origin: 'EXTERNAL_KEY_STORE', customKeyStoreIds: { 'us-east-1': STORE }, xksKeyIds: { 'us-east-1': 'ext-1' } });
  });

  it('counts the secret tag against the 50-tag limit of a key with KeyMaterial', () => {
    // Prepare
    const tags = Object.fromEntries(Array.from({ length: 42 }, (_, i) => [`t${i}`, 'v']));

    // Act
    const issues = issuesOf(withKey({ Origin: 'EXTERNAL', KeyMaterial: { SecretArn: SECRET }, Tags: tags }));

    // Assess
    expect(issues).toEqual([expect.objectContaining({ path: 'CustomerMasterKeys.cmk-byok.Tags', message: expect.stringContaining('at most 41') })]);
  });
});

describe('Function: parseProperties (hostile Origin and KeyMaterial corpus)', () => {
  it('refuses every input of the corpus naming one of its paths, without repeating a material value', () => {
    // Prepare
    const corpus = hostileKeyMaterial();

    // Act
    const outcomes = corpus.map((input) => {
      const issues = issuesOf(input.properties);
      const text = issues.map((i) => `${i.path}: ${i.message}`).join('\n');
      return {
        name: input.name,
        named: input.expectPaths.some((path) => issues.some((i) => i.path === path)),
        echoesMaterial: text.includes('q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA='),
      };
    });

    // Assess
    expect(corpus.length).toBeGreaterThanOrEqual(20);
    expect(outcomes.filter((o) => !o.named)).toEqual([]);
    expect(outcomes.filter((o) => o.echoesMaterial).map((o) => o.name)).toEqual([]);
  });
});
