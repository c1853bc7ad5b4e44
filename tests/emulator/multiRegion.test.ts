import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GetKeyRotationStatusCommand,
  ReplicateKeyCommand,
  UpdatePrimaryRegionCommand,
} from '@aws-sdk/client-kms';
import { ACCOUNT, expectKmsError, type Harness, sleep, startHarness } from './harness.ts';

describe('Function: ReplicateKey / UpdatePrimaryRegion', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'], replicaCreatingMs: 150 });
  });
  afterAll(async () => {
    await h.close();
  });

  async function newPrimary(): Promise<{ keyId: string; arn: string }> {
    const { KeyMetadata: m } = await h.kms('us-east-1').send(new CreateKeyCommand({ MultiRegion: true }));
    return { keyId: m!.KeyId!, arn: m!.Arn! };
  }

  it('creates a replica in Creating that becomes Enabled after replicaCreatingMs', async () => {
    // Prepare
    const { keyId } = await newPrimary();
    // Act
    const result = await h
      .kms('us-east-1')
      .send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'eu-west-1', Description: 'replica', Tags: [{ TagKey: 't', TagValue: 'v' }] }));
    const creating = (await h.kms('eu-west-1').send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
    await sleep(200);
    const enabled = (await h.kms('eu-west-1').send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
    // Assess
    expect(result.ReplicaKeyMetadata).toMatchObject({
      KeyId: keyId,
      Arn: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/${keyId}`,
      KeyState: 'Creating',
      Description: 'replica',
    });
    expect(result.ReplicaTags).toEqual([{ TagKey: 't', TagValue: 'v' }]);
    expect(JSON.parse(result.ReplicaPolicy!).Statement[0].Principal.AWS).toBe(`arn:aws:iam::${ACCOUNT}:root`);
    expect(creating.KeyState).toBe('Creating');
    expect(enabled).toMatchObject({ KeyState: 'Enabled', Enabled: true });
  });

  it('reports PRIMARY with its ReplicaKeys and REPLICA with its PrimaryKey', async () => {
    // Prepare
    const { keyId, arn } = await newPrimary();
    await h.kms('us-east-1').send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'eu-west-1' }));
    await h.kms('us-east-1').send(new ReplicateKeyCommand({ KeyId: arn, ReplicaRegion: 'ap-southeast-2' }));
    // Act
    const primary = (await h.kms('us-east-1').send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
    const replica = (await h.kms('eu-west-1').send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
    // Assess
    const replicaKeys = [
      { Arn: `arn:aws:kms:ap-southeast-2:${ACCOUNT}:key/${keyId}`, Region: 'ap-southeast-2' },
      { Arn: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/${keyId}`, Region: 'eu-west-1' },
    ];
    expect(primary.MultiRegionConfiguration).toEqual({
      MultiRegionKeyType: 'PRIMARY',
      PrimaryKey: { Arn: arn, Region: 'us-east-1' },
      ReplicaKeys: replicaKeys,
    });
    expect(replica.MultiRegionConfiguration).toEqual({
      MultiRegionKeyType: 'REPLICA',
      PrimaryKey: { Arn: arn, Region: 'us-east-1' },
      ReplicaKeys: replicaKeys,
    });
  });

  it('refuses a second replica in the same Region with AlreadyExistsException', async () => {
    // Prepare
    const { keyId } = await newPrimary();
    await h.kms('us-east-1').send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'eu-west-1' }));
    // Act & Assess
    await expectKmsError(h.kms('us-east-1').send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'eu-west-1' })), 'AlreadyExistsException');
    await expectKmsError(h.kms('us-east-1').send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'us-east-1' })), 'AlreadyExistsException');
  });

  it('refuses to replicate a single-Region key or a replica with UnsupportedOperationException', async () => {
    // Prepare
    const single = (await h.kms('us-east-1').send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const { keyId } = await newPrimary();
    await h.kms('us-east-1').send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'eu-west-1' }));
    // Act & Assess
    await expectKmsError(h.kms('us-east-1').send(new ReplicateKeyCommand({ KeyId: single, ReplicaRegion: 'eu-west-1' })), 'UnsupportedOperationException');
    await expectKmsError(h.kms('eu-west-1').send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'ap-southeast-2' })), 'UnsupportedOperationException');
  });

  it('refuses a malformed or disabled replica Region with ValidationException', async () => {
    // Prepare
    const { keyId } = await newPrimary();
    // Act & Assess
    await expectKmsError(h.kms('us-east-1').send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'mars' })), 'ValidationException');
    await expectKmsError(h.kms('us-east-1').send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'af-south-1' })), 'ValidationException');
  });

  it('moves the primary to a replica Region with UpdatePrimaryRegion', async () => {
    // Prepare
    const { keyId } = await newPrimary();
    await h.kms('us-east-1').send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'eu-west-1' }));
    await sleep(200);
    // Act
    await h.kms('us-east-1').send(new UpdatePrimaryRegionCommand({ KeyId: keyId, PrimaryRegion: 'eu-west-1' }));
    const old = (await h.kms('us-east-1').send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
    const now = (await h.kms('eu-west-1').send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
    // Assess
    expect(old.MultiRegionConfiguration!.MultiRegionKeyType).toBe('REPLICA');
    expect(now.MultiRegionConfiguration).toMatchObject({
      MultiRegionKeyType: 'PRIMARY',
      PrimaryKey: { Region: 'eu-west-1' },
      ReplicaKeys: [{ Arn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/${keyId}`, Region: 'us-east-1' }],
    });
  });

  it('refuses UpdatePrimaryRegion without a replica there, and on a Creating replica', async () => {
    // Prepare
    const { keyId } = await newPrimary();
    await h.kms('us-east-1').send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'eu-west-1' }));
    // Act & Assess
    await expectKmsError(h.kms('us-east-1').send(new UpdatePrimaryRegionCommand({ KeyId: keyId, PrimaryRegion: 'ap-southeast-2' })), 'NotFoundException');
    await expectKmsError(
      h.kms('us-east-1').send(new UpdatePrimaryRegionCommand({ KeyId: keyId, PrimaryRegion: 'eu-west-1' })),
      'KMSInvalidStateException',
      /is creating\./,
    );
  });

  it('decrypts in eu-west-1 with the replica what was encrypted in us-east-1', async () => {
    // Prepare
    const { keyId } = await newPrimary();
    await h.kms('us-east-1').send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'eu-west-1' }));
    const encrypted = await h.kms('us-east-1').send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('secret'), EncryptionContext: { app: 'x' } }));
    await sleep(200);
    // Act
    const decrypted = await h.kms('eu-west-1').send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: { app: 'x' } }));
    // Assess
    expect(Buffer.from(decrypted.Plaintext!).toString()).toBe('secret');
    expect(decrypted.KeyId).toBe(`arn:aws:kms:eu-west-1:${ACCOUNT}:key/${keyId}`);
  });

  it('refuses to encrypt with a replica still Creating', async () => {
    // Prepare
    const { keyId } = await newPrimary();
    await h.kms('us-east-1').send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'eu-west-1' }));
    // Act & Assess
    await expectKmsError(h.kms('eu-west-1').send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') })), 'KMSInvalidStateException');
  });
});

describe('Function: EnableKeyRotation / DisableKeyRotation / GetKeyRotationStatus', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ regions: ['us-east-1', 'eu-west-1'], replicaCreatingMs: 0 });
  });
  afterAll(async () => {
    await h.close();
  });

  it('enables rotation with a period and reports it, then disables it', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    // Act
    await kms.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 180 }));
    const on = await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
    await kms.send(new DisableKeyRotationCommand({ KeyId: keyId }));
    const off = await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
    // Assess
    expect(on).toMatchObject({ KeyRotationEnabled: true, RotationPeriodInDays: 180 });
    expect(on.NextRotationDate).toBeInstanceOf(Date);
    expect(off.KeyRotationEnabled).toBe(false);
    expect(off.RotationPeriodInDays).toBeUndefined();
  });

  it('defaults the period to 365 days and refuses periods outside 90–2560', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    // Act
    await kms.send(new EnableKeyRotationCommand({ KeyId: keyId }));
    // Assess
    expect((await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }))).RotationPeriodInDays).toBe(365);
    await expectKmsError(
      kms.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 89 })),
      'ValidationException',
      /greater than or equal to 90/,
    );
    await expectKmsError(kms.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 2561 })), 'ValidationException');
  });

  it('refuses rotation of asymmetric and HMAC keys with UnsupportedOperationException', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const rsa = (await kms.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!.KeyId!;
    const hmac = (await kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }))).KeyMetadata!.KeyId!;
    // Act & Assess
    await expectKmsError(kms.send(new EnableKeyRotationCommand({ KeyId: rsa })), 'UnsupportedOperationException');
    await expectKmsError(kms.send(new EnableKeyRotationCommand({ KeyId: hmac })), 'UnsupportedOperationException');
    await expectKmsError(kms.send(new GetKeyRotationStatusCommand({ KeyId: rsa })), 'UnsupportedOperationException');
  });

  it('refuses rotation changes on a replica, which reports its primary’s setting', async () => {
    // Prepare
    const keyId = (await h.kms('us-east-1').send(new CreateKeyCommand({ MultiRegion: true }))).KeyMetadata!.KeyId!;
    await h.kms('us-east-1').send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'eu-west-1' }));
    await h.kms('us-east-1').send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 400 }));
    // Act
    const status = await h.kms('eu-west-1').send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
    // Assess
    expect(status).toMatchObject({ KeyRotationEnabled: true, RotationPeriodInDays: 400 });
    await expectKmsError(h.kms('eu-west-1').send(new EnableKeyRotationCommand({ KeyId: keyId })), 'UnsupportedOperationException');
    await expectKmsError(h.kms('eu-west-1').send(new DisableKeyRotationCommand({ KeyId: keyId })), 'UnsupportedOperationException');
  });
});
