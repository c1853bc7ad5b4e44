import { constants, generateKeyPairSync, privateDecrypt, randomBytes } from 'node:crypto';
import { GetParametersForImportCommand, ImportKeyMaterialCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { createKmsApi } from '../../lib/aws/kms.ts';
import { KmsError } from '../../lib/errors.ts';

const kmsMock = mockClient(KMSClient);
const secretsMock = mockClient(SecretsManagerClient);
const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };
const secretsRegions: string[] = [];
const api = createKmsApi(new KMSClient({ region: 'eu-west-1', credentials }), 'eu-west-1', (region) => {
  secretsRegions.push(region);
  return Promise.resolve(new SecretsManagerClient({ region, credentials }));
});
const SECRET = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:byok/material-AbCdEf';
const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PUBLIC_KEY = pair.publicKey.export({ format: 'der', type: 'spki' });

/** Every spelling of `material` a careless message could carry. */
function spellings(material: Buffer): string[] {
  return [material.toString('base64'), material.toString('hex'), material.toString('latin1')];
}

async function failureOf(promise: Promise<unknown>): Promise<KmsError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof KmsError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

/** The message, the code and every cause's message and serialisation. */
function everythingSaidBy(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 5; depth++) {
    parts.push(String((e as Error).message), JSON.stringify(e), String((e as { code?: string }).code));
    e = (e as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}

describe('Function: createKmsApi (importKeyMaterial)', () => {
  beforeEach(() => {
    kmsMock.reset();
    secretsMock.reset();
    secretsRegions.length = 0;
    kmsMock.on(GetParametersForImportCommand).resolves({ PublicKey: PUBLIC_KEY, ImportToken: Buffer.from('token') });
    kmsMock.on(ImportKeyMaterialCommand).resolves({});
  });

  it("reads the secret in its own Region, wraps with RSAES_OAEP_SHA_256 under KMS's key and imports with the expiry", async () => {
    // Prepare
    const material = randomBytes(32);
    secretsMock.on(GetSecretValueCommand).resolves({ SecretBinary: material });

    // Act
    await api.importKeyMaterial({ keyId: 'mrk-1', secretArn: SECRET, validTo: '2027-06-30T00:00:00.000Z' });

    // Assess
    const params = kmsMock.commandCalls(GetParametersForImportCommand)[0]!.args[0].input;
    const sent = kmsMock.commandCalls(ImportKeyMaterialCommand)[0]!.args[0].input;
    const unwrapped = privateDecrypt(
      { key: pair.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      Buffer.from(sent.EncryptedKeyMaterial!),
    );
    expect(params).toEqual({ KeyId: 'mrk-1', WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_4096' });
    expect(secretsRegions).toEqual(['us-east-1']);
    expect(secretsMock.commandCalls(GetSecretValueCommand)[0]!.args[0].input).toEqual({ SecretId: SECRET });
    expect(unwrapped.equals(material)).toBe(true);
    expect({ ...sent, EncryptedKeyMaterial: undefined }).toEqual({
      KeyId: 'mrk-1',
      ImportToken: Buffer.from('token'),
      EncryptedKeyMaterial: undefined,
      ExpirationModel: 'KEY_MATERIAL_EXPIRES',
      ValidTo: new Date('2027-06-30T00:00:00.000Z'),
    });
  });

  it('takes base64 in SecretString and imports material that does not expire', async () => {
    // Prepare
    const material = randomBytes(32);
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: material.toString('base64') });

    // Act
    await api.importKeyMaterial({ keyId: 'mrk-1', secretArn: SECRET, validTo: null });

    // Assess
    const sent = kmsMock.commandCalls(ImportKeyMaterialCommand)[0]!.args[0].input;
    expect(sent.ExpirationModel).toBe('KEY_MATERIAL_DOES_NOT_EXPIRE');
    expect(sent.ValidTo).toBeUndefined();
  });

  it.each([
    ['material of the wrong length', { SecretBinary: randomBytes(16) }, 'holds 16 bytes'],
    ['a SecretString that is not base64', { SecretString: `not base64 ${randomBytes(8).toString('hex')}!` }, 'not base64'],
    ['no value', {}, 'holds no value'],
  ])('refuses a secret with %s, naming the secret and nothing it holds, and imports nothing', async (_what, secret, says) => {
    // Prepare
    secretsMock.on(GetSecretValueCommand).resolves(secret);
    const held = 'SecretBinary' in secret ? [Buffer.from(secret.SecretBinary!)] : 'SecretString' in secret ? [Buffer.from(String(secret.SecretString))] : [];

    // Act
    const error = await failureOf(api.importKeyMaterial({ keyId: 'mrk-1', secretArn: SECRET, validTo: null }));

    // Assess
    expect(error.code).toBe('MalformedKeyMaterialSecret');
    expect(error.message).toContain(SECRET);
    expect(error.message).toContain(says);
    for (const value of held) for (const spelling of [...spellings(value), value.toString('utf8')]) expect(everythingSaidBy(error)).not.toContain(spelling);
    expect(kmsMock.commandCalls(ImportKeyMaterialCommand)).toEqual([]);
  });

  it("translates Secrets Manager's refusal into a KmsError naming the secret", async () => {
    // Prepare
    secretsMock
      .on(GetSecretValueCommand)
      .rejects(new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} }));

    // Act
    const error = await failureOf(api.importKeyMaterial({ keyId: 'mrk-1', secretArn: SECRET, validTo: null }));

    // Assess
    expect(error.code).toBe('ResourceNotFoundException');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(`ResourceNotFoundException: cannot read the key material secret ${SECRET}: Secrets Manager can't find the specified secret.`);
  });

  it('never lets the material reach an ImportKeyMaterial failure', async () => {
    // Prepare
    const material = randomBytes(32);
    secretsMock.on(GetSecretValueCommand).resolves({ SecretBinary: material });
    kmsMock.on(ImportKeyMaterialCommand).rejects(
      Object.assign(new Error('The key material is not the key material that was previously imported.'), {
        name: 'IncorrectKeyMaterialException',
        $metadata: {},
      }),
    );

    // Act
    const error = await failureOf(api.importKeyMaterial({ keyId: 'mrk-1', secretArn: SECRET, validTo: null }));

    // Assess
    expect(error.code).toBe('IncorrectKeyMaterialException');
    for (const spelling of spellings(material)) expect(everythingSaidBy(error)).not.toContain(spelling);
  });
});
