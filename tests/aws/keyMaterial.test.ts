import { constants, createDecipheriv, generateKeyPairSync, privateDecrypt, randomBytes } from 'node:crypto';
import { GetParametersForImportCommand, ImportKeyMaterialCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { createKmsApi } from '../../lib/aws/kms.ts';
import { KmsError } from '../../lib/errors.ts';
import type { ImportKeyMaterialInput } from '../../lib/kmsApi.ts';

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
const PATH = 'CustomerMasterKeys.cmk-byok.KeyMaterial.SecretArn';

/** One import of SECRET into mrk-1, a SYMMETRIC_DEFAULT key unless `overrides` say otherwise. */
function input(overrides: Partial<ImportKeyMaterialInput> = {}): ImportKeyMaterialInput {
  return { keyId: 'mrk-1', keySpec: 'SYMMETRIC_DEFAULT', secretArn: SECRET, validTo: null, path: PATH, ...overrides };
}

/** A fresh private key of `spec` as PKCS #8 DER. */
function privateKeyOf(spec: 'RSA_2048' | 'RSA_3072' | 'ECC_NIST_P256' | 'ECC_NIST_P384' | 'ECC_NIST_P521' | 'ECC_SECG_P256K1'): Buffer {
  const { privateKey } = spec.startsWith('RSA_')
    ? generateKeyPairSync('rsa', { modulusLength: Number(spec.slice(4)) })
    : generateKeyPairSync('ec', { namedCurve: { ECC_NIST_P256: 'P-256', ECC_NIST_P384: 'P-384', ECC_NIST_P521: 'P-521' }[spec as string] ?? 'secp256k1' });
  return privateKey.export({ format: 'der', type: 'pkcs8' });
}

/** What ImportKeyMaterial was sent, unwrapped with the test's wrapping private key (RSAES_OAEP_SHA_256 or RSA_AES_KEY_WRAP_SHA_256). */
function unwrapSent(algorithm: string): Buffer {
  const wrapped = Buffer.from(kmsMock.commandCalls(ImportKeyMaterialCommand)[0]!.args[0].input.EncryptedKeyMaterial!);
  const oaep = (blob: Buffer) => privateDecrypt({ key: pair.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, blob);
  if (algorithm === 'RSAES_OAEP_SHA_256') return oaep(wrapped);
  const aesKey = oaep(wrapped.subarray(0, 256));
  const decipher = createDecipheriv('id-aes256-wrap-pad', aesKey, Buffer.from('A65959A6', 'hex'));
  return Buffer.concat([decipher.update(wrapped.subarray(256)), decipher.final()]);
}

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
    await api.importKeyMaterial(input({ validTo: '2027-06-30T00:00:00.000Z' }));

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
    await api.importKeyMaterial(input());

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
    const error = await failureOf(api.importKeyMaterial(input()));

    // Assess
    expect(error.code).toBe('MalformedKeyMaterialSecret');
    expect(error.message).toContain(SECRET);
    expect(error.message).toContain(PATH);
    expect(error.message).toContain(says);
    for (const value of held) for (const spelling of [...spellings(value), value.toString('utf8')]) expect(everythingSaidBy(error)).not.toContain(spelling);
    expect(kmsMock.calls()).toEqual([]);
  });

  it("translates Secrets Manager's refusal into a KmsError naming the secret", async () => {
    // Prepare
    secretsMock
      .on(GetSecretValueCommand)
      .rejects(new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} }));

    // Act
    const error = await failureOf(api.importKeyMaterial(input()));

    // Assess
    expect(error.code).toBe('ResourceNotFoundException');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      `ResourceNotFoundException: cannot read the key material secret ${SECRET} (${PATH}): Secrets Manager can't find the specified secret.`,
    );
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
    const error = await failureOf(api.importKeyMaterial(input()));

    // Assess
    expect(error.code).toBe('IncorrectKeyMaterialException');
    for (const spelling of spellings(material)) expect(everythingSaidBy(error)).not.toContain(spelling);
  });

  it.each([
    ['HMAC_224', 28],
    ['HMAC_224', 64],
    ['HMAC_256', 32],
    ['HMAC_256', 64],
    ['HMAC_384', 48],
    ['HMAC_384', 128],
    ['HMAC_512', 64],
    ['HMAC_512', 128],
  ] as const)('imports %s material of %i bytes with RSAES_OAEP_SHA_256', async (keySpec, length) => {
    // Prepare
    const material = randomBytes(length);
    secretsMock.on(GetSecretValueCommand).resolves({ SecretBinary: material });

    // Act
    await api.importKeyMaterial(input({ keySpec }));

    // Assess
    expect(kmsMock.commandCalls(GetParametersForImportCommand)[0]!.args[0].input).toMatchObject({
      WrappingAlgorithm: 'RSAES_OAEP_SHA_256',
      WrappingKeySpec: 'RSA_4096',
    });
    expect(unwrapSent('RSAES_OAEP_SHA_256').equals(material)).toBe(true);
  });

  it.each([
    ['RSA_2048', 'RSA_AES_KEY_WRAP_SHA_256'],
    ['RSA_3072', 'RSA_AES_KEY_WRAP_SHA_256'],
    ['ECC_NIST_P256', 'RSA_AES_KEY_WRAP_SHA_256'],
    ['ECC_NIST_P521', 'RSA_AES_KEY_WRAP_SHA_256'],
    ['ECC_SECG_P256K1', 'RSA_AES_KEY_WRAP_SHA_256'],
  ] as const)('imports a %s private key (PKCS #8 DER, base64 in SecretString) wrapped with %s', async (keySpec, algorithm) => {
    // Prepare
    const material = privateKeyOf(keySpec);
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: material.toString('base64') });

    // Act
    await api.importKeyMaterial(input({ keySpec }));

    // Assess
    expect(kmsMock.commandCalls(GetParametersForImportCommand)[0]!.args[0].input).toMatchObject({ WrappingAlgorithm: algorithm, WrappingKeySpec: 'RSA_4096' });
    expect(unwrapSent(algorithm).equals(material)).toBe(true);
  });

  it.each([
    ['HMAC_256', () => randomBytes(16), 'holds 16 bytes: HMAC_256 key material is 32 to 64 bytes'],
    ['HMAC_224', () => randomBytes(65), 'holds 65 bytes: HMAC_224 key material is 28 to 64 bytes'],
    ['HMAC_512', () => randomBytes(48), 'holds 48 bytes: HMAC_512 key material is 64 to 128 bytes'],
    ['SYMMETRIC_DEFAULT', () => randomBytes(64), 'holds 64 bytes: SYMMETRIC_DEFAULT key material is 32 bytes'],
    ['RSA_2048', () => randomBytes(1200), 'holds 1200 bytes that are not a PKCS #8 DER private key'],
    ['RSA_2048', () => privateKeyOf('RSA_3072'), 'holds an RSA 3072-bit private key: RSA_2048 key material is an RSA 2048-bit private key'],
    ['RSA_2048', () => privateKeyOf('ECC_NIST_P256'), 'holds an EC private key on prime256v1: RSA_2048 key material is an RSA 2048-bit private key'],
    [
      'ECC_NIST_P384',
      () => privateKeyOf('ECC_NIST_P256'),
      'holds an EC private key on prime256v1: ECC_NIST_P384 key material is an EC private key on secp384r1',
    ],
    ['ECC_NIST_P256', () => privateKeyOf('RSA_2048'), 'holds an RSA 2048-bit private key: ECC_NIST_P256 key material is an EC private key on prime256v1'],
    ['SM2', () => privateKeyOf('ECC_NIST_P256'), 'holds an EC private key on prime256v1: SM2 key material is an SM2 private key'],
  ] as const)('refuses %s material that does not fit, naming the path and the secret, before any KMS call', async (keySpec, make, says) => {
    // Prepare
    const material = make();
    secretsMock.on(GetSecretValueCommand).resolves({ SecretBinary: material });

    // Act
    const error = await failureOf(api.importKeyMaterial(input({ keySpec })));

    // Assess
    expect(error.code).toBe('MalformedKeyMaterialSecret');
    expect(error.message).toContain(`the key material secret ${SECRET} (${PATH}) ${says}`);
    for (const spelling of spellings(material)) expect(everythingSaidBy(error)).not.toContain(spelling);
    expect(kmsMock.calls()).toEqual([]);
  });

  it('takes an RSA private key as PEM ("PRIVATE KEY") in SecretString and imports its DER', async () => {
    // Prepare
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: String(privateKey.export({ format: 'pem', type: 'pkcs8' })) });

    // Act
    await api.importKeyMaterial(input({ keySpec: 'RSA_2048' }));

    // Assess
    expect(unwrapSent('RSA_AES_KEY_WRAP_SHA_256').equals(der)).toBe(true);
  });

  it('refuses a PEM block other than PKCS #8 "PRIVATE KEY", saying how to convert it, and PEM for HMAC material', async () => {
    // Prepare
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pkcs1 = String(privateKey.export({ format: 'pem', type: 'pkcs1' }));
    const pkcs8 = String(privateKey.export({ format: 'pem', type: 'pkcs8' }));

    // Act
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: pkcs1 });
    const rsa = await failureOf(api.importKeyMaterial(input({ keySpec: 'RSA_2048' })));
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: pkcs8 });
    const hmac = await failureOf(api.importKeyMaterial(input({ keySpec: 'HMAC_256' })));

    // Assess
    expect(rsa.message).toContain('holds a PEM block that is not an unencrypted PKCS #8 "PRIVATE KEY" (convert it with openssl pkcs8 -topk8 -nocrypt)');
    expect(hmac.message).toContain('holds a SecretString that is not base64: store 32 to 64 bytes of HMAC_256 material');
    for (const error of [rsa, hmac])
      for (const line of [...pkcs1.split('\n'), ...pkcs8.split('\n')].filter((l) => l.length > 40)) expect(everythingSaidBy(error)).not.toContain(line);
    expect(kmsMock.calls()).toEqual([]);
  });
});
