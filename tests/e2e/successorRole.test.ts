/**
 * End to end, who manages a key after the function (docs/key-policy.md, "Successors of the function's
 * role"): the built bundle through the driver against the emulator, every KMS request authorised
 * against template.yaml's execution-role policy. A function redeployed with a new role under the same
 * path (a recreated stack gives it a new name) updates and deletes the keys the old role made: the
 * caller changes between two requests. And a key whose policy lets no successor in is never left
 * behind in silence by a Delete.
 */
import { existsSync } from 'node:fs';
import { KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { createDriver, DEFAULT_BUNDLE_PATH, DEFAULT_IDENTITY, type Driver, functionArnOf, Stack, stackIdOf } from '../../local/driver/index.ts';
import { emulatorControl } from '../../local/emulator/client.ts';
import { startEmulator } from '../../local/emulator/index.ts';
import { E2E_REQUEST_GAP_MS, iamRealism } from './fieldRealism.ts';

const ACCOUNT_ID = DEFAULT_IDENTITY.accountId;
const OWNER = 'MultiRegionKmsKeys:Owner';
/** The role of the first deployment and of its redeployment: same path, new generated name. */
const OLD_ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/multi-region-kms-keys/keys-FunctionRole-OLD111`;
const NEW_ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/multi-region-kms-keys/keys-FunctionRole-NEW222`;

describe('End to end: a function redeployed with a new role manages the keys of the old one', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let oldFunction: Driver;
  let newFunction: Driver;
  let stackCount = 0;
  const control = () => emulatorControl(emulator.url);
  const stackOn = (driver: Driver, id: string) =>
    new Stack(driver, {
      stackId: id,
      logicalResourceId: 'Keys',
      resourceType: 'Custom::MultiRegionKmsKeys',
      serviceToken: functionArnOf(DEFAULT_IDENTITY, 'multi-region-kms-keys'),
    });
  const props = (keys: Record<string, unknown>) => ({ AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: keys });
  /** The same resource, now served by another function (its stack redeployed): CloudFormation's record moves along. */
  const handedTo = (stack: Stack, driver: Driver) => {
    const moved = stackOn(driver, stack.resource.stackId);
    moved.physicalResourceId = stack.physicalResourceId;
    moved.properties = stack.properties;
    return moved;
  };
  const keysOf = async (owner: string) => (await control().state()).keys.filter((k) => k.tags[OWNER] === owner);

  beforeAll(async () => {
    if (!existsSync(DEFAULT_BUNDLE_PATH)) throw new Error(`${DEFAULT_BUNDLE_PATH} is missing: run npm run build (npm test does)`);
    emulator = await startEmulator({ port: 0, regions: ['eu-west-1', 'us-east-1'], replicaCreatingMs: 200, ...iamRealism(), callerArn: OLD_ROLE });
    oldFunction = await createDriver({ endpointUrl: emulator.url, requestGapMs: E2E_REQUEST_GAP_MS, env: { EXECUTION_ROLE_ARN: OLD_ROLE } });
    newFunction = await createDriver({ endpointUrl: emulator.url, requestGapMs: E2E_REQUEST_GAP_MS, env: { EXECUTION_ROLE_ARN: NEW_ROLE } });
  });
  afterAll(async () => {
    await oldFunction?.close();
    await newFunction?.close();
    await emulator?.close();
  });
  beforeEach(async () => {
    await control().config({ callerArn: OLD_ROLE });
  });

  it('updates and deletes, as the new role, the keys the old role made', async () => {
    // Prepare: the first deployment creates a multi-Region key and a single-Region one.
    const id = stackIdOf({ ...DEFAULT_IDENTITY, stackName: `successor-${++stackCount}` });
    const keys = props({ 'cmk-a': { Region: 'us-east-1', ReplicaRegions: ['eu-west-1'] }, 'cmk-b': { Region: 'eu-west-1' } });
    const first = stackOn(oldFunction, id);
    const created = await first.create(keys);
    expect([created.status, created.reason]).toEqual(['SUCCESS', null]);
    const owner = created.physicalResourceId!;

    // Act: the function's stack is redeployed; its role is a new one under the same path.
    await control().config({ callerArn: NEW_ROLE });
    const redeployed = handedTo(first, newFunction);
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
    const first = stackOn(oldFunction, id);
    const created = await first.create(props({ 'cmk-lone': { Region: 'us-east-1' } }));
    expect(created.status).toBe('SUCCESS');
    const keyId = created.data?.['KeyIds.us-east-1.cmk-lone'] as string;
    const lone = { Version: '2012-10-17', Statement: [{ Sid: 'OldRoleOnly', Effect: 'Allow', Principal: { AWS: OLD_ROLE }, Action: 'kms:*', Resource: '*' }] };
    const kms = new KMSClient({ region: 'us-east-1', endpoint: emulator.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
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
    const redeployed = handedTo(first, newFunction);
    const deleted = await redeployed.delete();

    // Assess
    expect(deleted.status).toBe('FAILED');
    expect(deleted.reason).toContain(`${keyId} in us-east-1 (alias/cmk-lone)`);
    expect(deleted.reason).toMatch(/lost access to them.*put-key-policy/);
    expect((await control().state()).keys.find((k) => k.keyId === keyId)?.keyState).toBe('Enabled');
  });
});
