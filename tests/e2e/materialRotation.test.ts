/**
 * End to end for the rotation of imported key material (`KeyMaterial.AllowRotation`,
 * docs/key-material.md): the built bundle through the CloudFormation driver against the emulator. A
 * multi-Region EXTERNAL key encrypts in us-east-1; an Update points SecretArn at a secret with new
 * material and the key rotates to it in both Regions; it encrypts again; the replica in eu-west-1
 * decrypts both ciphertexts. A crash at every mutation of the rotating Update converges on the
 * redelivery, and no byte of either material reaches any output.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  createDriver,
  DEFAULT_BUNDLE_PATH,
  DEFAULT_IDENTITY,
  type Driver,
  functionArnOf,
  type ScenarioResult,
  Stack,
  scenarios,
  stackIdOf,
} from '../../local/driver/index.ts';
import { emulatorControl, type SnapshotKey } from '../../local/emulator/client.ts';
import { startEmulator } from '../../local/emulator/index.ts';

const ACCOUNT_ID = DEFAULT_IDENTITY.accountId;

const DAY_MS = 86_400_000;

function properties(name: string, secretArn: string, allowRotation: boolean | undefined, validTo?: string): Record<string, unknown> {
  return {
    AwsAccountId: ACCOUNT_ID,
    CustomerMasterKeys: {
      [name]: {
        Region: 'us-east-1',
        ReplicaRegions: ['eu-west-1'],
        Origin: 'EXTERNAL',
        KeyMaterial: {
          SecretArn: secretArn,
          ...(allowRotation === undefined ? {} : { AllowRotation: allowRotation }),
          ...(validTo === undefined ? {} : { ValidTo: validTo }),
        },
      },
    },
  };
}

/** Every spelling of the material a careless line could carry: raw, base64, base64url, hex (either case). */
function spellingsOf(material: Buffer): string[] {
  const hex = material.toString('hex');
  return [material.toString('base64'), material.toString('base64url'), hex, hex.toUpperCase(), material.toString('latin1')];
}

/** Everything the function said: log output, every PUT body (reason, data), the handler's return value. */
function outputsOf(result: ScenarioResult): string {
  return result.steps
    .map((step) => [step.stdout, step.stderr, JSON.stringify(step.puts), JSON.stringify(step.data ?? null), step.reason ?? ''].join('\n'))
    .join('\n');
}

describe('End to end: rotation of imported key material through the bundle, the driver and the emulator', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let driver: Driver;
  let stackCount = 0;
  let secretCount = 0;
  const clients: KMSClient[] = [];
  const control = () => emulatorControl(emulator.url);
  const kms = (region: string) => {
    const client = new KMSClient({ region, endpoint: emulator.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
    clients.push(client);
    return client;
  };
  const newStack = () =>
    new Stack(driver, {
      stackId: stackIdOf({ ...DEFAULT_IDENTITY, stackName: `byok-rotate-${++stackCount}` }),
      logicalResourceId: 'Keys',
      resourceType: 'Custom::MultiRegionKmsKeys',
      serviceToken: functionArnOf(DEFAULT_IDENTITY, 'multi-region-kms-keys'),
    });
  const newSecret = async (material: Buffer) =>
    (await control().secret({ region: 'us-east-1', name: `byok/rotate-${++secretCount}`, secretBinary: material.toString('base64') })).arn;
  const expectOk = (result: ScenarioResult) => {
    expect(result.problems).toEqual([]);
    for (const step of result.steps) expect(step.violations).toEqual([]);
  };
  const ourKeys = async (owner: string): Promise<SnapshotKey[]> =>
    (await control().state()).keys.filter((k) => k.tags['MultiRegionKmsKeys:Owner'] === owner).sort((a, b) => (a.region < b.region ? -1 : 1));
  /** Per Region: key state, the secret tag, and each material as `<description> <state>`. */
  const materialsOf = async (owner: string) =>
    Object.fromEntries(
      (await ourKeys(owner)).map((k) => [
        k.region,
        {
          state: k.keyState,
          secret: k.tags['MultiRegionKmsKeys:KeyMaterialSecret'],
          materials: (k.keyMaterials ?? []).map((m) => `${m.description ?? '-'} ${m.state}`),
        },
      ]),
    );
  const expectNoMaterialIn = (text: string, ...materials: Buffer[]) => {
    for (const material of materials) for (const spelling of spellingsOf(material)) expect(text.includes(spelling)).toBe(false);
  };
  const encrypt = async (keyId: string, text: string) =>
    (await kms('us-east-1').send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(text) }))).CiphertextBlob!;
  const decryptInReplica = async (blob: Uint8Array) =>
    Buffer.from((await kms('eu-west-1').send(new DecryptCommand({ CiphertextBlob: blob }))).Plaintext!).toString();

  beforeAll(async () => {
    if (!existsSync(DEFAULT_BUNDLE_PATH)) throw new Error(`${DEFAULT_BUNDLE_PATH} is missing: run npm run build (npm test does)`);
    emulator = await startEmulator({ port: 0, replicaCreatingMs: 200, regions: ['us-east-1', 'eu-west-1'] });
    driver = await createDriver({ endpointUrl: emulator.url });
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await driver?.close();
    await emulator?.close();
  });

  it('rotates a multi-Region key to the new secret: old and new ciphertexts decrypt in eu-west-1', async () => {
    // Prepare
    const [first, second] = [randomBytes(32), randomBytes(32)];
    const [firstArn, secondArn] = [await newSecret(first), await newSecret(second)];
    const stack = newStack();
    const created = await scenarios.create(stack, properties('cmk-rotate', firstArn, true));
    const owner = created.steps[0]!.physicalResourceId!;
    const keyArn = String(created.steps[0]!.data?.['KeyArns.us-east-1.cmk-rotate']);
    const before = await encrypt(keyArn, 'before the rotation');

    // Act
    const rotated = await scenarios.update(stack, properties('cmk-rotate', secondArn, true));
    const after = await encrypt(keyArn, 'after the rotation');
    const decrypted = [await decryptInReplica(before), await decryptInReplica(after)];
    const again = await scenarios.update(stack, properties('cmk-rotate', secondArn, true));

    // Assess
    expectOk(created);
    expectOk(rotated);
    expect(rotated.steps[0]!.data?.['KeyArns.us-east-1.cmk-rotate']).toBe(keyArn);
    expect(decrypted).toEqual(['before the rotation', 'after the rotation']);
    const settled = { state: 'Enabled', secret: secondArn, materials: [`${firstArn} NON_CURRENT`, `${secondArn} CURRENT`] };
    expect(await materialsOf(owner)).toEqual({ 'eu-west-1': settled, 'us-east-1': settled });
    expectOk(again);
    expect(again.steps[0]!.stdout).not.toContain('RotateKeyOnDemand');
    expectNoMaterialIn(outputsOf(created) + outputsOf(rotated) + outputsOf(again), first, second);
    expectOk(await scenarios.remove(stack));
  });

  it('rotates a key made before AllowRotation when the update sets it together with the new secret', async () => {
    // Prepare
    const [first, second] = [randomBytes(32), randomBytes(32)];
    const [firstArn, secondArn] = [await newSecret(first), await newSecret(second)];
    const stack = newStack();
    const created = await scenarios.create(stack, properties('cmk-upgrade', firstArn, undefined));
    const owner = created.steps[0]!.physicalResourceId!;
    const before = await encrypt('alias/cmk-upgrade', 'made before AllowRotation');

    // Act
    const rotated = await scenarios.update(stack, properties('cmk-upgrade', secondArn, true));
    const decrypted = [await decryptInReplica(before), await decryptInReplica(await encrypt('alias/cmk-upgrade', 'after'))];

    // Assess
    expectOk(created);
    expectOk(rotated);
    expect(decrypted).toEqual(['made before AllowRotation', 'after']);
    const settled = { state: 'Enabled', secret: secondArn, materials: ['- NON_CURRENT', `${secondArn} CURRENT`] };
    expect(await materialsOf(owner)).toEqual({ 'eu-west-1': settled, 'us-east-1': settled });
    expectNoMaterialIn(outputsOf(created) + outputsOf(rotated), first, second);
    expectOk(await scenarios.remove(stack));
  });

  it('imports the old material again from its secret when it expires after the rotation, so old ciphertext decrypts again', async () => {
    // Prepare
    const [first, second] = [randomBytes(32), randomBytes(32)];
    const [firstArn, secondArn] = [await newSecret(first), await newSecret(second)];
    const soon = new Date(Math.ceil((Date.now() + 2 * DAY_MS) / 1000) * 1000).toISOString();
    const later = new Date(Math.ceil((Date.now() + 400 * DAY_MS) / 1000) * 1000).toISOString();
    const stack = newStack();
    const created = await scenarios.create(stack, properties('cmk-expiring', firstArn, true, soon));
    const owner = created.steps[0]!.physicalResourceId!;
    const before = await encrypt('alias/cmk-expiring', 'under the first material');
    const rotated = await scenarios.update(stack, properties('cmk-expiring', secondArn, true, later));

    // Act
    await control().advanceTime(3);
    const expired = Object.fromEntries((await ourKeys(owner)).map((k) => [k.region, k.keyState]));
    const restored = await scenarios.update(stack, properties('cmk-expiring', secondArn, true, later));
    const decrypted = await decryptInReplica(before);

    // Assess
    expectOk(created);
    expectOk(rotated);
    expect(expired).toEqual({ 'eu-west-1': 'PendingImport', 'us-east-1': 'PendingImport' });
    expectOk(restored);
    const settled = { state: 'Enabled', secret: secondArn, materials: [`${firstArn} NON_CURRENT`, `${secondArn} CURRENT`] };
    expect(await materialsOf(owner)).toEqual({ 'eu-west-1': settled, 'us-east-1': settled });
    expect(decrypted).toBe('under the first material');
    expectNoMaterialIn(outputsOf(created) + outputsOf(rotated) + outputsOf(restored), first, second);
    expectOk(await scenarios.remove(stack));
  });

  it('converges after a crash at every mutation of the rotating Update (between the imports of two Regions too)', async () => {
    // Prepare: the clean run says how many mutating calls the rotating Update makes
    const [first, second] = [randomBytes(32), randomBytes(32)];
    const [firstArn, secondArn] = [await newSecret(first), await newSecret(second)];
    const clean = newStack();
    expectOk(await scenarios.create(clean, properties('cmk-crash', firstArn, true)));
    await control().resetCounts();
    expectOk(await scenarios.update(clean, properties('cmk-crash', secondArn, true)));
    const mutations = (await control().counts()).mutations;
    expectOk(await scenarios.remove(clean));

    // Act
    const results: { n: number; problems: string[]; settled: boolean; decrypts: string[] }[] = [];
    for (let n = 1; n <= mutations; n++) {
      const stack = newStack();
      const created = await scenarios.create(stack, properties('cmk-crash', firstArn, true));
      const owner = created.steps[0]!.physicalResourceId!;
      const before = await encrypt('alias/cmk-crash', `before ${n}`);
      const run = await scenarios.crashAndRedeliver(stack, 'Update', properties('cmk-crash', secondArn, true), scenarios.emulatorCrash(emulator.url, n));
      const found = await materialsOf(owner);
      const wanted = { state: 'Enabled', secret: secondArn, materials: [`${firstArn} NON_CURRENT`, `${secondArn} CURRENT`] };
      const settled = JSON.stringify(found) === JSON.stringify({ 'eu-west-1': wanted, 'us-east-1': wanted });
      const decrypts = settled ? [await decryptInReplica(before), await decryptInReplica(await encrypt('alias/cmk-crash', `after ${n}`))] : [];
      results.push({ n, problems: [...created.problems, ...run.problems], settled, decrypts });
      expectNoMaterialIn(outputsOf(created) + outputsOf(run), first, second);
      expectOk(await scenarios.remove(stack));
    }

    // Assess: imports in two Regions, the rotation and two tag moves at least
    expect(mutations).toBeGreaterThanOrEqual(5);
    expect(results).toEqual(
      Array.from({ length: mutations }, (_, i) => ({ n: i + 1, problems: [], settled: true, decrypts: [`before ${i + 1}`, `after ${i + 1}`] })),
    );
  });
});
