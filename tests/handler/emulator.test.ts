/**
 * The handler in-process through the real AWS SDK clients against the local KMS emulator
 * (local/emulator), with a loopback ResponseURL: the CloudFormation protocol end to end, minus
 * the bundle (the driver tests cover that).
 */
import { KMSClient, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { createHandler } from '../../handler/index.ts';
import { createAwsDependencies } from '../../lib/aws/index.ts';
import { ownerOf, ownershipTags } from '../../lib/ownership.ts';
import { emulatorControl } from '../../local/emulator/client.ts';
import { startEmulator } from '../../local/emulator/index.ts';
import {
  ACCOUNT_ID,
  expectCloudFormationFailed,
  expectCloudFormationSuccess,
  lambdaContext,
  RESPONSE_URL_SECRET,
  type ResponseServer,
  STACK_ID,
  simulateEvent,
  startResponseServer,
  useEmulatorEnvironment,
} from '../support/cfn.ts';

const REGIONS = ['eu-west-1', 'us-east-1', 'us-west-2'];
const OWNER_ID = ownerOf(STACK_ID, 'Keys').ownerId;

describe('Function: handler (emulator)', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let server: ResponseServer;
  let logLines: string[];
  const savedEnv = { ...process.env };

  const control = () => emulatorControl(emulator.url);

  const invoke = (event: ReturnType<typeof simulateEvent>, remainingMs?: number) =>
    createHandler({ writeLog: (line) => logLines.push(line) })(event, lambdaContext({ remainingMs }));

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    server = await startResponseServer();
    useEmulatorEnvironment(emulator.url, 'debug');
  });
  afterAll(async () => {
    process.env = savedEnv;
    await server?.close();
    await emulator?.close();
  });
  beforeEach(async () => {
    logLines = [];
    await control().reset({ accountId: ACCOUNT_ID, regions: REGIONS, replicaCreatingMs: 200 });
  });
  afterEach(() => {
    expect(logLines.join('\n')).not.toContain(RESPONSE_URL_SECRET);
  });

  const properties = (keys: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: keys, ...extra });
  const multiRegionKey = { 'cmk-prod': { Region: 'us-east-1', ReplicaRegions: ['eu-west-1'], DeletionWindowInDays: '7' } };

  it('logs a warning for each input left out, even when no attribute selects it', async () => {
    // Prepare: a replica Region equal to the key's own, a key in a Region that is not enabled, no attribute returned.
    const keys = { own: { Region: 'us-east-1', ReplicaRegions: ['us-east-1', 'eu-west-1'] }, far: { Region: 'ap-south-1' } };
    const create = simulateEvent({ requestType: 'Create', properties: properties(keys, { ReturnAttributes: [] }), responseServer: server });

    // Act
    await invoke(create);

    // Assess
    expect(expectCloudFormationSuccess(server, create).Data ?? {}).toEqual({});
    const warnings = logLines.map((line) => JSON.parse(line)).filter((entry) => entry.message === 'inputs left out');
    expect(warnings.map((entry) => [entry.level, entry.warnings])).toEqual([
      [
        'WARN',
        [
          'CustomerMasterKeys.far.Region: "ap-south-1" is not an enabled Region: the key is not created (InvalidCmkInputs)',
          "CustomerMasterKeys.own.ReplicaRegions: us-east-1 is the key's own Region, and a key is never its own replica: left out (InvalidReplicaRegions)",
        ],
      ],
    ]);
  });

  it('creates, updates and deletes a multi-Region key', async () => {
    // Prepare
    const create = simulateEvent({ requestType: 'Create', properties: properties(multiRegionKey), responseServer: server });

    // Act: Create
    await invoke(create);

    // Assess
    const created = expectCloudFormationSuccess(server, create);
    expect(created.PhysicalResourceId).toBe(OWNER_ID);
    const keyId = created.Data!['KeyIds.us-east-1.cmk-prod']!;
    expect(keyId).toMatch(/^mrk-/);
    expect(created.Data!['ReplicaKeyArns.eu-west-1.cmk-prod']).toBe(`arn:aws:kms:eu-west-1:${ACCOUNT_ID}:key/${keyId}`);

    // Act: Update (a new replica Region, new tags)
    const updatedProps = properties({ 'cmk-prod': { ...multiRegionKey['cmk-prod'], ReplicaRegions: ['eu-west-1', 'us-west-2'], Tags: { team: 'payments' } } });
    const update = simulateEvent({
      requestType: 'Update',
      properties: updatedProps,
      oldProperties: properties(multiRegionKey),
      physicalResourceId: OWNER_ID,
      responseServer: server,
    });
    await invoke(update);

    // Assess
    const updated = expectCloudFormationSuccess(server, update);
    expect(updated.PhysicalResourceId).toBe(OWNER_ID);
    expect(updated.Data!['KeyIds.us-west-2.cmk-prod']).toBe(keyId);

    // Act: Delete
    const del = simulateEvent({ requestType: 'Delete', properties: updatedProps, physicalResourceId: OWNER_ID, responseServer: server });
    await invoke(del);

    // Assess
    expectCloudFormationSuccess(server, del);
    const state = await control().state();
    const ours = state.keys.filter((k) => k.keyId === keyId);
    expect(ours.map((k) => k.keyState).sort()).toEqual(['PendingDeletion', 'PendingDeletion', 'PendingReplicaDeletion'].sort());
  });

  it('finishes the work of a run that died right after ReplicateKey, waiting for the replica to leave Creating', async () => {
    // Prepare: what an interrupted Create left behind — a tagged primary and a replica still Creating, no alias
    await control().reset({ accountId: ACCOUNT_ID, regions: REGIONS, replicaCreatingMs: 1500 });
    const kms = createAwsDependencies().kms;
    const tags = ownershipTags(ownerOf(STACK_ID, 'Keys'), 'cmk-prod', { removalPolicy: 'Delete', deletionWindowInDays: 7 });
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` }, Action: 'kms:*', Resource: '*' }],
    });
    const primary = await kms('us-east-1').createKey({
      spec: 'SYMMETRIC_DEFAULT',
      keyUsage: 'ENCRYPT_DECRYPT',
      multiRegion: true,
      policy,
      description: 'interrupted',
      tags,
    });
    await kms('us-east-1').replicateKey({ keyId: primary.keyId, replicaRegion: 'eu-west-1', policy, description: 'interrupted', tags });
    const create = simulateEvent({ requestType: 'Create', properties: properties(multiRegionKey), responseServer: server });

    // Act: the redelivered Create
    await invoke(create);

    // Assess: the same key, aliased in both Regions, no second key
    const created = expectCloudFormationSuccess(server, create);
    expect(created.Data!['KeyIds.eu-west-1.cmk-prod']).toBe(primary.keyId);
    const state = await control().state();
    expect(
      state.keys
        .filter((k) => k.keyManager === 'CUSTOMER')
        .map((k) => `${k.region} ${k.keyId}`)
        .sort(),
    ).toEqual([`eu-west-1 ${primary.keyId}`, `us-east-1 ${primary.keyId}`]);
    expect(
      state.aliases
        .filter((a) => a.aliasName === 'alias/cmk-prod')
        .map((a) => `${a.region} ${a.targetKeyId}`)
        .sort(),
    ).toEqual([`eu-west-1 ${primary.keyId}`, `us-east-1 ${primary.keyId}`]);
  });

  it('answers FAILED naming the path with zero KMS requests on invalid properties', async () => {
    // Prepare
    await control().resetCounts();
    const event = simulateEvent({
      requestType: 'Create',
      properties: properties({ 'cmk-prod': { Region: 'us-east-1', EnableKeyRotation: 'yes' } }),
      responseServer: server,
    });

    // Act
    await invoke(event);

    // Assess
    expectCloudFormationFailed(server, event, /CustomerMasterKeys\.cmk-prod\.EnableKeyRotation/);
    const counts = await control().counts();
    expect(counts.mutations).toBe(0);
    expect(Object.keys(counts.byOperation).filter((op) => op !== 'ListRegions')).toEqual([]);
  });

  it('refuses another account, with zero KMS requests', async () => {
    // Prepare
    await control().resetCounts();
    const event = simulateEvent({ requestType: 'Create', properties: { ...properties(multiRegionKey), AwsAccountId: '444455556666' }, responseServer: server });

    // Act
    await invoke(event);

    // Assess
    expectCloudFormationFailed(server, event, /AwsAccountId/);
    expect((await control().counts()).mutations).toBe(0);
  });

  it('refuses a response over 4,096 bytes before any KMS call', async () => {
    // Prepare
    await control().resetCounts();
    const many = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`key-${i}`, {}]));
    const event = simulateEvent({ requestType: 'Create', properties: properties(many), responseServer: server });

    // Act
    await invoke(event);

    // Assess
    expectCloudFormationFailed(server, event, /ReturnAttributes/);
    expect((await control().counts()).mutations).toBe(0);
  });

  it('deletes single-Region keys it owns outright without DescribeKey, also one scheduled by hand', async () => {
    // Prepare: two single-Region keys (one Retain) and a multi-Region key; one key scheduled by hand
    const keys = {
      'cmk-a': { Region: 'us-east-1', DeletionWindowInDays: '7' },
      'cmk-b': { Region: 'us-east-1', DeletionWindowInDays: '7' },
      'cmk-kept': { Region: 'us-east-1', RemovalPolicy: 'Retain' },
      ...multiRegionKey,
    };
    const create = simulateEvent({ requestType: 'Create', properties: properties(keys), responseServer: server });
    await invoke(create);
    const data = expectCloudFormationSuccess(server, create).Data!;
    const kms = new KMSClient({
      region: 'us-east-1',
      endpoint: emulator.url,
      credentials: { accessKeyId: 'AKIDTESTTESTTEST', secretAccessKey: 'test-secret' },
    });
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: data['KeyIds.us-east-1.cmk-b']!, PendingWindowInDays: 30 }));
    kms.destroy();
    const scheduledByHand = (await control().state()).keys.find((k) => k.keyId === data['KeyIds.us-east-1.cmk-b'])!;
    await control().resetCounts();
    const del = simulateEvent({ requestType: 'Delete', properties: properties(keys), physicalResourceId: OWNER_ID, responseServer: server });

    // Act
    await invoke(del);

    // Assess: DescribeKey only for the multi-Region key's two members, the Retain key, and the
    // confirmation that the key scheduled by hand is pending deletion already
    expectCloudFormationSuccess(server, del);
    expect((await control().counts()).byOperation.DescribeKey).toBe(4);
    const state = await control().state();
    const byName = (name: string) => state.keys.find((k) => k.keyId === data[`KeyIds.us-east-1.${name}`])!;
    expect(byName('cmk-a')).toMatchObject({ keyState: 'PendingDeletion', pendingWindowInDays: 7 });
    expect(byName('cmk-b')).toMatchObject({ keyState: 'PendingDeletion', deletionDate: scheduledByHand.deletionDate, pendingWindowInDays: 30 });
    expect(byName('cmk-kept').keyState).toBe('Enabled');
    expect(byName('cmk-kept').tags).not.toHaveProperty(['MultiRegionKmsKeys:Owner']);
    expect(state.aliases.filter((a) => !a.aliasName.startsWith('alias/aws/')).map((a) => a.aliasName)).toEqual(['alias/cmk-kept']);
  });

  it('deletes with garbage properties, removing what a Create made', async () => {
    // Prepare
    const create = simulateEvent({ requestType: 'Create', properties: properties(multiRegionKey), responseServer: server });
    await invoke(create);
    const keyId = expectCloudFormationSuccess(server, create).Data!['KeyIds.us-east-1.cmk-prod'];
    const del = simulateEvent({
      requestType: 'Delete',
      properties: { Nonsense: { deeply: ['wrong'] }, AwsAccountId: 'nope' },
      physicalResourceId: OWNER_ID,
      responseServer: server,
    });

    // Act
    await invoke(del);

    // Assess
    expectCloudFormationSuccess(server, del);
    const state = await control().state();
    expect(state.keys.filter((k) => k.keyId === keyId).every((k) => k.keyState.startsWith('Pending'))).toBe(true);
  });

  it('answers FAILED before the deadline when KMS stops answering', async () => {
    // Prepare: every KMS request takes 8 s; 4 s are left
    await control().config({ latencyMs: 8_000 });
    const event = simulateEvent({ requestType: 'Create', properties: properties(multiRegionKey), responseServer: server });
    const startedAt = Date.now();

    // Act
    await invoke(event, 4_000);

    // Assess
    expect(Date.now() - startedAt).toBeLessThan(4_000);
    expectCloudFormationFailed(server, event, /about to time out.*resumes/);
    await control().config({ latencyMs: 0 });
  });
});
