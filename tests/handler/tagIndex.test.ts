/**
 * The tag index (lib/reader/tagIndex.ts, DESIGN.md "Finding owned keys in a busy account") in the handler,
 * through the real AWS SDK clients against the emulator, counting the emulator's requests: foreign
 * keys the index lists are not read one by one, and everything the safe rule keeps reading is read.
 */
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { createHandler } from '../../handler/index.ts';
import { OWNERSHIP_TAGS, ownerOf, ownershipTags } from '../../lib/ownership.ts';
import { emulatorControl } from '../../local/emulator/client.ts';
import { startEmulator } from '../../local/emulator/index.ts';
import {
  ACCOUNT_ID,
  expectCloudFormationSuccess,
  lambdaContext,
  type ResponseServer,
  STACK_ID,
  simulateEvent,
  startResponseServer,
  useEmulatorEnvironment,
} from '../support/cfn.ts';

const REGIONS = ['eu-west-1', 'us-east-1'];
const OWNER = ownerOf(STACK_ID, 'Keys');
/** Longer than any test: tag changes stay out of the index. */
const LAG_MS = 600_000;
/** Over TAG_INDEX_MIN_KEYS: with fewer foreign keys the reader does not consult the index. */
const FOREIGN = 60;

describe('Function: handler with the tag index (emulator)', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let server: ResponseServer;
  let logLines: string[];
  const savedEnv = { ...process.env };
  const control = () => emulatorControl(emulator.url);
  const invoke = (event: ReturnType<typeof simulateEvent>) => createHandler({ writeLog: (line) => logLines.push(line) })(event, lambdaContext());
  const properties = (keys: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: keys, ...extra });
  const oneKey = { cmk: { Region: 'us-east-1', DeletionWindowInDays: '7' } };
  const counted = async (region: string, operation: string) => (await control().counts()).byRegionOperation[region]?.[operation] ?? 0;

  async function seedForeign(region: string): Promise<void> {
    for (let i = 0; i < FOREIGN; i++) {
      const tags: Record<string, string> =
        i % 3 === 0
          ? { [OWNERSHIP_TAGS.owner]: `mrkk-other-${i}`, [OWNERSHIP_TAGS.stackId]: `${STACK_ID}-other` }
          : { team: `t${i}`, Environment: 'production' };
      await control().seedKey({ region, tags });
    }
  }

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    server = await startResponseServer();
    useEmulatorEnvironment(emulator.url, 'info');
  });
  afterAll(async () => {
    process.env = savedEnv;
    await server?.close();
    await emulator?.close();
  });
  beforeEach(async () => {
    logLines = [];
    await control().reset({ accountId: ACCOUNT_ID, regions: REGIONS });
  });

  it('reads no tags of the foreign keys the index lists, and only our key’s on Update', async () => {
    // Prepare
    for (const region of REGIONS) await seedForeign(region);
    const create = simulateEvent({ requestType: 'Create', properties: properties(oneKey), responseServer: server });

    // Act
    await control().resetCounts();
    await invoke(create);
    const created = expectCloudFormationSuccess(server, create);
    const createTagReads = await counted('us-east-1', 'ListResourceTags');
    await control().resetCounts();
    const update = simulateEvent({
      requestType: 'Update',
      properties: properties(oneKey),
      oldProperties: properties(oneKey),
      physicalResourceId: created.PhysicalResourceId,
      responseServer: server,
    });
    await invoke(update);

    // Assess
    expectCloudFormationSuccess(server, update);
    expect(createTagReads).toBe(0);
    expect(await counted('us-east-1', 'ListResourceTags')).toBe(1);
    expect(await counted('eu-west-1', 'ListResourceTags')).toBe(0);
    expect(await counted('us-east-1', 'GetResources')).toBe(1);
    expect(await counted('eu-west-1', 'GetResources')).toBe(1);
  });

  it('finds the key a crashed run made, which the lagging index does not list, and does not make another on replay', async () => {
    // Prepare: the run that died after CreateKey, before CreateAlias
    await control().config({ tagIndexLagMs: LAG_MS });
    await seedForeign('us-east-1');
    const kms = new KMSClient({ region: 'us-east-1', endpoint: emulator.url, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const tags = ownershipTags(OWNER, 'cmk', { removalPolicy: 'Delete', deletionWindowInDays: 7 });
    const orphan = await kms.send(new CreateKeyCommand({ Tags: Object.entries(tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })) }));
    kms.destroy();
    const replay = simulateEvent({ requestType: 'Create', properties: properties(oneKey), responseServer: server });

    // Act
    await control().resetCounts();
    await invoke(replay);

    // Assess
    const answer = expectCloudFormationSuccess(server, replay);
    expect(answer.Data!['KeyIds.us-east-1.cmk']).toBe(orphan.KeyMetadata!.KeyId);
    expect(await counted('us-east-1', 'CreateKey')).toBe(0);
    expect(await counted('us-east-1', 'ListResourceTags')).toBe(1);
  });

  it('reads the tags of a key whose index entry names our stack (a sibling’s key)', async () => {
    // Prepare
    await seedForeign('eu-west-1');
    const sibling = ownerOf(STACK_ID, 'OldKeys');
    await control().seedKey({ region: 'eu-west-1', tags: ownershipTags(sibling, 'other', { removalPolicy: 'Delete', deletionWindowInDays: 7 }) });
    const create = simulateEvent({ requestType: 'Create', properties: properties(oneKey), responseServer: server });

    // Act
    await control().resetCounts();
    await invoke(create);

    // Assess
    expectCloudFormationSuccess(server, create);
    expect(await counted('eu-west-1', 'ListResourceTags')).toBe(1);
  });

  it('finds an adopted key on Delete through the properties’ alias while the index still shows its tags from before', async () => {
    // Prepare
    await control().config({ tagIndexLagMs: LAG_MS });
    await seedForeign('us-east-1');
    const found = await control().seedKey({
      region: 'us-east-1',
      aliasName: 'alias/cmk',
      tags: { team: 'data', 'MultiRegionKmsKeys:AdoptableBy': 'baseline' },
    });
    const props = properties(oneKey, { AdoptExistingKeys: true });
    const create = simulateEvent({ requestType: 'Create', properties: props, responseServer: server });
    await invoke(create);
    const created = expectCloudFormationSuccess(server, create);
    expect(created.Data!['KeyIds.us-east-1.cmk']).toBe(found.keyId);

    // Act: the rollback (the Delete after CloudFormation rolls the Create back)
    const remove = simulateEvent({ requestType: 'Delete', properties: props, physicalResourceId: created.PhysicalResourceId, responseServer: server });
    await invoke(remove);

    // Assess: released, not left tagged as ours, not deleted
    expectCloudFormationSuccess(server, remove);
    const key = (await control().state()).keys.find((k) => k.keyId === found.keyId && k.region === 'us-east-1')!;
    expect(key.keyState).toBe('Enabled');
    expect(key.tags).toEqual({ team: 'data', 'MultiRegionKmsKeys:AdoptableBy': 'baseline' });
  });

  it('falls back to reading every key’s tags, with one warning per Region that consults the index, when tag:GetResources is denied', async () => {
    // Prepare
    await seedForeign('us-east-1');
    await control().config({ identityPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] } });
    const create = simulateEvent({ requestType: 'Create', properties: properties(oneKey), responseServer: server });

    // Act
    await control().resetCounts();
    await invoke(create);

    // Assess
    expectCloudFormationSuccess(server, create);
    expect(await counted('us-east-1', 'ListResourceTags')).toBe(FOREIGN);
    // One warning, from us-east-1: the other Regions hold too few keys to consult the index at all
    const warnings = logLines.filter((line) => line.includes('the tag index (GetResources) failed'));
    expect(warnings.length).toBe(1);
    expect(warnings.join('\n')).toContain('AccessDeniedException');
  });
});
