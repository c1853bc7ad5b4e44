/**
 * The emulator's rotation of imported key material with the real SDK: ImportType NEW_KEY_MATERIAL
 * into the primary, EXISTING_KEY_MATERIAL into each replica, RotateKeyOnDemand on the primary,
 * ListKeyRotations and DescribeKey's CurrentKeyMaterialId, Encrypt with the current material and
 * Decrypt with whichever material made the ciphertext, and KMS's refusals.
 */
import { constants, createPublicKey, publicEncrypt, randomBytes } from 'node:crypto';
import {
  CreateKeyCommand,
  DecryptCommand,
  DeleteImportedKeyMaterialCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GetParametersForImportCommand,
  ImportKeyMaterialCommand,
  type ImportType,
  type KMSClient,
  ListKeyRotationsCommand,
  ReplicateKeyCommand,
  RotateKeyOnDemandCommand,
} from '@aws-sdk/client-kms';
import { type Harness, startHarness } from './harness.ts';

/** The error name a call is refused with ('none' when it succeeds). */
async function failure(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => 'none',
    (error: Error) => error.name,
  );
}

async function importInto(kms: KMSClient, keyId: string, material: Buffer, importType?: ImportType, description?: string): Promise<string | undefined> {
  const params = await kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' }));
  const key = createPublicKey({ key: Buffer.from(params.PublicKey!), format: 'der', type: 'spki' });
  const wrapped = publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, material);
  const answer = await kms.send(
    new ImportKeyMaterialCommand({
      KeyId: keyId,
      ImportToken: params.ImportToken!,
      EncryptedKeyMaterial: wrapped,
      ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      ...(importType === undefined ? {} : { ImportType: importType }),
      ...(description === undefined ? {} : { KeyMaterialDescription: description }),
    }),
  );
  return answer.KeyMaterialId;
}

async function materials(kms: KMSClient, keyId: string): Promise<{ id?: string; state?: string; description?: string }[]> {
  const listed = await kms.send(new ListKeyRotationsCommand({ KeyId: keyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' }));
  return (listed.Rotations ?? []).map((r) => ({ id: r.KeyMaterialId, state: r.KeyMaterialState, description: r.KeyMaterialDescription }));
}

describe('Emulator: rotation of imported key material', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ regions: ['us-east-1', 'eu-west-1'] });
  });
  afterAll(async () => h.close());

  /** A multi-Region EXTERNAL key with `first` imported into the primary and a replica in eu-west-1. */
  async function multiRegionKey(first: Buffer): Promise<string> {
    const primary = h.kms('us-east-1');
    const keyId = (await primary.send(new CreateKeyCommand({ Origin: 'EXTERNAL', MultiRegion: true }))).KeyMetadata!.KeyId!;
    await importInto(primary, keyId, first, undefined, 'secret-1');
    await primary.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'eu-west-1' }));
    await importInto(h.kms('eu-west-1'), keyId, first, 'EXISTING_KEY_MATERIAL', 'secret-1');
    return keyId;
  }

  it('rotates a multi-Region key to new material; both ciphertexts decrypt in the replica', async () => {
    // Prepare
    const [primary, replica] = [h.kms('us-east-1'), h.kms('eu-west-1')];
    const keyId = await multiRegionKey(randomBytes(32));
    const before = await primary.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('before') }));

    // Act
    const newId = await importInto(primary, keyId, randomBytes(32).fill(7), 'NEW_KEY_MATERIAL', 'secret-2');
    const pendingOnPrimary = await materials(primary, keyId);
    await importInto(replica, keyId, randomBytes(32).fill(7), 'EXISTING_KEY_MATERIAL', 'secret-2');
    const readyOnPrimary = await materials(primary, keyId);
    await primary.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    const after = await primary.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('after') }));
    const decrypted = await Promise.all([before, after].map((c) => replica.send(new DecryptCommand({ CiphertextBlob: c.CiphertextBlob }))));
    const described = await Promise.all([primary, replica].map(async (kms) => (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!));

    // Assess
    expect(newId).toMatch(/^[a-f0-9]{64}$/);
    expect(pendingOnPrimary.map((m) => m.state)).toEqual(['CURRENT', 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION']);
    expect(readyOnPrimary.map((m) => m.state)).toEqual(['CURRENT', 'PENDING_ROTATION']);
    expect(decrypted.map((d) => Buffer.from(d.Plaintext!).toString())).toEqual(['before', 'after']);
    expect(described.map((d) => [d.KeyState, d.CurrentKeyMaterialId])).toEqual([
      ['Enabled', newId],
      ['Enabled', newId],
    ]);
    expect(await materials(replica, keyId)).toEqual([
      { id: expect.stringMatching(/^[a-f0-9]{64}$/), state: 'NON_CURRENT', description: 'secret-1' },
      { id: newId, state: 'CURRENT', description: 'secret-2' },
    ]);
  });

  it('refuses the rotation while a replica lacks the new material, and new material in a replica', async () => {
    // Prepare
    const [primary, replica] = [h.kms('us-east-1'), h.kms('eu-west-1')];
    const keyId = await multiRegionKey(randomBytes(32));

    // Act
    const intoReplica = await failure(importInto(replica, keyId, randomBytes(32), 'NEW_KEY_MATERIAL'));
    await importInto(primary, keyId, randomBytes(32).fill(9), 'NEW_KEY_MATERIAL');
    const rotate = await failure(primary.send(new RotateKeyOnDemandCommand({ KeyId: keyId })));
    const secondPending = await failure(importInto(primary, keyId, randomBytes(32), 'NEW_KEY_MATERIAL'));
    const otherIntoReplica = await failure(importInto(replica, keyId, randomBytes(32), 'EXISTING_KEY_MATERIAL'));
    const rotateReplica = await failure(replica.send(new RotateKeyOnDemandCommand({ KeyId: keyId })));

    // Assess
    expect([intoReplica, rotate, secondPending, otherIntoReplica, rotateReplica]).toEqual([
      'UnsupportedOperationException',
      'KMSInvalidStateException',
      'IncorrectKeyMaterialException',
      'IncorrectKeyMaterialException',
      'UnsupportedOperationException',
    ]);
  });

  it('refuses NEW_KEY_MATERIAL that the key already has, and a rotation with nothing pending', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const material = randomBytes(32);
    const keyId = (await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata!.KeyId!;
    await importInto(kms, keyId, material);

    // Act
    const again = await failure(importInto(kms, keyId, material, 'NEW_KEY_MATERIAL'));
    const rotate = await failure(kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId })));
    const reimport = await importInto(kms, keyId, material);

    // Assess
    expect([again, rotate]).toEqual(['IncorrectKeyMaterialException', 'KMSInvalidStateException']);
    expect((await materials(kms, keyId)).map((m) => [m.id, m.state])).toEqual([[reimport, 'CURRENT']]);
  });

  it('deletes pending material by id, and a deleted non-current material makes the key PendingImport', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const [first, second, third] = [randomBytes(32), randomBytes(32), randomBytes(32)];
    const keyId = (await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata!.KeyId!;
    const firstId = await importInto(kms, keyId, first);
    const secondId = await importInto(kms, keyId, second, 'NEW_KEY_MATERIAL');

    // Act
    await kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: keyId, KeyMaterialId: secondId }));
    const thirdId = await importInto(kms, keyId, third, 'NEW_KEY_MATERIAL');
    await kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    await kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: keyId, KeyMaterialId: firstId }));
    const stateAfterDelete = (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState;
    await importInto(kms, keyId, first);
    const stateAfterReimport = (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState;

    // Assess
    expect((await materials(kms, keyId)).map((m) => [m.id, m.state])).toEqual([
      [firstId, 'NON_CURRENT'],
      [thirdId, 'CURRENT'],
    ]);
    expect([stateAfterDelete, stateAfterReimport]).toEqual(['PendingImport', 'Enabled']);
  });
});
