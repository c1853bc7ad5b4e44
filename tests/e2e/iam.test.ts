/**
 * End to end under IAM: the built bundle through the driver against the emulator, every KMS request
 * authorised against template.yaml's execution-role policy (with the pessimistic reading of what AWS
 * leaves unsaid: the replica-side CreateKey of ReplicateKey carries no request tags), with field
 * realism on. The whole lifecycle: Create with a replica, ReplicateKey, UpdatePrimaryRegion, adoption
 * and Delete. If the template lacked a permission, a step here would answer FAILED with
 * AccessDeniedException.
 */

import { TAG_INDEX_MIN_KEYS } from '../../lib/reader/tagIndex.ts';
import { DEFAULT_IDENTITY, type ScenarioResult, scenarios } from '../../local/driver/index.ts';
import { useDriverEnvironment } from '../support/driverEnvironment.ts';
import { E2E_REQUEST_GAP_MS, iamRealism } from './fieldRealism.ts';

const ACCOUNT_ID = DEFAULT_IDENTITY.accountId;
const REGIONS = ['eu-west-1', 'us-east-1', 'us-west-2'];
const OWNER = 'MultiRegionKmsKeys:Owner';

describe('End to end: the lifecycle under the execution role policy of template.yaml', () => {
  const env = useDriverEnvironment({
    stackPrefix: 'e2e-iam',
    emulator: { regions: REGIONS, replicaCreatingMs: 300, ...iamRealism({ AllowAdoptingExistingKeys: 'true' }) },
    driver: { requestGapMs: E2E_REQUEST_GAP_MS },
  });
  const { control, newStack } = env;
  const expectOk = (result: ScenarioResult) => {
    expect(result.steps.map((s) => s.reason ?? '')).toEqual(result.steps.map(() => ''));
    expect(result.problems).toEqual([]);
  };
  const keysOf = async (owner: string) => (await control().state()).keys.filter((k) => k.tags[OWNER] === owner);

  it('creates, replicates, moves the primary and deletes, every request authorised', async () => {
    // Prepare
    const stack = newStack();
    const keys = (cmkA: Record<string, unknown>) => ({ AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: { 'cmk-a': cmkA, 'cmk-b': { Region: 'us-east-1' } } });

    // Act
    const created = await scenarios.create(stack, keys({ Region: 'us-east-1', ReplicaRegions: ['eu-west-1'] }));
    const replicated = await scenarios.update(stack, keys({ Region: 'us-east-1', ReplicaRegions: ['eu-west-1', 'us-west-2'] }));
    const moved = await scenarios.update(stack, keys({ Region: 'eu-west-1', ReplicaRegions: ['us-east-1', 'us-west-2'] }));
    const owner = created.steps[0]!.physicalResourceId!;
    const afterMove = await keysOf(owner);
    const deleted = await scenarios.remove(stack);

    // Assess
    for (const result of [created, replicated, moved, deleted]) expectOk(result);
    const cmkA = afterMove.filter((k) => k.tags['MultiRegionKmsKeys:KeyName'] === 'cmk-a');
    expect(cmkA.map((k) => [k.region, k.multiRegionKeyType]).sort()).toEqual([
      ['eu-west-1', 'PRIMARY'],
      ['us-east-1', 'REPLICA'],
      ['us-west-2', 'REPLICA'],
    ]);
    expect((await keysOf(owner)).every((k) => k.keyState === 'PendingDeletion' || k.keyState === 'PendingReplicaDeletion')).toBe(true);
  });

  it('adopts a key made elsewhere and deletes the stack, every request authorised', async () => {
    // Prepare: a key somebody else made, whose default policy delegates to IAM (the AdoptExistingKeys statement)
    const stack = newStack();
    const offered = { 'MultiRegionKmsKeys:AdoptableBy': stack.resource.stackId.split('/')[1]! };
    const foreign = await control().seedKey({ region: 'us-east-1', aliasName: 'alias/cmk-legacy', tags: offered });
    const base = { AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: { 'cmk-new': { Region: 'us-east-1' } } };
    const adopting = { ...base, AdoptExistingKeys: true, CustomerMasterKeys: { ...base.CustomerMasterKeys, 'cmk-legacy': { Region: 'us-east-1' } } };

    // Act
    const created = await scenarios.create(stack, base);
    const adopted = await scenarios.update(stack, adopting);
    const owned = (await control().state()).keys.find((k) => k.keyId === foreign.keyId);
    const deleted = await scenarios.remove(stack);

    // Assess
    for (const result of [created, adopted, deleted]) expectOk(result);
    expect(owned?.tags[OWNER]).toBe(created.steps[0]!.physicalResourceId);
    expect((await control().state()).aliases.find((a) => a.aliasName === 'alias/cmk-new')).toBeUndefined();
  });

  it('works without tag:GetResources, reading every key’s tags instead of the index', async () => {
    // Prepare: the role as template.yaml makes it, less the ReadTagIndex statement
    const stack = newStack();
    const full = iamRealism({ AllowAdoptingExistingKeys: 'true' }).identityPolicy as { Statement: { Sid?: string }[] };
    const withoutIndex = { ...full, Statement: full.Statement.filter((s) => s.Sid !== 'ReadTagIndex') };
    expect(withoutIndex.Statement.length).toBe(full.Statement.length - 1);
    // Enough foreign keys for the reader to consult the index (TAG_INDEX_MIN_KEYS)
    for (let i = 0; i < TAG_INDEX_MIN_KEYS; i++) await control().seedKey({ region: 'us-east-1', tags: { team: 'elsewhere' } });
    // ListKeys lags fresh keys by the consistency delay (the driver's gap between requests is as long)
    await new Promise((resolve) => setTimeout(resolve, E2E_REQUEST_GAP_MS));
    await control().config({ identityPolicy: withoutIndex });
    const keys = { AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: { 'cmk-c': { Region: 'us-east-1' } } };

    // Act
    await control().resetCounts();
    const created = await scenarios.create(stack, keys);
    const counts = await control().counts();
    const deleted = await scenarios.remove(stack);
    await control().config({ identityPolicy: full });

    // Assess
    for (const result of [created, deleted]) expectOk(result);
    const denied = counts.byRegionOperation['us-east-1']?.GetResources ?? 0;
    expect(denied).toBeGreaterThan(0);
    expect(counts.byRegionOperation['us-east-1']?.ListResourceTags ?? 0).toBeGreaterThan(0);
  });
});
