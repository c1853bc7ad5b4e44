/**
 * The emulator's imported HMAC and asymmetric material with the real SDK: RSA_AES_KEY_WRAP_SHA_1 /
 * _SHA_256 and RSAES_OAEP unwrap, the material must fit the key spec, and GenerateMac/VerifyMac,
 * Sign/Verify and GetPublicKey use the material imported into each Region's key.
 */
import { constants, createCipheriv, createPublicKey, generateKeyPairSync, type KeyObject, publicEncrypt, randomBytes } from 'node:crypto';
import {
  CreateAliasCommand,
  CreateGrantCommand,
  CreateKeyCommand,
  DeleteImportedKeyMaterialCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GenerateMacCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  GetParametersForImportCommand,
  GetPublicKeyCommand,
  ImportKeyMaterialCommand,
  type KeySpec,
  type KeyUsageType,
  type KMSClient,
  ReplicateKeyCommand,
  ScheduleKeyDeletionCommand,
  SignCommand,
  TagResourceCommand,
  UpdateKeyDescriptionCommand,
  VerifyCommand,
  VerifyMacCommand,
} from '@aws-sdk/client-kms';
import { keyStateOutcome } from '../../local/emulator/keyStates.ts';
import { ACCOUNT, expectKmsError, type Harness, startHarness } from './harness.ts';

type Algorithm = 'RSAES_OAEP_SHA_1' | 'RSAES_OAEP_SHA_256' | 'RSA_AES_KEY_WRAP_SHA_1' | 'RSA_AES_KEY_WRAP_SHA_256';

/** `material` wrapped as `algorithm` lays it out under the DER public key KMS returned. */
function wrap(material: Buffer, publicKeyDer: Uint8Array, algorithm: Algorithm): Buffer {
  const key = createPublicKey({ key: Buffer.from(publicKeyDer), format: 'der', type: 'spki' });
  const oaep = (plaintext: Buffer) =>
    publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: algorithm.endsWith('SHA_256') ? 'sha256' : 'sha1' }, plaintext);
  if (algorithm.startsWith('RSAES_OAEP')) return oaep(material);
  const aesKey = randomBytes(32);
  const cipher = createCipheriv('id-aes256-wrap-pad', aesKey, Buffer.from('A65959A6', 'hex'));
  return Buffer.concat([oaep(aesKey), cipher.update(material), cipher.final()]);
}

async function importInto(kms: KMSClient, keyId: string, material: Buffer, algorithm: Algorithm): Promise<void> {
  const params = await kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: algorithm, WrappingKeySpec: 'RSA_3072' }));
  await kms.send(
    new ImportKeyMaterialCommand({
      KeyId: keyId,
      ImportToken: params.ImportToken,
      EncryptedKeyMaterial: wrap(material, params.PublicKey!, algorithm),
      ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
    }),
  );
}

function pkcs8(privateKey: KeyObject): Buffer {
  return privateKey.export({ format: 'der', type: 'pkcs8' });
}

describe('Emulator: imported HMAC and asymmetric material', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ regions: ['us-east-1', 'eu-west-1'], replicaCreatingMs: 0 });
  });
  afterAll(async () => h.close());

  const externalKey = async (KeySpec: KeySpec, KeyUsage: KeyUsageType, MultiRegion = false) =>
    (await h.kms('us-east-1').send(new CreateKeyCommand({ Origin: 'EXTERNAL', KeySpec, KeyUsage, MultiRegion }))).KeyMetadata!.KeyId!;

  /** A multi-Region EXTERNAL key with `material` imported into the primary (us-east-1) and its replica (eu-west-1). */
  const replicatedKey = async (spec: KeySpec, usage: KeyUsageType, material: Buffer, algorithm: Algorithm) => {
    const keyId = await externalKey(spec, usage, true);
    await importInto(h.kms('us-east-1'), keyId, material, algorithm);
    await h.kms('us-east-1').send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'eu-west-1' }));
    await importInto(h.kms('eu-west-1'), keyId, material, algorithm);
    return keyId;
  };

  it('makes a MAC with imported HMAC material in one Region and verifies it with the replica in another', async () => {
    // Prepare
    const keyId = await replicatedKey('HMAC_256', 'GENERATE_VERIFY_MAC', randomBytes(48), 'RSAES_OAEP_SHA_1');
    const message = Buffer.from('regulated message');

    // Act
    const made = await h.kms('us-east-1').send(new GenerateMacCommand({ KeyId: keyId, Message: message, MacAlgorithm: 'HMAC_SHA_256' }));
    const verified = await h.kms('eu-west-1').send(new VerifyMacCommand({ KeyId: keyId, Message: message, Mac: made.Mac, MacAlgorithm: 'HMAC_SHA_256' }));
    const tampered = Buffer.from(made.Mac!);
    tampered[0] = tampered[0]! ^ 1;

    // Assess
    expect(made.Mac).toHaveLength(32);
    expect(verified.MacValid).toBe(true);
    await expectKmsError(
      h.kms('eu-west-1').send(new VerifyMacCommand({ KeyId: keyId, Message: message, Mac: tampered, MacAlgorithm: 'HMAC_SHA_256' })),
      'KMSInvalidMacException',
    );
    await expectKmsError(
      h.kms('us-east-1').send(new GenerateMacCommand({ KeyId: keyId, Message: message, MacAlgorithm: 'HMAC_SHA_512' })),
      'InvalidKeyUsageException',
    );
  });

  it.each([
    ['RSA_2048', 'RSA_AES_KEY_WRAP_SHA_1', 'RSASSA_PSS_SHA_256', () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey],
    ['ECC_NIST_P256', 'RSA_AES_KEY_WRAP_SHA_256', 'ECDSA_SHA_256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey],
    ['ECC_NIST_P384', 'RSAES_OAEP_SHA_256', 'ECDSA_SHA_384', () => generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey],
  ] as const)('signs with an imported %s key (%s) and verifies with the replica; GetPublicKey derives from it', async (spec, algorithm, signing, make) => {
    // Prepare
    const privateKey = make();
    const keyId = await replicatedKey(spec, 'SIGN_VERIFY', pkcs8(privateKey), algorithm);
    const message = Buffer.from('release 1.2.3');

    // Act
    const signed = await h.kms('us-east-1').send(new SignCommand({ KeyId: keyId, Message: message, SigningAlgorithm: signing }));
    const verified = await h
      .kms('eu-west-1')
      .send(new VerifyCommand({ KeyId: keyId, Message: message, Signature: signed.Signature, SigningAlgorithm: signing }));
    const publicKey = await h.kms('eu-west-1').send(new GetPublicKeyCommand({ KeyId: keyId }));

    // Assess
    expect(verified.SignatureValid).toBe(true);
    expect(Buffer.from(publicKey.PublicKey!).equals(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }))).toBe(true);
    expect(publicKey).toMatchObject({ KeySpec: spec, KeyUsage: 'SIGN_VERIFY' });
    await expectKmsError(
      h
        .kms('eu-west-1')
        .send(new VerifyCommand({ KeyId: keyId, Message: Buffer.from('release 1.2.4'), Signature: signed.Signature, SigningAlgorithm: signing })),
      'KMSInvalidSignatureException',
    );
  });

  it('refuses material that does not fit the key spec, wrapping that cannot carry it, and a key pending import', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const hmac = await externalKey('HMAC_256', 'GENERATE_VERIFY_MAC');
    const rsa = await externalKey('RSA_2048', 'SIGN_VERIFY');
    const p521 = await externalKey('ECC_NIST_P521', 'SIGN_VERIFY');
    const params = await kms.send(
      new GetParametersForImportCommand({ KeyId: hmac, WrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256', WrappingKeySpec: 'RSA_2048' }),
    );

    // Act & Assess
    await expectKmsError(importInto(kms, hmac, randomBytes(16), 'RSAES_OAEP_SHA_256'), 'IncorrectKeyMaterialException');
    await expectKmsError(importInto(kms, hmac, randomBytes(65), 'RSA_AES_KEY_WRAP_SHA_256'), 'IncorrectKeyMaterialException');
    await expectKmsError(
      importInto(kms, rsa, pkcs8(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey), 'RSA_AES_KEY_WRAP_SHA_256'),
      'IncorrectKeyMaterialException',
    );
    await expectKmsError(
      importInto(kms, rsa, pkcs8(generateKeyPairSync('rsa', { modulusLength: 3072 }).privateKey), 'RSA_AES_KEY_WRAP_SHA_256'),
      'IncorrectKeyMaterialException',
    );
    await expectKmsError(
      kms.send(new GetParametersForImportCommand({ KeyId: rsa, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_4096' })),
      'ValidationException',
    );
    await expectKmsError(
      kms.send(new GetParametersForImportCommand({ KeyId: p521, WrappingAlgorithm: 'RSAES_OAEP_SHA_1', WrappingKeySpec: 'RSA_2048' })),
      'ValidationException',
    );
    await expectKmsError(
      kms.send(
        new ImportKeyMaterialCommand({
          KeyId: hmac,
          ImportToken: params.ImportToken,
          EncryptedKeyMaterial: randomBytes(300),
          ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
        }),
      ),
      'InvalidCiphertextException',
    );
    await expectKmsError(
      kms.send(new SignCommand({ KeyId: rsa, Message: Buffer.from('m'), SigningAlgorithm: 'RSASSA_PSS_SHA_256' })),
      'KMSInvalidStateException',
    );
    await expectKmsError(
      kms.send(new GenerateMacCommand({ KeyId: hmac, Message: Buffer.from('m'), MacAlgorithm: 'HMAC_SHA_256' })),
      'KMSInvalidStateException',
    );
  });

  it('answers UnsupportedOperationException for signing and MACs with material KMS would generate', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const hmac = (await kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }))).KeyMetadata!.KeyId!;

    // Act & Assess
    await expectKmsError(
      kms.send(new GenerateMacCommand({ KeyId: hmac, Message: Buffer.from('m'), MacAlgorithm: 'HMAC_SHA_256' })),
      'UnsupportedOperationException',
    );
  });

  it('answers what the key-state table says for an EXTERNAL key pending import', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const probes: Record<string, (keyId: string) => Promise<unknown>> = {
      CreateAlias: (keyId) => kms.send(new CreateAliasCommand({ AliasName: `alias/pending-${keyId}`, TargetKeyId: keyId })),
      CreateGrant: (keyId) => kms.send(new CreateGrantCommand({ KeyId: keyId, GranteePrincipal: `arn:aws:iam::${ACCOUNT}:role/g`, Operations: ['Decrypt'] })),
      DeleteImportedKeyMaterial: (keyId) => kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: keyId })),
      DescribeKey: (keyId) => kms.send(new DescribeKeyCommand({ KeyId: keyId })),
      DisableKey: (keyId) => kms.send(new DisableKeyCommand({ KeyId: keyId })),
      DisableKeyRotation: (keyId) => kms.send(new DisableKeyRotationCommand({ KeyId: keyId })),
      EnableKey: (keyId) => kms.send(new EnableKeyCommand({ KeyId: keyId })),
      EnableKeyRotation: (keyId) => kms.send(new EnableKeyRotationCommand({ KeyId: keyId })),
      Encrypt: (keyId) => kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') })),
      GetKeyPolicy: (keyId) => kms.send(new GetKeyPolicyCommand({ KeyId: keyId })),
      GetKeyRotationStatus: (keyId) => kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId })),
      GetParametersForImport: (keyId) =>
        kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' })),
      ScheduleKeyDeletion: (keyId) => kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 })),
      TagResource: (keyId) => kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'k', TagValue: 'v' }] })),
      UpdateKeyDescription: (keyId) => kms.send(new UpdateKeyDescriptionCommand({ KeyId: keyId, Description: 'd' })),
    };

    // Act
    const answered: Record<string, string> = {};
    for (const [operation, probe] of Object.entries(probes)) {
      const keyId = (await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata!.KeyId!;
      answered[operation] = await probe(keyId).then(
        () => 'ok',
        (error: Error) => error.name,
      );
    }

    // Assess
    expect(answered).toEqual(Object.fromEntries(Object.keys(probes).map((operation) => [operation, keyStateOutcome(operation, 'PendingImport')])));
    expect(answered.EnableKeyRotation).toBe('UnsupportedOperationException');
  });
});
