/**
 * End to end, who manages a key after the function (docs/key-policy.md, "Successors of the function's
 * role"): the built bundle through the driver against the emulator, every KMS request authorised
 * against template.yaml's execution-role policy. A function redeployed with a new role under the same
 * path (a recreated stack gives it a new name) updates and deletes the keys the old role made: the
 * caller changes between two requests. A key whose policy lets no successor in is never left
 * behind in silence by a Delete. And the two-step upgrade docs/deploy.md gives an existing
 * deployment (role without a path) works as written.
 */
import { existsSync } from 'node:fs';
import { GetKeyPolicyCommand, KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { createDriver, DEFAULT_BUNDLE_PATH, DEFAULT_IDENTITY, type Driver, functionArnOf, Stack, stackIdOf } from '../../local/driver/index.ts';
import { emulatorControl } from '../../local/emulator/client.ts';
import { startEmulator } from '../../local/emulator/index.ts';
import { E2E_REQUEST_GAP_MS, iamRealism } from './fieldRealism.ts';

const ACCOUNT_ID = DEFAULT_IDENTITY.accountId;
const OWNER = 'MultiRegionKmsKeys:Owner';
/** The role of the first deployment and of its redeployment: same path, new generated name. */
const OLD_ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/multi-region-kms-keys/keys-FunctionRole-OLD111`;
const NEW_ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/multi-region-kms-keys/keys-FunctionRole-NEW222`;

const stackOn = (driver: Driver, id: string) =>
  new Stack(driver, {
    stackId: id,
    logicalResourceId: 'Keys',
    resourceType: 'Custom::MultiRegionKmsKeys',
    serviceToken: functionArnOf(DEFAULT_IDENTITY, 'multi-region-kms-keys'),
  });

/** The same resource, now served by another function (its stack redeployed): CloudFormation's record moves along. */
function handedTo(stack: Stack, driver: Driver): Stack {
  const moved = stackOn(driver, stack.resource.stackId);
  moved.physicalResourceId = stack.physicalResourceId;
  moved.properties = stack.properties;
  return moved;
}

/**
 * An emulator evaluating IAM, `firstRole` its caller, and the function deployed twice: as `firstRole`
 * and as `secondRole` (the same stack redeployed with another role). Started before the describe's
 * tests, stopped after them.
 */
function twoRoleEnvironment(firstRole: string, secondRole: string) {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let first: Driver;
  let second: Driver;
  beforeAll(async () => {
    if (!existsSync(DEFAULT_BUNDLE_PATH)) throw new Error(`${DEFAULT_BUNDLE_PATH} is missing: run npm run build (npm test does)`);
    emulator = await startEmulator({ port: 0, regions: ['eu-west-1', 'us-east-1'], replicaCreatingMs: 200, ...iamRealism(), callerArn: firstRole });
    first = await createDriver({ endpointUrl: emulator.url, requestGapMs: E2E_REQUEST_GAP_MS, env: { EXECUTION_ROLE_ARN: firstRole } });
    second = await createDriver({ endpointUrl: emulator.url, requestGapMs: E2E_REQUEST_GAP_MS, env: { EXECUTION_ROLE_ARN: secondRole } });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await emulator?.close();
  });
  return { url: () => emulator.url, control: () => emulatorControl(emulator.url), first: () => first, second: () => second };
}

describe('End to end: a function redeployed with a new role manages the keys of the old one', () => {
  const { url, control, first: oldFunction, second: newFunction } = twoRoleEnvironment(OLD_ROLE, NEW_ROLE);
  let stackCount = 0;
  const props = (keys: Record<string, unknown>) => ({ AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: keys });
  const keysOf = async (owner: string) => (await control().state()).keys.filter((k) => k.tags[OWNER] === owner);

  beforeEach(async () => {
    await control().config({ callerArn: OLD_ROLE });
  });

  it('updates and deletes, as the new role, the keys the old role made', async () => {
    // Prepare: the first deployment creates a multi-Region key and a single-Region one.
    const id = stackIdOf({ ...DEFAULT_IDENTITY, stackName: `successor-${++stackCount}` });
    const keys = props({ 'cmk-a': { Region: 'us-east-1', ReplicaRegions: ['eu-west-1'] }, 'cmk-b': { Region: 'eu-west-1' } });
    const first = stackOn(oldFunction(), id);
    const created = await first.create(keys);
    expect([created.status, created.reason]).toEqual(['SUCCESS', null]);
    const owner = created.physicalResourceId!;

    // Act: the function's stack is redeployed; its role is a new one under the same path.
    await control().config({ callerArn: NEW_ROLE });
    const redeployed = handedTo(first, newFunction());
    const updated = await redeployed.update(
      props({ 'cmk-a': { Region: 'us-east-1', ReplicaRegions: ['eu-west-1'], Description: 'v2' }, 'cmk-b': { Region: 'eu-west-1' } }),
    );
    const afterUpdate = await keysOf(owner);
    const deleted = await redeployed.delete();

    // Assess
    expect([updated.status, updated.reason]).toEqual(['SUCCESS', null]);
    expect(afterUpdate.filter((k) => k.tags['MultiRegionKmsKeys:KeyName'] === 'cmk-a').map((k) => k.description)).toEqual(['v2', 'v2']);
    for (const key of afterUpdate) expect(key.policy).toContain(NEW_ROLE);
    expect(deleted.status).toBe('SUCCESS');
    const left = await keysOf(owner);
    expect(left.length).toBe(3);
    expect(left.filter((k) => k.keyState !== 'PendingDeletion' && k.keyState !== 'PendingReplicaDeletion')).toEqual([]);
  });

  it('fails a Delete, naming key, Region and what to do, when a key under its alias lets no successor in', async () => {
    // Prepare: a key of the old role whose policy someone cut down to the old role alone.
    const id = stackIdOf({ ...DEFAULT_IDENTITY, stackName: `successor-${++stackCount}` });
    const first = stackOn(oldFunction(), id);
    const created = await first.create(props({ 'cmk-lone': { Region: 'us-east-1' } }));
    expect(created.status).toBe('SUCCESS');
    const keyId = created.data?.['KeyIds.us-east-1.cmk-lone'] as string;
    const lone = { Version: '2012-10-17', Statement: [{ Sid: 'OldRoleOnly', Effect: 'Allow', Principal: { AWS: OLD_ROLE }, Action: 'kms:*', Resource: '*' }] };
    const kms = new KMSClient({ region: 'us-east-1', endpoint: url(), credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    // A key made moments ago may answer NotFoundException for a while (the emulator's consistency delay).
    for (let attempt = 0; ; attempt++) {
      try {
        await kms.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: JSON.stringify(lone), BypassPolicyLockoutSafetyCheck: true }));
        break;
      } catch (error) {
        if ((error as Error).name !== 'NotFoundException' || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    kms.destroy();

    // Act
    await control().config({ callerArn: NEW_ROLE });
    const redeployed = handedTo(first, newFunction());
    const deleted = await redeployed.delete();

    // Assess
    expect(deleted.status).toBe('FAILED');
    expect(deleted.reason).toContain(`${keyId} in us-east-1 (alias/cmk-lone)`);
    expect(deleted.reason).toMatch(/lost access to them.*put-key-policy/);
    expect((await control().state()).keys.find((k) => k.keyId === keyId)?.keyState).toBe('Enabled');
  });
});

/**
 * The two-step upgrade of an existing deployment (docs/deploy.md): its role has no path, and its keys
 * were made by a version whose policies had no successor statement. Step 1, the new version under the
 * same role: an Update gives the keys the successor statement. Step 2, the role replaced by one under
 * `/multi-region-kms-keys/` (FunctionRolePath set): it updates and deletes the keys.
 */
describe('End to end: the two-step upgrade of a deployment whose role has no path', () => {
  /** The existing deployment's role (no path) and the role FunctionRolePath=/multi-region-kms-keys/ makes. */
  const ROLE_A = `arn:aws:iam::${ACCOUNT_ID}:role/keys-FunctionRole-AAA111`;
  const ROLE_B = `arn:aws:iam::${ACCOUNT_ID}:role/multi-region-kms-keys/keys-FunctionRole-BBB222`;
  const SUCCESSORS = 'FunctionRoleSuccessorsManageKey';
  const { url, control, first: functionA, second: functionB } = twoRoleEnvironment(ROLE_A, ROLE_B);
  const props = (description: string) => ({
    AwsAccountId: ACCOUNT_ID,
    CustomerMasterKeys: { 'cmk-a': { Region: 'us-east-1', ReplicaRegions: ['eu-west-1'], Description: description }, 'cmk-b': { Region: 'eu-west-1' } },
  });
  const keysOf = async (owner: string) => (await control().state()).keys.filter((k) => k.tags[OWNER] === owner);
  const statementIds = (policy: string) => (JSON.parse(policy) as { Statement: { Sid?: string }[] }).Statement.map((s) => s.Sid);

  /** Takes the successor statement out of a key's policy, as the versions before it wrote them (retrying while the key is fresh). */
  async function asOldVersionMadeIt(region: string, keyId: string): Promise<void> {
    const kms = new KMSClient({ region, endpoint: url(), credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          const policy = JSON.parse((await kms.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }))).Policy!) as {
            Statement: { Sid?: string }[];
          };
          policy.Statement = policy.Statement.filter((statement) => statement.Sid !== SUCCESSORS);
          await kms.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: JSON.stringify(policy) }));
          return;
        } catch (error) {
          if ((error as Error).name !== 'NotFoundException' || attempt >= 20) throw error;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    } finally {
      kms.destroy();
    }
  }

  it('lets the new role manage the keys only after step 1 gave them the successor statement', async () => {
    // Prepare: keys of an old version under role A (no path): policies without the successor statement
    const original = stackOn(functionA(), stackIdOf({ ...DEFAULT_IDENTITY, stackName: 'two-step-upgrade' }));
    const created = await original.create(props('v1'));
    expect([created.status, created.reason]).toEqual(['SUCCESS', null]);
    const owner = created.physicalResourceId!;
    for (const key of await keysOf(owner)) await asOldVersionMadeIt(key.region, key.keyId);
    const oldStyle = await keysOf(owner);

    // Act: skipping step 1, role B cannot manage them (a control); step 1 as role A; step 2 as role B
    await control().config({ callerArn: ROLE_B });
    const tooEarly = await handedTo(original, functionB()).update(props('v2'));
    await control().config({ callerArn: ROLE_A });
    const newVersion = handedTo(original, functionA());
    const step1 = await newVersion.update(props('v2'));
    const afterStep1 = await keysOf(owner);
    await control().config({ callerArn: ROLE_B });
    const onB = handedTo(newVersion, functionB());
    const step2 = await onB.update(props('v3'));
    const afterStep2 = await keysOf(owner);
    const deleted = await onB.delete();

    // Assess
    expect(oldStyle).toHaveLength(3);
    for (const key of oldStyle) expect(statementIds(key.policy)).not.toContain(SUCCESSORS);
    expect(tooEarly.status).toBe('FAILED');
    expect(tooEarly.reason).toMatch(/^Refused, nothing was changed: .*which this resource cannot read/);
    expect([step1.status, step1.reason]).toEqual(['SUCCESS', null]);
    for (const key of afterStep1) {
      expect(statementIds(key.policy)).toContain(SUCCESSORS);
      expect(key.policy).toContain('role/multi-region-kms-keys/*');
    }
    expect([step2.status, step2.reason]).toEqual(['SUCCESS', null]);
    expect(afterStep2.filter((k) => k.tags['MultiRegionKmsKeys:KeyName'] === 'cmk-a').map((k) => k.description)).toEqual(['v3', 'v3']);
    for (const key of afterStep2) expect(key.policy).toContain(ROLE_B);
    expect(deleted.status).toBe('SUCCESS');
    expect((await keysOf(owner)).filter((k) => k.keyState !== 'PendingDeletion' && k.keyState !== 'PendingReplicaDeletion')).toEqual([]);
  });
});
