/**
 * End to end, which AccessDeniedException is a Region denial (docs/behaviour.md §4): the built bundle
 * through the driver against the emulator. Only a service control policy's denial skips a Region (and
 * a Delete names it); a denial for want of an identity-policy Allow is retried while IAM propagates,
 * then fails naming action, Region and policy type — a Create never gets SCP advice for it, a Delete
 * never succeeds over it.
 */
import { existsSync } from 'node:fs';
import { createDriver, DEFAULT_BUNDLE_PATH, DEFAULT_IDENTITY, type Driver, functionArnOf, Stack, stackIdOf } from '../../local/driver/index.ts';
import { emulatorControl } from '../../local/emulator/client.ts';
import { startEmulator } from '../../local/emulator/index.ts';
import { iamRealism } from './fieldRealism.ts';

const ACCOUNT_ID = DEFAULT_IDENTITY.accountId;
const REGIONS = ['eu-west-1', 'us-east-1', 'us-west-2'];
/** template.yaml's role policy, less the listings (kms:ListKeys, kms:ListAliases) in us-west-2 (as a role whose policy is still propagating there sees it). */
const IAM = iamRealism();
const withoutListingsIn = (region: string) => {
  const policy = IAM.identityPolicy as { Statement: Record<string, unknown>[] };
  return {
    ...policy,
    Statement: policy.Statement.map((statement) => {
      const actions = ([] as string[]).concat(statement.Action as string | string[]);
      if (!actions.includes('kms:ListAliases')) return statement;
      return { ...statement, Condition: { StringNotEquals: { 'aws:RequestedRegion': region } } };
    }),
  };
};
/** An organisation's own Region deny: KMS denied outside us-east-1 and eu-west-1. */
const ORG_REGION_DENY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DenyKmsOutsideRegions',
      Effect: 'Deny',
      Action: 'kms:*',
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] } },
    },
  ],
};

describe('End to end: which AccessDeniedException is a Region denial', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let driver: Driver;
  /** The same function with a window far longer than the policy takes to arrive in the test. */
  let patientDriver: Driver;
  let stackCount = 0;
  const control = () => emulatorControl(emulator.url);
  const newStack = (on: Driver = driver) =>
    new Stack(on, {
      stackId: stackIdOf({ ...DEFAULT_IDENTITY, stackName: `access-${++stackCount}` }),
      logicalResourceId: 'Keys',
      resourceType: 'Custom::MultiRegionKmsKeys',
      serviceToken: functionArnOf(DEFAULT_IDENTITY, 'multi-region-kms-keys'),
    });
  const props = (keys: Record<string, unknown>) => ({ AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: keys });

  beforeAll(async () => {
    if (!existsSync(DEFAULT_BUNDLE_PATH)) throw new Error(`${DEFAULT_BUNDLE_PATH} is missing: run npm run build (npm test does)`);
    emulator = await startEmulator({ port: 0, regions: REGIONS, replicaCreatingMs: 200, ...IAM });
    // A short propagation window keeps the test quick; the default is 60 s.
    driver = await createDriver({ endpointUrl: emulator.url, requestGapMs: 600, env: { IAM_PROPAGATION_MS: '3000' } });
    patientDriver = await createDriver({ endpointUrl: emulator.url, requestGapMs: 600, env: { IAM_PROPAGATION_MS: '30000' } });
  });
  afterAll(async () => {
    await driver?.close();
    await patientDriver?.close();
    await emulator?.close();
  });
  afterEach(async () => {
    await control().config({ identityPolicy: IAM.identityPolicy, scp: null });
  });

  it('fails a Create whose listing the identity policy does not allow, naming action, Region and policy type, without SCP advice', async () => {
    // Prepare
    await control().config({ identityPolicy: withoutListingsIn('us-west-2') });

    // Act
    const created = await newStack().create(props({ 'cmk-a': { Region: 'us-east-1' } }));

    // Assess
    expect(created.status).toBe('FAILED');
    expect(created.reason).toMatch(
      /^KMS denied kms:List(Aliases|Keys) in us-west-2 because of no identity-based policy allowing it, still after \d+ s of retries/,
    );
    expect(created.reason).toContain('because no identity-based policy allows the kms:List');
    expect(created.reason).not.toContain('OptInRegions');
    expect(created.reason).toMatch(/Nothing was changed\.$/);
    expect((await control().state()).keys.filter((k) => k.tags['MultiRegionKmsKeys:Owner'] !== undefined)).toEqual([]);
  });

  it('succeeds once the identity policy has propagated within the window', async () => {
    // Prepare
    await control().config({ identityPolicy: withoutListingsIn('us-west-2') });
    const stack = newStack(patientDriver);

    // Act: the policy arrives while the function retries
    const creating = stack.create(props({ 'cmk-late': { Region: 'us-east-1' } }));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await control().config({ identityPolicy: IAM.identityPolicy });
    const created = await creating;
    const deleted = await stack.delete();

    // Assess
    expect([created.status, created.reason]).toEqual(['SUCCESS', null]);
    expect(created.data?.SkippedRegions ?? '').toBe('');
    expect(deleted.status).toBe('SUCCESS');
  });

  it('never lets a Delete succeed over a Region denied by anything but an SCP: the keys stay and it says why', async () => {
    // Prepare
    const stack = newStack();
    const created = await stack.create(props({ 'cmk-west': { Region: 'us-west-2' } }));
    expect(created.status).toBe('SUCCESS');
    await control().config({ identityPolicy: withoutListingsIn('us-west-2') });

    // Act
    const deleted = await stack.delete();

    // Assess
    expect(deleted.status).toBe('FAILED');
    expect(deleted.reason).toMatch(/^KMS denied kms:List(Aliases|Keys) in us-west-2 because of no identity-based policy allowing it/);
    const west = (await control().state()).keys.filter((k) => k.tags['MultiRegionKmsKeys:Owner'] === created.physicalResourceId);
    expect(west.map((k) => k.keyState)).toEqual(['Enabled']);
  });

  it("skips a Region an organisation's SCP denies, in a Delete too, naming it in the Reason", async () => {
    // Prepare
    const stack = newStack();
    await control().config({ scp: ORG_REGION_DENY });

    // Act
    const created = await stack.create(props({ 'cmk-east': { Region: 'us-east-1' } }));
    const deleted = await stack.delete();

    // Assess
    expect([created.status, created.data?.SkippedRegions]).toEqual(['SUCCESS', 'us-west-2']);
    expect(deleted.status).toBe('SUCCESS');
    expect(deleted.reason).toMatch(/^Skipped us-west-2: a service control policy denies KMS there/);
  });
});
