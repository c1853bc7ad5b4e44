/**
 * End to end for imported key material (docs/key-material.md): the built bundle through the
 * CloudFormation driver against the emulator, whose Secrets Manager holds the material. A
 * multi-Region EXTERNAL key encrypts in us-east-1 and decrypts in eu-west-1; expired material is
 * imported again; a missing or malformed secret and material of the wrong length fail the request;
 * a crash between two Regions' imports converges; HMAC and asymmetric material (RSA_AES_KEY_WRAP)
 * make keys whose MACs and signatures verify with the replica; and no byte of the material reaches
 * a log line, a reason, an attribute or a response, on success or failure.
 */
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import {
  DecryptCommand,
  EncryptCommand,
  GenerateMacCommand,
  GetPublicKeyCommand,
  KMSClient,
  SignCommand,
  VerifyCommand,
  VerifyMacCommand,
} from '@aws-sdk/client-kms';
import { DEFAULT_IDENTITY, type ScenarioResult, scenarios } from '../../local/driver/index.ts';
import type { SnapshotKey } from '../../local/emulator/client.ts';
import { useDriverEnvironment } from '../support/driverEnvironment.ts';

const ACCOUNT_ID = DEFAULT_IDENTITY.accountId;
const DAY_MS = 86_400_000;

function properties(name: string, secretArn: string, extra: Record<string, unknown> = {}, keyMaterial: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    AwsAccountId: ACCOUNT_ID,
    CustomerMasterKeys: {
      [name]: { Region: 'us-east-1', ReplicaRegions: ['eu-west-1'], Origin: 'EXTERNAL', KeyMaterial: { SecretArn: secretArn, ...keyMaterial }, ...extra },
    },
  };
}

/** Every spelling of the material a careless line could carry: raw, base64, base64url, hex (either case). */
function spellingsOf(material: Buffer): string[] {
  return [
    material.toString('base64'),
    material.toString('base64url'),
    material.toString('hex'),
    material.toString('hex').toUpperCase(),
    material.toString('latin1'),
  ];
}

/** Everything the function said: log output, every PUT body (reason, data), the handler's return value. */
function outputsOf(result: ScenarioResult): string {
  return result.steps
    .map((step) => [step.stdout, step.stderr, JSON.stringify(step.puts), JSON.stringify(step.data ?? null), step.reason ?? ''].join('\n'))
    .join('\n');
}

describe('End to end: imported key material through the bundle, the driver and the emulator', () => {
  const env = useDriverEnvironment({ stackPrefix: 'byok', emulator: { replicaCreatingMs: 200, regions: ['us-east-1', 'eu-west-1', 'us-west-2'] } });
  const { control, newStack } = env;
  let secretCount = 0;
  const clients: KMSClient[] = [];
  const kms = (region: string) => {
    const client = new KMSClient({ region, endpoint: env.emulator.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
    clients.push(client);
    return client;
  };
  const newSecret = async (value: { secretBinary?: Buffer; secretString?: string }) =>
    (
      await control().secret({
        region: 'us-east-1',
        name: `byok/material-${++secretCount}`,
        ...(value.secretBinary === undefined ? {} : { secretBinary: value.secretBinary.toString('base64') }),
        ...(value.secretString === undefined ? {} : { secretString: value.secretString }),
      })
    ).arn;
  const expectOk = (result: ScenarioResult) => {
    expect(result.problems).toEqual([]);
    for (const step of result.steps) expect(step.violations).toEqual([]);
  };
  const ourKeys = async (owner: string): Promise<SnapshotKey[]> =>
    (await control().state()).keys.filter((k) => k.tags['MultiRegionKmsKeys:Owner'] === owner).sort((a, b) => (a.region < b.region ? -1 : 1));
  const statesOf = async (owner: string) => Object.fromEntries((await ourKeys(owner)).map((k) => [k.region, k.keyState]));
  const expectNoMaterialIn = (text: string, material: Buffer) => {
    for (const spelling of spellingsOf(material)) expect(text.includes(spelling)).toBe(false);
  };

  afterAll(() => {
    for (const client of clients) client.destroy();
  });

  it('creates a multi-Region EXTERNAL key from a secret: encrypt in us-east-1, decrypt in eu-west-1', async () => {
    // Prepare
    const material = randomBytes(32);
    const secretArn = await newSecret({ secretBinary: material });
    const stack = newStack();

    // Act
    const created = await scenarios.create(stack, properties('cmk-byok', secretArn));
    const owner = created.steps[0]!.physicalResourceId!;
    const keyArn = String(created.steps[0]!.data?.['KeyArns.us-east-1.cmk-byok']);
    const sealed = await kms('us-east-1').send(new EncryptCommand({ KeyId: keyArn, Plaintext: Buffer.from('regulated data') }));
    const opened = await kms('eu-west-1').send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob }));
    const removed = await scenarios.remove(stack);

    // Assess
    expectOk(created);
    expect(await statesOf(owner)).toEqual({ 'eu-west-1': 'PendingDeletion', 'us-east-1': 'PendingReplicaDeletion' });
    expect(Buffer.from(opened.Plaintext!).toString()).toBe('regulated data');
    expectOk(removed);
    expectNoMaterialIn(outputsOf(created) + outputsOf(removed), material);
  });

  it('imports again when the material expired, and when ValidTo changes', async () => {
    // Prepare
    const material = randomBytes(32);
    const secretArn = await newSecret({ secretString: material.toString('base64') });
    const stack = newStack();
    const soon = new Date(Math.ceil((Date.now() + 2 * DAY_MS) / 1000) * 1000).toISOString();
    const later = new Date(Math.ceil((Date.now() + 400 * DAY_MS) / 1000) * 1000).toISOString();
    const created = await scenarios.create(stack, properties('cmk-expiry', secretArn, {}, { ValidTo: soon }));
    const owner = created.steps[0]!.physicalResourceId!;
    const validToOf = async () => Object.fromEntries((await ourKeys(owner)).map((k) => [k.region, k.keyMaterialValidTo]));
    const afterCreate = await validToOf();

    // Act
    await control().advanceTime(3);
    const expired = await statesOf(owner);
    const reimported = await scenarios.update(stack, properties('cmk-expiry', secretArn, {}, { ValidTo: later }));
    const afterUpdate = await validToOf();

    // Assess
    expectOk(created);
    expect(afterCreate).toEqual({ 'eu-west-1': soon, 'us-east-1': soon });
    expect(expired).toEqual({ 'eu-west-1': 'PendingImport', 'us-east-1': 'PendingImport' });
    expectOk(reimported);
    expect(await statesOf(owner)).toEqual({ 'eu-west-1': 'Enabled', 'us-east-1': 'Enabled' });
    expect(afterUpdate).toEqual({ 'eu-west-1': later, 'us-east-1': later });
    expectNoMaterialIn(outputsOf(created) + outputsOf(reimported), material);
    expectOk(await scenarios.remove(stack));
  });

  it('fails on a missing secret, a malformed one and material of the wrong length, naming the secret and never its value', async () => {
    // Prepare
    const short = randomBytes(16);
    const cases = [
      { arn: `arn:aws:secretsmanager:us-east-1:${ACCOUNT_ID}:secret:byok/absent-AbCdEf`, says: 'ResourceNotFoundException', value: null },
      { arn: await newSecret({ secretString: 'not base64: 0123456789abcdef!' }), says: 'not base64', value: 'not base64: 0123456789abcdef!' },
      { arn: await newSecret({ secretBinary: short }), says: 'holds 16 bytes', value: short },
    ];

    // Act
    const results = [];
    for (const item of cases) results.push({ item, result: await scenarios.failedCreateThenDelete(newStack(), properties('cmk-broken', item.arn)) });

    // Assess
    for (const { item, result } of results) {
      expectOk(result);
      expect(result.steps[0]!.reason).toContain(item.arn);
      expect(result.steps[0]!.reason).toContain(item.says);
      if (Buffer.isBuffer(item.value)) expectNoMaterialIn(outputsOf(result), item.value);
      if (typeof item.value === 'string') expect(outputsOf(result).includes(item.value)).toBe(false);
    }
  });

  it('refuses a changed SecretArn whose material differs, and changes nothing', async () => {
    // Prepare
    const first = randomBytes(32);
    const second = randomBytes(32);
    const stack = newStack();
    const firstArn = await newSecret({ secretBinary: first });
    const created = await scenarios.create(stack, properties('cmk-swap', firstArn));
    const owner = created.steps[0]!.physicalResourceId!;
    const otherArn = await newSecret({ secretBinary: second });

    // Act
    const refused = await scenarios.update(stack, properties('cmk-swap', otherArn), 'FAILED');

    // Assess
    expectOk(created);
    expect(refused.steps[0]!.reason).toContain(`the material in ${otherArn} is not the material key`);
    expect(refused.steps[0]!.reason).toContain('AllowReplacement');
    expect(await statesOf(owner)).toEqual({ 'eu-west-1': 'Enabled', 'us-east-1': 'Enabled' });
    // The secret recorded on the keys is still the one their material came from.
    expect((await ourKeys(owner)).map((k) => k.tags['MultiRegionKmsKeys:KeyMaterialSecret'])).toEqual([firstArn, firstArn]);
    expectNoMaterialIn(outputsOf(created) + outputsOf(refused), first);
    expectNoMaterialIn(outputsOf(refused), second);
  });

  it('converges after a crash between the imports of two Regions (at every mutation of the Create)', async () => {
    // Prepare: the clean run says how many mutating calls the Create makes
    const material = randomBytes(32);
    const secretArn = await newSecret({ secretBinary: material });
    const clean = newStack();
    await control().resetCounts();
    expectOk(await scenarios.create(clean, properties('cmk-crash', secretArn)));
    const mutations = (await control().counts()).mutations;
    expectOk(await scenarios.remove(clean));

    // Act
    const results: { n: number; problems: string[]; states: Record<string, string>; decrypts: boolean }[] = [];
    for (let n = 1; n <= mutations; n++) {
      const stack = newStack();
      const run = await scenarios.crashAndRedeliver(stack, 'Create', properties('cmk-crash', secretArn), scenarios.emulatorCrash(env.emulator.url, n));
      const owner = run.steps[1]!.physicalResourceId!;
      if (run.problems.length > 0) {
        results.push({ n, problems: run.problems, states: await statesOf(owner), decrypts: false });
        continue;
      }
      const sealed = await kms('us-east-1').send(new EncryptCommand({ KeyId: 'alias/cmk-crash', Plaintext: Buffer.from('after the crash') }));
      const opened = await kms('eu-west-1').send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob }));
      results.push({ n, problems: run.problems, states: await statesOf(owner), decrypts: Buffer.from(opened.Plaintext!).toString() === 'after the crash' });
      expectNoMaterialIn(outputsOf(run), material);
      expectOk(await scenarios.remove(stack));
    }

    // Assess
    expect(mutations).toBeGreaterThanOrEqual(5);
    expect(results).toEqual(
      Array.from({ length: mutations }, (_, i) => ({ n: i + 1, problems: [], states: { 'eu-west-1': 'Enabled', 'us-east-1': 'Enabled' }, decrypts: true })),
    );
  });

  it('leaves a single-Region EXTERNAL key without KeyMaterial PendingImport and manages it like any other', async () => {
    // Prepare
    const stack = newStack();
    const props = { AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: { 'cmk-later': { Region: 'us-west-2', Origin: 'EXTERNAL', Tags: { Team: 'a' } } } };

    // Act
    const created = await scenarios.create(stack, props);
    const owner = created.steps[0]!.physicalResourceId!;
    const updated = await scenarios.update(stack, {
      ...props,
      CustomerMasterKeys: { 'cmk-later': { Region: 'us-west-2', Origin: 'EXTERNAL', Tags: { Team: 'b' } } },
    });
    const [key] = await ourKeys(owner);

    // Assess
    expectOk(created);
    expectOk(updated);
    expect(key).toMatchObject({ region: 'us-west-2', keyState: 'PendingImport' });
    expect(key!.tags.Team).toBe('b');
    expect(created.steps[0]!.stdout).toContain('awaits import');
    expect(created.steps[0]!.data?.['AwaitingImport.us-west-2.cmk-later']).toBe('true');
    expectOk(await scenarios.remove(stack));
  });

  it('imports HMAC material into a multi-Region key: GenerateMac in us-east-1, VerifyMac with the replica in eu-west-1', async () => {
    // Prepare
    const material = randomBytes(48);
    const secretArn = await newSecret({ secretBinary: material });
    const stack = newStack();
    const message = Buffer.from('payment 42');

    // Act
    const created = await scenarios.create(stack, properties('cmk-mac', secretArn, { Spec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }));
    const keyArn = String(created.steps[0]!.data?.['KeyArns.us-east-1.cmk-mac']);
    const made = await kms('us-east-1').send(new GenerateMacCommand({ KeyId: keyArn, Message: message, MacAlgorithm: 'HMAC_SHA_256' }));
    const verified = await kms('eu-west-1').send(
      new VerifyMacCommand({ KeyId: 'alias/cmk-mac', Message: message, Mac: made.Mac, MacAlgorithm: 'HMAC_SHA_256' }),
    );
    const removed = await scenarios.remove(stack);

    // Assess
    expectOk(created);
    expect(verified.MacValid).toBe(true);
    expectOk(removed);
    expectNoMaterialIn(outputsOf(created) + outputsOf(removed), material);
  });

  it.each([
    ['ECC_NIST_P256', 'ECDSA_SHA_256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey],
    ['RSA_2048', 'RSASSA_PKCS1_V1_5_SHA_256', () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey],
  ] as const)('imports a %s private key: Sign with the primary, Verify with the replica, its public key', async (spec, algorithm, make) => {
    // Prepare
    const privateKey = make();
    const material = privateKey.export({ format: 'der', type: 'pkcs8' });
    const secretArn = await newSecret({ secretString: material.toString('base64') });
    const stack = newStack();
    const name = `cmk-sign-${spec.toLowerCase().replaceAll('_', '-')}`;
    const message = Buffer.from('artefact digest');

    // Act
    const created = await scenarios.create(stack, properties(name, secretArn, { Spec: spec, KeyUsage: 'SIGN_VERIFY' }));
    const signed = await kms('us-east-1').send(new SignCommand({ KeyId: `alias/${name}`, Message: message, SigningAlgorithm: algorithm }));
    const verified = await kms('eu-west-1').send(
      new VerifyCommand({ KeyId: `alias/${name}`, Message: message, Signature: signed.Signature, SigningAlgorithm: algorithm }),
    );
    const publicKey = await kms('eu-west-1').send(new GetPublicKeyCommand({ KeyId: `alias/${name}` }));
    const removed = await scenarios.remove(stack);

    // Assess
    expectOk(created);
    expect(verified.SignatureValid).toBe(true);
    expect(Buffer.from(publicKey.PublicKey!).equals(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }))).toBe(true);
    expectOk(removed);
    expectNoMaterialIn(outputsOf(created) + outputsOf(removed), material);
  });

  it('refuses HMAC or asymmetric material that does not fit the spec, naming the path and the secret, never the material', async () => {
    // Prepare
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'der', type: 'pkcs8' });
    const cases = [
      {
        spec: { Spec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' },
        material: randomBytes(16),
        says: 'holds 16 bytes: HMAC_256 key material is 32 to 64 bytes',
      },
      {
        spec: { Spec: 'HMAC_512', KeyUsage: 'GENERATE_VERIFY_MAC' },
        material: randomBytes(129),
        says: 'holds 129 bytes: HMAC_512 key material is 64 to 128 bytes',
      },
      {
        spec: { Spec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' },
        material: p256,
        says: 'holds an EC private key on prime256v1: RSA_2048 key material is an RSA 2048-bit private key',
      },
      { spec: { Spec: 'ECC_NIST_P384', KeyUsage: 'SIGN_VERIFY' }, material: randomBytes(185), says: 'holds 185 bytes that are not a PKCS #8 DER private key' },
    ];

    // Act
    const results = [];
    for (const item of cases) {
      const arn = await newSecret({ secretBinary: item.material });
      results.push({ item, arn, result: await scenarios.failedCreateThenDelete(newStack(), properties('cmk-misfit', arn, item.spec)) });
    }

    // Assess
    for (const { item, arn, result } of results) {
      expectOk(result);
      expect(result.steps[0]!.reason).toContain(`the key material secret ${arn} (CustomerMasterKeys.cmk-misfit.KeyMaterial.SecretArn) ${item.says}`);
      expectNoMaterialIn(outputsOf(result), item.material);
    }
  });
});
