import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  GetKeyPolicyCommand,
  ListAliasesCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateKeyDescriptionCommand,
} from '@aws-sdk/client-kms';
import { ACCOUNT, expectKmsError, type Harness, startHarness } from './harness.ts';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('Function: CreateKey / DescribeKey', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('creates a symmetric key with a UUID v4 id, key ARN and full KeyMetadata', async () => {
    // Act
    const { KeyMetadata: m } = await h.kms('eu-west-1').send(new CreateKeyCommand({ Description: 'd' }));
    // Assess
    expect(m!.KeyId).toMatch(UUID_V4);
    expect(m).toMatchObject({
      AWSAccountId: ACCOUNT,
      Arn: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/${m!.KeyId}`,
      Enabled: true,
      Description: 'd',
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeyState: 'Enabled',
      Origin: 'AWS_KMS',
      KeyManager: 'CUSTOMER',
      KeySpec: 'SYMMETRIC_DEFAULT',
      EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
      MultiRegion: false,
    });
    expect(m!.CreationDate).toBeInstanceOf(Date);
    expect(Math.abs(m!.CreationDate!.getTime() - Date.now())).toBeLessThan(5000);
    expect(m!.MultiRegionConfiguration).toBeUndefined();
  });

  it('creates a multi-Region key with an mrk- id', async () => {
    // Act
    const { KeyMetadata: m } = await h.kms('us-east-1').send(new CreateKeyCommand({ MultiRegion: true }));
    // Assess
    expect(m!.KeyId).toMatch(/^mrk-[0-9a-f]{32}$/);
    expect(m!.MultiRegionConfiguration).toEqual({
      MultiRegionKeyType: 'PRIMARY',
      PrimaryKey: { Arn: m!.Arn, Region: 'us-east-1' },
      ReplicaKeys: [],
    });
  });

  it('reports the algorithms of each spec and usage', async () => {
    // Act
    const kms = h.kms('us-east-1');
    const rsa = await kms.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }));
    const hmac = await kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }));
    const ecdh = await kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'KEY_AGREEMENT' }));
    // Assess
    expect(rsa.KeyMetadata!.SigningAlgorithms).toContain('RSASSA_PSS_SHA_256');
    expect(hmac.KeyMetadata!.MacAlgorithms).toEqual(['HMAC_SHA_256']);
    expect(ecdh.KeyMetadata!.KeyAgreementAlgorithms).toEqual(['ECDH']);
    expect(rsa.KeyMetadata!.EncryptionAlgorithms).toBeUndefined();
  });

  it('attaches the default policy (account root kms:*) when Policy is absent', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const { KeyMetadata: m } = await kms.send(new CreateKeyCommand({}));
    // Act
    const { Policy, PolicyName } = await kms.send(new GetKeyPolicyCommand({ KeyId: m!.KeyId }));
    // Assess
    expect(PolicyName).toBe('default');
    expect(JSON.parse(Policy!).Statement).toEqual([
      { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
    ]);
  });

  it('refuses an incompatible KeySpec / KeyUsage pair with ValidationException', async () => {
    // Act & Assess
    await expectKmsError(h.kms('us-east-1').send(new CreateKeyCommand({ KeySpec: 'HMAC_256' })), 'ValidationException', /not compatible/);
    await expectKmsError(h.kms('us-east-1').send(new CreateKeyCommand({ KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'SIGN_VERIFY' })), 'ValidationException');
  });

  it('refuses a description over 8192 characters with ValidationException', async () => {
    // Act & Assess
    await expectKmsError(
      h.kms('us-east-1').send(new CreateKeyCommand({ Description: 'x'.repeat(8193) })),
      'ValidationException',
      /at 'description' failed to satisfy constraint: Member must have length less than or equal to 8192/,
    );
  });

  it('refuses more than 50 tags with TagException and reserved aws: tags', async () => {
    // Prepare
    const tags = Array.from({ length: 51 }, (_, i) => ({ TagKey: `k${i}`, TagValue: 'v' }));
    // Act & Assess
    await expectKmsError(h.kms('us-east-1').send(new CreateKeyCommand({ Tags: tags })), 'TagException');
    await expectKmsError(h.kms('us-east-1').send(new CreateKeyCommand({ Tags: [{ TagKey: 'aws:x', TagValue: 'v' }] })), 'TagException');
  });

  it('finds a key by id, key ARN, alias name and alias ARN', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const { KeyMetadata: m } = await kms.send(new CreateKeyCommand({}));
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/by-alias', TargetKeyId: m!.KeyId }));
    // Act
    const ids = await Promise.all(
      [m!.KeyId!, m!.Arn!, 'alias/by-alias', `arn:aws:kms:us-east-1:${ACCOUNT}:alias/by-alias`].map(
        async (KeyId) => (await kms.send(new DescribeKeyCommand({ KeyId }))).KeyMetadata!.KeyId,
      ),
    );
    // Assess
    expect(ids).toEqual([m!.KeyId, m!.KeyId, m!.KeyId, m!.KeyId]);
  });

  it('answers NotFoundException / InvalidArnException for unknown or malformed identifiers', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const { KeyMetadata: m } = await kms.send(new CreateKeyCommand({}));
    // Act & Assess
    await expectKmsError(kms.send(new DescribeKeyCommand({ KeyId: 'not-a-key' })), 'NotFoundException', 'Invalid keyId not-a-key');
    await expectKmsError(kms.send(new DescribeKeyCommand({ KeyId: 'arn:aws:kms:us-east-1:bad' })), 'InvalidArnException');
    await expectKmsError(
      h.kms('eu-west-1').send(new DescribeKeyCommand({ KeyId: m!.KeyId })),
      'NotFoundException',
      `Key 'arn:aws:kms:eu-west-1:${ACCOUNT}:key/${m!.KeyId}' does not exist`,
    );
    await expectKmsError(h.kms('eu-west-1').send(new DescribeKeyCommand({ KeyId: m!.Arn })), 'NotFoundException');
  });

  it('accepts only key id or key ARN in management operations', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const { KeyMetadata: m } = await kms.send(new CreateKeyCommand({}));
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/mgmt', TargetKeyId: m!.KeyId }));
    // Act & Assess
    await expectKmsError(kms.send(new DisableKeyCommand({ KeyId: 'alias/mgmt' })), 'NotFoundException');
    await kms.send(new DisableKeyCommand({ KeyId: m!.Arn }));
  });
});

describe('Function: ListKeys / EnableKey / DisableKey / UpdateKeyDescription', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ regions: ['us-east-1', 'eu-west-1'] });
  });
  afterAll(async () => {
    await h.close();
  });

  it('pages through every key with Limit, Truncated and NextMarker', async () => {
    // Prepare
    const kms = h.kms('eu-west-1');
    for (let i = 0; i < 5; i += 1) await kms.send(new CreateKeyCommand({}));
    // Act
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await kms.send(new ListKeysCommand({ Limit: 2, Marker: marker }));
      seen.push(...page.Keys!.map((k) => k.KeyId!));
      marker = page.Truncated ? page.NextMarker : undefined;
      pages += 1;
    } while (marker);
    // Assess: 5 keys + the AWS managed key behind alias/aws/s3
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(6);
    expect(pages).toBe(3);
  });

  it('refuses Limit out of 1–1000 with ValidationException and a bad Marker with InvalidMarkerException', async () => {
    // Act & Assess
    await expectKmsError(h.kms('eu-west-1').send(new ListKeysCommand({ Limit: 1001 })), 'ValidationException');
    await expectKmsError(h.kms('eu-west-1').send(new ListKeysCommand({ Marker: 'bm9wZQ==x' })), 'InvalidMarkerException');
  });

  it('disables and enables a key', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const { KeyMetadata: m } = await kms.send(new CreateKeyCommand({}));
    // Act
    await kms.send(new DisableKeyCommand({ KeyId: m!.KeyId }));
    const disabled = (await kms.send(new DescribeKeyCommand({ KeyId: m!.KeyId }))).KeyMetadata!;
    await kms.send(new EnableKeyCommand({ KeyId: m!.KeyId }));
    const enabled = (await kms.send(new DescribeKeyCommand({ KeyId: m!.KeyId }))).KeyMetadata!;
    // Assess
    expect(disabled).toMatchObject({ KeyState: 'Disabled', Enabled: false });
    expect(enabled).toMatchObject({ KeyState: 'Enabled', Enabled: true });
  });

  it('updates the description', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const { KeyMetadata: m } = await kms.send(new CreateKeyCommand({ Description: 'old' }));
    // Act
    await kms.send(new UpdateKeyDescriptionCommand({ KeyId: m!.KeyId, Description: 'new' }));
    // Assess
    expect((await kms.send(new DescribeKeyCommand({ KeyId: m!.KeyId }))).KeyMetadata!.Description).toBe('new');
  });
});

describe('Function: TagResource / UntagResource / ListResourceTags', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ regions: ['us-east-1'] });
  });
  afterAll(async () => {
    await h.close();
  });

  it('adds, overwrites, removes and lists tags with pagination', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const { KeyMetadata: m } = await kms.send(new CreateKeyCommand({ Tags: [{ TagKey: 'a', TagValue: '1' }] }));
    // Act
    await kms.send(
      new TagResourceCommand({
        KeyId: m!.KeyId,
        Tags: [
          { TagKey: 'a', TagValue: '2' },
          { TagKey: 'b', TagValue: '3' },
          { TagKey: 'c', TagValue: '' },
        ],
      }),
    );
    await kms.send(new UntagResourceCommand({ KeyId: m!.KeyId, TagKeys: ['c', 'absent'] }));
    const first = await kms.send(new ListResourceTagsCommand({ KeyId: m!.KeyId, Limit: 1 }));
    const second = await kms.send(new ListResourceTagsCommand({ KeyId: m!.KeyId, Limit: 1, Marker: first.NextMarker }));
    // Assess
    expect(first).toMatchObject({ Tags: [{ TagKey: 'a', TagValue: '2' }], Truncated: true });
    expect(second).toMatchObject({ Tags: [{ TagKey: 'b', TagValue: '3' }], Truncated: false });
    expect(second.NextMarker).toBeUndefined();
  });

  it('refuses to go over 50 tags with LimitExceededException', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const tags = Array.from({ length: 50 }, (_, i) => ({ TagKey: `k${i}`, TagValue: 'v' }));
    const { KeyMetadata: m } = await kms.send(new CreateKeyCommand({ Tags: tags }));
    // Act & Assess
    await expectKmsError(kms.send(new TagResourceCommand({ KeyId: m!.KeyId, Tags: [{ TagKey: 'one-more', TagValue: 'v' }] })), 'LimitExceededException');
    await kms.send(new TagResourceCommand({ KeyId: m!.KeyId, Tags: [{ TagKey: 'k0', TagValue: 'replaced' }] }));
  });

  it('refuses reading or changing tags of the AWS managed key behind alias/aws/s3', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const { Aliases } = await kms.send(new ListAliasesCommand({}));
    const s3 = Aliases!.find((a) => a.AliasName === 'alias/aws/s3')!;
    const managed = (await kms.send(new DescribeKeyCommand({ KeyId: 'alias/aws/s3' }))).KeyMetadata!;
    // Act & Assess
    expect(managed.KeyManager).toBe('AWS');
    expect(managed.KeyId).toBe(s3.TargetKeyId);
    await expectKmsError(kms.send(new ListResourceTagsCommand({ KeyId: s3.TargetKeyId })), 'AccessDeniedException');
    await expectKmsError(kms.send(new TagResourceCommand({ KeyId: s3.TargetKeyId, Tags: [{ TagKey: 'x', TagValue: 'y' }] })), 'AccessDeniedException');
  });
});
