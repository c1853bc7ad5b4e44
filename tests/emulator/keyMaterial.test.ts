/**
 * The emulator's imported key material with the real SDK: EXTERNAL keys start PendingImport,
 * GetParametersForImport hands out a real RSA wrapping key and a token that expires after 24 hours,
 * ImportKeyMaterial unwraps and checks, material expires, and Encrypt/Decrypt use the material
 * imported into each Region's key.
 */
import { constants, createPublicKey, publicEncrypt, randomBytes } from 'node:crypto';
import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GetParametersForImportCommand,
  ImportKeyMaterialCommand,
  type KMSClient,
  ReplicateKeyCommand,
} from '@aws-sdk/client-kms';
import { expectKmsError, type Harness, startHarness } from './harness.ts';

const DAY_MS = 86_400_000;

async function wrapFor(kms: KMSClient, keyId: string, material: Buffer): Promise<{ token: Uint8Array; wrapped: Buffer }> {
  const params = await kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' }));
  const key = createPublicKey({ key: Buffer.from(params.PublicKey!), format: 'der', type: 'spki' });
  const wrapped = publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, material);
  return { token: params.ImportToken!, wrapped };
}

async function importInto(kms: KMSClient, keyId: string, material: Buffer, validTo?: Date): Promise<void> {
  const { token, wrapped } = await wrapFor(kms, keyId, material);
  await kms.send(
    new ImportKeyMaterialCommand({
      KeyId: keyId,
      ImportToken: token,
      EncryptedKeyMaterial: wrapped,
      ...(validTo === undefined ? { ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' } : { ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: validTo }),
    }),
  );
}

describe('Emulator: imported key material', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ regions: ['us-east-1', 'eu-west-1'] });
  });
  afterAll(async () => h.close());

  const externalKey = async (multiRegion = false) =>
    (await h.kms('us-east-1').send(new CreateKeyCommand({ Origin: 'EXTERNAL', MultiRegion: multiRegion }))).KeyMetadata!;

  it('makes an EXTERNAL key PendingImport, imports 256-bit material and encrypts with it', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const key = await externalKey();

    // Act
    await expectKmsError(kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') })), 'KMSInvalidStateException');
    await importInto(kms, key.KeyId!, randomBytes(32));
    const described = (await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!;
    const encrypted = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('secret data') }));

    // Assess
    expect(key).toMatchObject({ KeyState: 'PendingImport', Origin: 'EXTERNAL' });
    expect(described).toMatchObject({ KeyState: 'Enabled', Origin: 'EXTERNAL', ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' });
    expect(encrypted.CiphertextBlob?.length).toBeGreaterThan(0);
  });

  it('decrypts in a replica holding the same material, and not in one holding other material', async () => {
    // Prepare
    const primary = h.kms('us-east-1');
    const replica = h.kms('eu-west-1');
    const material = randomBytes(32);
    const same = await externalKey(true);
    const other = await externalKey(true);
    for (const key of [same, other]) {
      await importInto(primary, key.KeyId!, material);
      await primary.send(new ReplicateKeyCommand({ KeyId: key.KeyId, ReplicaRegion: 'eu-west-1' }));
    }
    await importInto(replica, same.KeyId!, material);
    await importInto(replica, other.KeyId!, randomBytes(32));

    // Act
    const sealed = (key: string) => primary.send(new EncryptCommand({ KeyId: key, Plaintext: Buffer.from('across Regions') }));
    const opened = await replica.send(new DecryptCommand({ CiphertextBlob: (await sealed(same.KeyId!)).CiphertextBlob }));
    const refused = expectKmsError(
      replica.send(new DecryptCommand({ CiphertextBlob: (await sealed(other.KeyId!)).CiphertextBlob })),
      'InvalidCiphertextException',
    );

    // Assess
    expect(Buffer.from(opened.Plaintext!).toString()).toBe('across Regions');
    await refused;
  });

  it('makes a replica of an EXTERNAL key PendingImport, and replicates only an enabled primary', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const key = await externalKey(true);

    // Act
    await expectKmsError(kms.send(new ReplicateKeyCommand({ KeyId: key.KeyId, ReplicaRegion: 'eu-west-1' })), 'KMSInvalidStateException');
    await importInto(kms, key.KeyId!, randomBytes(32));
    const made = await kms.send(new ReplicateKeyCommand({ KeyId: key.KeyId, ReplicaRegion: 'eu-west-1' }));

    // Assess
    expect(made.ReplicaKeyMetadata).toMatchObject({ KeyState: 'PendingImport', Origin: 'EXTERNAL' });
  });

  it("refuses another key's token, other material, material of the wrong length and an expired token", async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const key = await externalKey();
    const stranger = await externalKey();
    const material = randomBytes(32);
    await importInto(kms, key.KeyId!, material);
    const foreign = await wrapFor(kms, stranger.KeyId!, material);
    const other = await wrapFor(kms, key.KeyId!, randomBytes(32));
    const short = await wrapFor(kms, key.KeyId!, randomBytes(16));
    const later = await wrapFor(kms, key.KeyId!, material);
    const send = (parts: { token: Uint8Array; wrapped: Buffer }) =>
      kms.send(
        new ImportKeyMaterialCommand({
          KeyId: key.KeyId,
          ImportToken: parts.token,
          EncryptedKeyMaterial: parts.wrapped,
          ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
        }),
      );

    // Act / Assess
    await expectKmsError(send(foreign), 'InvalidImportTokenException');
    await expectKmsError(send(other), 'IncorrectKeyMaterialException');
    await expectKmsError(send(short), 'IncorrectKeyMaterialException');
    await expectKmsError(send({ token: later.token, wrapped: randomBytes(256) }), 'InvalidCiphertextException');
    await h.control('advance-time', { days: 1.01 });
    await expectKmsError(send(later), 'ExpiredImportTokenException');
  });

  it('lets material expire back to PendingImport and takes the same material again', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const key = await externalKey();
    const material = randomBytes(32);
    // Earlier tests moved the emulator's clock a day or so ahead of this one.
    const base = Date.now() + 2 * DAY_MS;
    await importInto(kms, key.KeyId!, material, new Date(base + 30 * DAY_MS));

    // Act
    const before = (await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!;
    await h.control('advance-time', { days: 40 });
    const expired = (await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!;
    await importInto(kms, key.KeyId!, material, new Date(base + 90 * DAY_MS));
    const again = (await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!;

    // Assess
    expect(before).toMatchObject({ KeyState: 'Enabled', ExpirationModel: 'KEY_MATERIAL_EXPIRES' });
    expect(expired.KeyState).toBe('PendingImport');
    expect(expired.ExpirationModel).toBeUndefined();
    expect(again.KeyState).toBe('Enabled');
    expect(again.ValidTo?.getTime()).toBe(Math.floor((base + 90 * DAY_MS) / 1000) * 1000);
  });

  it('refuses automatic rotation and GetParametersForImport on keys KMS made the material of', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const external = await externalKey();
    await importInto(kms, external.KeyId!, randomBytes(32));
    const ordinary = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;

    // Act / Assess
    await expectKmsError(kms.send(new EnableKeyRotationCommand({ KeyId: external.KeyId })), 'UnsupportedOperationException');
    await expectKmsError(
      kms.send(new GetParametersForImportCommand({ KeyId: ordinary.KeyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' })),
      'UnsupportedOperationException',
    );
    await expectKmsError(
      kms.send(new GetParametersForImportCommand({ KeyId: external.KeyId, WrappingAlgorithm: 'RSAES_PKCS1_V1_5', WrappingKeySpec: 'RSA_2048' })),
      'ValidationException',
    );
  });
});
