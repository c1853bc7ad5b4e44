import {
  CreateAliasCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  ListAliasesCommand,
  ScheduleKeyDeletionCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-kms';
import { ACCOUNT, expectKmsError, type Harness, startHarness } from './harness.ts';

describe('Function: CreateAlias / UpdateAlias / DeleteAlias / ListAliases', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ regions: ['us-east-1', 'eu-west-1'] });
  });
  afterEach(async () => {
    await h.control('reset', {});
  });
  afterAll(async () => {
    await h.close();
  });

  async function newKey(region = 'us-east-1', input: ConstructorParameters<typeof CreateKeyCommand>[0] = {}): Promise<string> {
    return (await h.kms(region).send(new CreateKeyCommand(input))).KeyMetadata!.KeyId!;
  }

  it('creates an alias per Region and lists it with its ARN and target', async () => {
    // Prepare
    const keyId = await newKey();
    // Act
    await h.kms('us-east-1').send(new CreateAliasCommand({ AliasName: 'alias/app', TargetKeyId: keyId }));
    const us = await h.kms('us-east-1').send(new ListAliasesCommand({ KeyId: keyId }));
    const eu = await h.kms('eu-west-1').send(new ListAliasesCommand({}));
    // Assess
    expect(us.Aliases).toEqual([
      expect.objectContaining({
        AliasName: 'alias/app',
        AliasArn: `arn:aws:kms:us-east-1:${ACCOUNT}:alias/app`,
        TargetKeyId: keyId,
        CreationDate: expect.any(Date),
      }),
    ]);
    expect(eu.Aliases!.map((a) => a.AliasName)).toEqual(['alias/aws/s3']);
  });

  it('refuses a duplicate alias with AlreadyExistsException', async () => {
    // Prepare
    const keyId = await newKey();
    await h.kms('us-east-1').send(new CreateAliasCommand({ AliasName: 'alias/dup', TargetKeyId: keyId }));
    // Act & Assess
    await expectKmsError(
      h.kms('us-east-1').send(new CreateAliasCommand({ AliasName: 'alias/dup', TargetKeyId: keyId })),
      'AlreadyExistsException',
      `An alias with the name arn:aws:kms:us-east-1:${ACCOUNT}:alias/dup already exists`,
    );
  });

  it('refuses reserved and malformed alias names', async () => {
    // Prepare
    const keyId = await newKey();
    const kms = h.kms('us-east-1');
    // Act & Assess
    await expectKmsError(kms.send(new CreateAliasCommand({ AliasName: 'alias/aws/mine', TargetKeyId: keyId })), 'InvalidAliasNameException');
    await expectKmsError(kms.send(new CreateAliasCommand({ AliasName: 'mine', TargetKeyId: keyId })), 'InvalidAliasNameException');
    await expectKmsError(kms.send(new CreateAliasCommand({ AliasName: 'alias/has space', TargetKeyId: keyId })), 'ValidationException');
    await expectKmsError(kms.send(new DeleteAliasCommand({ AliasName: 'alias/aws/s3' })), 'InvalidAliasNameException');
  });

  it('refuses an alias for a key pending deletion with KMSInvalidStateException', async () => {
    // Prepare
    const keyId = await newKey();
    await h.kms('us-east-1').send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    // Act & Assess
    await expectKmsError(
      h.kms('us-east-1').send(new CreateAliasCommand({ AliasName: 'alias/late', TargetKeyId: keyId })),
      'KMSInvalidStateException',
      `arn:aws:kms:us-east-1:${ACCOUNT}:key/${keyId} is pending deletion.`,
    );
  });

  it('moves an alias between keys of the same type and usage', async () => {
    // Prepare
    const [a, b] = [await newKey(), await newKey()];
    const kms = h.kms('us-east-1');
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/move', TargetKeyId: a }));
    // Act
    await kms.send(new UpdateAliasCommand({ AliasName: 'alias/move', TargetKeyId: b }));
    // Assess
    expect((await kms.send(new ListAliasesCommand({ KeyId: b }))).Aliases!.map((x) => x.AliasName)).toEqual(['alias/move']);
    expect((await kms.send(new ListAliasesCommand({ KeyId: a }))).Aliases).toEqual([]);
  });

  it('refuses UpdateAlias to a key of another type or usage, and for a missing alias', async () => {
    // Prepare
    const symmetric = await newKey();
    const rsaEncrypt = await newKey('us-east-1', { KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' });
    const rsaSign = await newKey('us-east-1', { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' });
    const kms = h.kms('us-east-1');
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/sym', TargetKeyId: symmetric }));
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/rsa', TargetKeyId: rsaEncrypt }));
    // Act & Assess
    await expectKmsError(
      kms.send(new UpdateAliasCommand({ AliasName: 'alias/sym', TargetKeyId: rsaEncrypt })),
      'ValidationException',
      /same key type and key usage/,
    );
    await expectKmsError(kms.send(new UpdateAliasCommand({ AliasName: 'alias/rsa', TargetKeyId: rsaSign })), 'ValidationException');
    await expectKmsError(
      kms.send(new UpdateAliasCommand({ AliasName: 'alias/none', TargetKeyId: symmetric })),
      'NotFoundException',
      /alias\/none is not found/,
    );
  });

  it('deletes an alias and answers NotFoundException for a missing one', async () => {
    // Prepare
    const keyId = await newKey();
    const kms = h.kms('us-east-1');
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/gone', TargetKeyId: keyId }));
    // Act
    await kms.send(new DeleteAliasCommand({ AliasName: 'alias/gone' }));
    // Assess
    expect((await kms.send(new ListAliasesCommand({ KeyId: keyId }))).Aliases).toEqual([]);
    await expectKmsError(kms.send(new DeleteAliasCommand({ AliasName: 'alias/gone' })), 'NotFoundException');
  });

  it('paginates ListAliases and validates Limit 1–100', async () => {
    // Prepare
    const keyId = await newKey();
    const kms = h.kms('us-east-1');
    for (const name of ['a', 'b', 'c']) await kms.send(new CreateAliasCommand({ AliasName: `alias/${name}`, TargetKeyId: keyId }));
    // Act
    const first = await kms.send(new ListAliasesCommand({ Limit: 2 }));
    const second = await kms.send(new ListAliasesCommand({ Limit: 2, Marker: first.NextMarker }));
    // Assess
    expect(first.Aliases!.map((a) => a.AliasName)).toEqual(['alias/a', 'alias/aws/s3']);
    expect(first.Truncated).toBe(true);
    expect(second.Aliases!.map((a) => a.AliasName)).toEqual(['alias/b', 'alias/c']);
    expect(second.Truncated).toBe(false);
    await expectKmsError(kms.send(new ListAliasesCommand({ Limit: 101 })), 'ValidationException');
  });

  it('allows 50 aliases per key and Region, then answers LimitExceededException to CreateAlias and UpdateAlias', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const full = await newKey();
    const other = await newKey();
    for (let i = 0; i < 50; i++) await kms.send(new CreateAliasCommand({ AliasName: `alias/full-${i}`, TargetKeyId: full }));
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/elsewhere', TargetKeyId: other }));

    // Act & Assess
    await expectKmsError(kms.send(new CreateAliasCommand({ AliasName: 'alias/full-50', TargetKeyId: full })), 'LimitExceededException');
    await expectKmsError(kms.send(new UpdateAliasCommand({ AliasName: 'alias/elsewhere', TargetKeyId: full })), 'LimitExceededException');
    await kms.send(new UpdateAliasCommand({ AliasName: 'alias/full-0', TargetKeyId: full }));
  });
});
