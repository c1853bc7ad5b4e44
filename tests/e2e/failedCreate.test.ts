/**
 * End to end, a Delete right after a failed Create (docs/behaviour.md §6): CloudFormation sends the
 * rollback's Delete moments after a FAILED Create, while KMS's listings (ListKeys, ListAliases,
 * ListResourceTags) and the tag index do not show the keys made seconds ago. No key the failed
 * Create made may survive: the Create removes what it made before answering, reading those keys
 * directly. The built bundle through the driver against the emulator, with listings lagging writes
 * by several seconds and a request gap far shorter than that.
 */
import { existsSync } from 'node:fs';
import { createDriver, DEFAULT_BUNDLE_PATH, DEFAULT_IDENTITY, type Driver, functionArnOf, Stack, stackIdOf } from '../../local/driver/index.ts';
import { emulatorControl } from '../../local/emulator/client.ts';
import { startEmulator } from '../../local/emulator/index.ts';

const ACCOUNT_ID = DEFAULT_IDENTITY.accountId;
const OWNER = 'MultiRegionKmsKeys:Owner';
/** Listings lag writes by up to this long: several seconds, as AWS says they sometimes do. */
const LISTING_LAG_MS = 4_000;
/** An Organizations SCP that makes a Create fail half-way: CreateKey denied in us-west-2 only. */
const DENY_CREATE_KEY_IN_US_WEST_2 = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Deny', Action: 'kms:CreateKey', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'us-west-2' } } }],
};

describe('End to end: a Delete right after a failed Create', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let driver: Driver;

  beforeAll(async () => {
    if (!existsSync(DEFAULT_BUNDLE_PATH)) throw new Error(`${DEFAULT_BUNDLE_PATH} is missing: run npm run build (npm test does)`);
    emulator = await startEmulator({
      port: 0,
      regions: ['eu-west-1', 'us-east-1', 'us-west-2'],
      replicaCreatingMs: 200,
      consistencyDelayMs: LISTING_LAG_MS,
      tagIndexLagMs: 10_000,
      scp: DENY_CREATE_KEY_IN_US_WEST_2,
    });
    driver = await createDriver({ endpointUrl: emulator.url, requestGapMs: 200 });
  });
  afterAll(async () => {
    await driver?.close();
    await emulator?.close();
  });

  it('leaves no key of the failed Create live, although the listings do not show them yet', async () => {
    // Prepare
    const stack = new Stack(driver, {
      stackId: stackIdOf({ ...DEFAULT_IDENTITY, stackName: 'failed-create' }),
      logicalResourceId: 'Keys',
      resourceType: 'Custom::MultiRegionKmsKeys',
      serviceToken: functionArnOf(DEFAULT_IDENTITY, 'multi-region-kms-keys'),
    });
    const keys = {
      'cmk-made': { Region: 'us-east-1', ReplicaRegions: ['eu-west-1'] },
      'cmk-eu': { Region: 'eu-west-1' },
      'cmk-west': { Region: 'us-west-2' },
    };

    // Act
    const created = await stack.create({ AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: keys });
    const owner = created.physicalResourceId ?? '';
    const afterCreate = (await emulatorControl(emulator.url).state()).keys.filter((k) => k.tags[OWNER] === owner);
    const deleted = await stack.delete();

    // Assess
    expect(created.status).toBe('FAILED');
    expect(created.reason).toContain('explicit deny in a service control policy');
    expect(created.reason).toMatch(/Cleaned up: the \d+ key\(s\) it made or changed \(eu-west-1, us-east-1\) were removed/);
    expect(deleted.status).toBe('SUCCESS');
    const made = (await emulatorControl(emulator.url).state()).keys.filter((k) => afterCreate.some((a) => a.keyId === k.keyId && a.region === k.region));
    expect(made.map((k) => k.region).sort()).toEqual(['eu-west-1', 'eu-west-1', 'us-east-1']);
    expect(made.filter((k) => k.keyState !== 'PendingDeletion' && k.keyState !== 'PendingReplicaDeletion')).toEqual([]);
    // An alias ListAliases did not show yet may remain; it leads only to a key pending deletion (KMS deletes it with the key).
    const aliases = (await emulatorControl(emulator.url).state()).aliases.filter((a) => ['alias/cmk-made', 'alias/cmk-eu'].includes(a.aliasName));
    expect(aliases.filter((a) => !made.some((k) => k.keyId === a.targetKeyId && k.region === a.region))).toEqual([]);
  });
});
