import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GetKeyRotationStatusCommand,
  ListAliasesCommand,
  ReplicateKeyCommand,
  ScheduleKeyDeletionCommand,
  TagResourceCommand,
} from '@aws-sdk/client-kms';
import { ACCOUNT, expectKmsError, type Harness, startHarness } from './harness.ts';

describe('Function: ScheduleKeyDeletion / CancelKeyDeletion', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ regions: ['us-east-1', 'eu-west-1'], replicaCreatingMs: 0 });
  });
  afterAll(async () => {
    await h.close();
  });

  async function newKey(input: ConstructorParameters<typeof CreateKeyCommand>[0] = {}): Promise<{ keyId: string; arn: string }> {
    const { KeyMetadata: m } = await h.kms('us-east-1').send(new CreateKeyCommand(input));
    return { keyId: m!.KeyId!, arn: m!.Arn! };
  }

  it('schedules deletion with the window, default 30 days, and answers with the key ARN', async () => {
    // Prepare
    const a = await newKey();
    const b = await newKey();
    // Act
    const seven = await h.kms('us-east-1').send(new ScheduleKeyDeletionCommand({ KeyId: a.keyId, PendingWindowInDays: 7 }));
    const thirty = await h.kms('us-east-1').send(new ScheduleKeyDeletionCommand({ KeyId: b.keyId }));
    const described = (await h.kms('us-east-1').send(new DescribeKeyCommand({ KeyId: a.keyId }))).KeyMetadata!;
    // Assess
    expect(seven).toMatchObject({ KeyId: a.arn, KeyState: 'PendingDeletion', PendingWindowInDays: 7 });
    expect(Math.round((seven.DeletionDate!.getTime() - Date.now()) / 86_400_000)).toBe(7);
    expect(thirty.PendingWindowInDays).toBe(30);
    expect(described).toMatchObject({ KeyState: 'PendingDeletion', Enabled: false, DeletionDate: seven.DeletionDate });
  });

  it('refuses a window outside 7–30 with ValidationException', async () => {
    // Prepare
    const { keyId } = await newKey();
    // Act & Assess
    await expectKmsError(
      h.kms('us-east-1').send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 6 })),
      'ValidationException',
      /'pendingWindowInDays'/,
    );
    await expectKmsError(h.kms('us-east-1').send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 31 })), 'ValidationException');
  });

  it('refuses operations on a key pending deletion with KMS’s message', async () => {
    // Prepare
    const { keyId, arn } = await newKey();
    await h.kms('us-east-1').send(new ScheduleKeyDeletionCommand({ KeyId: keyId }));
    // Act & Assess
    const message = `${arn} is pending deletion.`;
    await expectKmsError(h.kms('us-east-1').send(new ScheduleKeyDeletionCommand({ KeyId: keyId })), 'KMSInvalidStateException', message);
    await expectKmsError(h.kms('us-east-1').send(new EnableKeyCommand({ KeyId: keyId })), 'KMSInvalidStateException', message);
    await expectKmsError(
      h.kms('us-east-1').send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'a', TagValue: 'b' }] })),
      'KMSInvalidStateException',
      message,
    );
    await expectKmsError(h.kms('us-east-1').send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') })), 'KMSInvalidStateException', message);
  });

  it('cancels deletion into Disabled, restoring the rotation setting', async () => {
    // Prepare
    const { keyId, arn } = await newKey();
    await h.kms('us-east-1').send(new EnableKeyRotationCommand({ KeyId: keyId }));
    await h.kms('us-east-1').send(new ScheduleKeyDeletionCommand({ KeyId: keyId }));
    const whilePending = await h.kms('us-east-1').send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
    // Act
    const cancelled = await h.kms('us-east-1').send(new CancelKeyDeletionCommand({ KeyId: keyId }));
    const described = (await h.kms('us-east-1').send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
    // Assess
    expect(whilePending.KeyRotationEnabled).toBe(false);
    expect(cancelled.KeyId).toBe(arn);
    expect(described).toMatchObject({ KeyState: 'Disabled', Enabled: false });
    expect(described.DeletionDate).toBeUndefined();
    expect((await h.kms('us-east-1').send(new GetKeyRotationStatusCommand({ KeyId: keyId }))).KeyRotationEnabled).toBe(true);
    await expectKmsError(
      h.kms('us-east-1').send(new CancelKeyDeletionCommand({ KeyId: keyId })),
      'KMSInvalidStateException',
      `${arn} is not pending deletion.`,
    );
  });

  it('deletes the key and its aliases when advance-time passes the window', async () => {
    // Prepare
    const { keyId, arn } = await newKey();
    await h.kms('us-east-1').send(new CreateAliasCommand({ AliasName: 'alias/doomed', TargetKeyId: keyId }));
    await h.kms('us-east-1').send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    // Act
    const early = await h.control<{ deleted: string[] }>('advance-time', { days: 6 });
    const late = await h.control<{ deleted: string[] }>('advance-time', { days: 2 });
    // Assess
    expect(early.deleted).toEqual([]);
    expect(late.deleted).toContain(arn);
    await expectKmsError(h.kms('us-east-1').send(new DescribeKeyCommand({ KeyId: keyId })), 'NotFoundException');
    expect((await h.kms('us-east-1').send(new ListAliasesCommand({}))).Aliases!.map((a) => a.AliasName)).not.toContain('alias/doomed');
  });

  it('holds a primary with replicas in PendingReplicaDeletion until its replicas are deleted', async () => {
    // Prepare
    const { keyId, arn } = await newKey({ MultiRegion: true });
    await h.kms('us-east-1').send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'eu-west-1' }));
    // Act
    const primary = await h.kms('us-east-1').send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    const described = (await h.kms('us-east-1').send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
    await h.kms('eu-west-1').send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 10 }));
    await h.control('advance-time', { days: 9 });
    const stillWaiting = (await h.kms('us-east-1').send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
    await h.control('advance-time', { days: 2 });
    const afterReplica = (await h.kms('us-east-1').send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
    const final = await h.control<{ deleted: string[] }>('advance-time', { days: 7 });
    // Assess
    expect(primary).toMatchObject({ KeyState: 'PendingReplicaDeletion', PendingWindowInDays: 7 });
    expect(primary.DeletionDate).toBeUndefined();
    expect(described).toMatchObject({ KeyState: 'PendingReplicaDeletion', PendingDeletionWindowInDays: 7 });
    expect(stillWaiting.KeyState).toBe('PendingReplicaDeletion');
    expect(afterReplica.KeyState).toBe('PendingDeletion');
    expect(afterReplica.MultiRegionConfiguration!.ReplicaKeys).toEqual([]);
    expect(final.deleted).toContain(arn);
    expect(final.deleted).not.toContain(arn.replace('us-east-1', 'eu-west-1'));
  });
});

describe('Function: Encrypt / Decrypt / GenerateDataKey', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ regions: ['us-east-1', 'eu-west-1'] });
  });
  afterAll(async () => {
    await h.close();
  });

  it('round-trips with an alias and finds the key from the blob on Decrypt', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const { KeyMetadata: m } = await kms.send(new CreateKeyCommand({}));
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/crypto', TargetKeyId: m!.KeyId }));
    // Act
    const encrypted = await kms.send(new EncryptCommand({ KeyId: 'alias/crypto', Plaintext: Buffer.from('hello') }));
    const decrypted = await kms.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob }));
    // Assess
    expect(encrypted).toMatchObject({ KeyId: m!.Arn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
    expect(Buffer.from(decrypted.Plaintext!).toString()).toBe('hello');
    expect(decrypted.KeyId).toBe(m!.Arn);
  });

  it('generates a data key whose ciphertext decrypts to its plaintext', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const { KeyMetadata: m } = await kms.send(new CreateKeyCommand({}));
    // Act
    const dataKey = await kms.send(new GenerateDataKeyCommand({ KeyId: m!.KeyId, KeySpec: 'AES_256' }));
    const decrypted = await kms.send(new DecryptCommand({ CiphertextBlob: dataKey.CiphertextBlob, KeyId: m!.Arn }));
    // Assess
    expect(dataKey.Plaintext).toHaveLength(32);
    expect(Buffer.from(decrypted.Plaintext!).equals(Buffer.from(dataKey.Plaintext!))).toBe(true);
    await expectKmsError(kms.send(new GenerateDataKeyCommand({ KeyId: m!.KeyId })), 'ValidationException');
  });

  it('refuses a wrong encryption context, a foreign key id and garbage with KMS’s exceptions', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const a = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const b = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: a, Plaintext: Buffer.from('x'), EncryptionContext: { k: 'v' } }));
    // Act & Assess
    await expectKmsError(kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { k: 'other' } })), 'InvalidCiphertextException');
    await expectKmsError(kms.send(new DecryptCommand({ CiphertextBlob, KeyId: b, EncryptionContext: { k: 'v' } })), 'IncorrectKeyException');
    await expectKmsError(kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from('garbage') })), 'InvalidCiphertextException');
  });

  it('refuses a disabled key with DisabledException and a signing key with InvalidKeyUsageException', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const { KeyMetadata: m } = await kms.send(new CreateKeyCommand({}));
    const signing = (await kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!.KeyId!;
    await kms.send(new DisableKeyCommand({ KeyId: m!.KeyId }));
    // Act & Assess
    await expectKmsError(kms.send(new EncryptCommand({ KeyId: m!.KeyId, Plaintext: Buffer.from('x') })), 'DisabledException', `${m!.Arn} is disabled.`);
    await expectKmsError(kms.send(new EncryptCommand({ KeyId: signing, Plaintext: Buffer.from('x') })), 'InvalidKeyUsageException');
  });

  it('cannot decrypt a single-Region key’s ciphertext in another Region', async () => {
    // Prepare
    const { KeyMetadata: m } = await h.kms('us-east-1').send(new CreateKeyCommand({}));
    const { CiphertextBlob } = await h.kms('us-east-1').send(new EncryptCommand({ KeyId: m!.KeyId, Plaintext: Buffer.from('x') }));
    // Act & Assess
    await expectKmsError(h.kms('eu-west-1').send(new DecryptCommand({ CiphertextBlob })), 'NotFoundException', new RegExp(`eu-west-1:${ACCOUNT}`));
  });
});
