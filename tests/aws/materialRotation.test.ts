import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { GetParametersForImportCommand, ImportKeyMaterialCommand, KMSClient, ListKeyRotationsCommand, RotateKeyOnDemandCommand } from '@aws-sdk/client-kms';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { createKmsApi } from '../../lib/aws/kms.ts';

const kmsMock = mockClient(KMSClient);
const secretsMock = mockClient(SecretsManagerClient);
const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };
const api = createKmsApi(new KMSClient({ region: 'eu-west-1', credentials }), 'eu-west-1', async (region) => new SecretsManagerClient({ region, credentials }));
const SECRET = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:byok/material-AbCdEf';
const BASE = {
  keyId: 'mrk-1',
  keySpec: 'SYMMETRIC_DEFAULT' as const,
  secretArn: SECRET,
  validTo: null,
  path: 'CustomerMasterKeys.cmk-byok.KeyMaterial.SecretArn',
};
const PUBLIC_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'der', type: 'spki' });

describe('Function: createKmsApi (rotation of imported material)', () => {
  beforeEach(() => {
    kmsMock.reset();
    secretsMock.reset();
  });

  it('sends ImportType and KeyMaterialDescription when the action carries them, and neither when it does not', async () => {
    // Prepare
    kmsMock.on(GetParametersForImportCommand).resolves({ PublicKey: PUBLIC_KEY, ImportToken: Buffer.from('token') });
    kmsMock.on(ImportKeyMaterialCommand).resolves({ KeyMaterialId: 'b'.repeat(64) });
    secretsMock.on(GetSecretValueCommand).resolves({ SecretBinary: randomBytes(32) });

    // Act
    await api.importKeyMaterial({ ...BASE, importType: 'NEW_KEY_MATERIAL', materialDescription: SECRET });
    await api.importKeyMaterial(BASE);

    // Assess
    const sent = kmsMock.commandCalls(ImportKeyMaterialCommand).map((call) => call.args[0].input);
    expect([sent[0]?.ImportType, sent[0]?.KeyMaterialDescription]).toEqual(['NEW_KEY_MATERIAL', SECRET]);
    expect(Object.keys(sent[1] ?? {}).sort()).toEqual(['EncryptedKeyMaterial', 'ExpirationModel', 'ImportToken', 'KeyId']);
  });

  it('lists every material of a key (ALL_KEY_MATERIAL, all pages) and rotates on demand', async () => {
    // Prepare
    kmsMock
      .on(ListKeyRotationsCommand)
      .resolvesOnce({
        Rotations: [{ KeyMaterialId: 'a'.repeat(64), KeyMaterialState: 'NON_CURRENT', ImportState: 'PENDING_IMPORT' }],
        Truncated: true,
        NextMarker: 'm1',
      })
      .resolvesOnce({ Rotations: [{ KeyMaterialId: 'b'.repeat(64), KeyMaterialState: 'CURRENT', ImportState: 'IMPORTED', KeyMaterialDescription: SECRET }] });
    kmsMock.on(RotateKeyOnDemandCommand).resolves({ KeyId: 'mrk-1' });

    // Act
    const materials = await api.listKeyMaterials('mrk-1');
    await api.rotateKeyOnDemand('mrk-1');

    // Assess
    expect(materials).toEqual([
      { id: 'a'.repeat(64), state: 'NON_CURRENT', description: null, imported: false },
      { id: 'b'.repeat(64), state: 'CURRENT', description: SECRET, imported: true },
    ]);
    expect(kmsMock.commandCalls(ListKeyRotationsCommand).map((call) => call.args[0].input)).toEqual([
      { KeyId: 'mrk-1', IncludeKeyMaterial: 'ALL_KEY_MATERIAL' },
      { KeyId: 'mrk-1', IncludeKeyMaterial: 'ALL_KEY_MATERIAL', Marker: 'm1' },
    ]);
    expect(kmsMock.commandCalls(RotateKeyOnDemandCommand)[0]?.args[0].input).toEqual({ KeyId: 'mrk-1' });
  });
});
