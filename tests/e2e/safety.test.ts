/**
 * End to end, nothing is destroyed by accident (docs/behaviour.md §4, §6): the built bundle through
 * the CloudFormation driver and the emulator. Every case checks KMS state after the answer: keys
 * Enabled, aliases intact, no ownership tags left on keys the resource released.
 */
import { DEFAULT_IDENTITY, functionArnOf, type RequestResult, Stack, stackIdOf } from '../../local/driver/index.ts';
import type { Snapshot } from '../../local/emulator/client.ts';
import { useDriverEnvironment } from '../support/driverEnvironment.ts';

const ACCOUNT_ID = DEFAULT_IDENTITY.accountId;
const PREFIX = 'MultiRegionKmsKeys:';
/** The owner's consent to adoption (not an ownership tag of ours: a release keeps it). */
const ADOPTABLE_BY = `${PREFIX}AdoptableBy`;
/** An Organizations SCP that makes a Create fail half-way: CreateKey denied in us-west-2 only. */
const DENY_CREATE_KEY_IN_US_WEST_2 = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Deny', Action: 'kms:CreateKey', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'us-west-2' } } }],
};

describe('End to end: nothing is destroyed by accident', () => {
  // Stacks of their own StackIds and logical IDs (nested stacks, StackSets instances, renames): only the emulator and the driver are shared.
  const env = useDriverEnvironment({ stackPrefix: 'safety', emulator: { replicaCreatingMs: 100 } });
  const { control } = env;
  let stackCount = 0;
  const serviceToken = functionArnOf(DEFAULT_IDENTITY, 'multi-region-kms-keys');
  const stackId = () => stackIdOf({ ...DEFAULT_IDENTITY, stackName: `safety-${++stackCount}` });
  const newStack = (id = stackId(), logicalResourceId = 'Keys') =>
    new Stack(env.driver, { stackId: id, logicalResourceId, resourceType: 'Custom::MultiRegionKmsKeys', serviceToken });
  const props = (keys: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: keys, ...extra });

  const answered = (result: RequestResult, status: 'SUCCESS' | 'FAILED') => {
    expect(result.violations).toEqual([]);
    expect(result.putCount).toBe(1);
    if (result.status !== status) throw new Error(`expected ${status}, got ${result.status}: ${result.reason ?? ''}`);
  };
  const keysOf = (state: Snapshot, keyIds: string[]) => state.keys.filter((k) => keyIds.includes(k.keyId));
  const aliasTarget = (state: Snapshot, region: string, aliasName: string) =>
    state.aliases.find((a) => a.region === region && a.aliasName === aliasName)?.targetKeyId;
  /** Creates a multi-Region key (us-east-1 + eu-west-1) and returns its id. */
  const deployed = async (stack: Stack, name: string, extra: Record<string, unknown> = {}) => {
    const created = await stack.create(props({ [name]: { Region: 'us-east-1', ReplicaRegions: ['eu-west-1'] } }, extra));
    answered(created, 'SUCCESS');
    return created.data?.[`KeyIds.us-east-1.${name}`] as string;
  };
  /** The key is untouched: both members Enabled, both aliases on it, owned by `stack`. */
  const expectIntact = async (keyId: string, name: string, regions = ['eu-west-1', 'us-east-1']) => {
    const state = await control().state();
    const members = keysOf(state, [keyId]);
    expect(members.map((k) => `${k.region}:${k.keyState}`).sort()).toEqual(regions.map((r) => `${r}:Enabled`));
    for (const region of regions) expect(aliasTarget(state, region, `alias/${name}`)).toBe(keyId);
  };

  afterEach(async () => {
    await control().config({ scp: null });
  });

  it('refuses a Region typo on an existing key before any KMS mutation; the key and replica stay', async () => {
    // Prepare
    const stack = newStack();
    const keyId = await deployed(stack, 'cmk-typo');
    await control().resetCounts();

    // Act
    const region = await stack.update(props({ 'cmk-typo': { Region: 'us-eats-1', ReplicaRegions: ['eu-west-1'] } }));
    const replica = await stack.update(props({ 'cmk-typo': { Region: 'us-east-1', ReplicaRegions: ['eu-wset-1'] } }));

    // Assess
    answered(region, 'FAILED');
    answered(replica, 'FAILED');
    expect(region.reason).toContain('CustomerMasterKeys.cmk-typo.Region: us-eats-1 is not a Region of this partition');
    expect(region.reason).toContain('did you mean us-east-1?');
    expect(replica.reason).toContain('CustomerMasterKeys.cmk-typo.ReplicaRegions: eu-wset-1 is not a Region');
    expect((await control().counts()).mutations).toBe(0);
    await expectIntact(keyId, 'cmk-typo');
  });

  it('keeps an existing key moved to a Region that is not enabled (me-south-1) and refuses, saying how to remove it', async () => {
    // Prepare
    const stack = newStack();
    const keyId = await deployed(stack, 'cmk-moved');
    await control().resetCounts();

    // Act
    const result = await stack.update(props({ 'cmk-moved': { Region: 'me-south-1', ReplicaRegions: ['eu-west-1'] } }));

    // Assess
    answered(result, 'FAILED');
    expect(result.reason).toContain('Refused, nothing was changed: cmk-moved (us-east-1)');
    expect(result.reason).toContain('me-south-1 is not enabled in this account (ListRegions: DISABLED)');
    expect(result.reason).toContain('take it out of CustomerMasterKeys');
    expect((await control().counts()).mutations).toBe(0);
    await expectIntact(keyId, 'cmk-moved');
  });

  it('keeps a fixed-Region key and a replica whose Regions an OptInRegions edit dropped, and refuses', async () => {
    // Prepare
    const stack = newStack();
    const both = ['eu-west-1', 'us-east-1'];
    const keyId = await deployed(stack, 'cmk-optin', { OptInRegions: both });
    answered(
      await stack.update(
        props({ 'cmk-optin': { Region: 'us-east-1', ReplicaRegions: ['eu-west-1'] }, 'cmk-eu': { Region: 'eu-west-1' } }, { OptInRegions: both }),
      ),
      'SUCCESS',
    );
    const euKeyId = stack.history.at(-1)!.data?.['KeyIds.eu-west-1.cmk-eu'] as string;
    await control().resetCounts();

    // Act
    const result = await stack.update(
      props({ 'cmk-optin': { Region: 'us-east-1', ReplicaRegions: ['eu-west-1'] }, 'cmk-eu': { Region: 'eu-west-1' } }, { OptInRegions: ['us-east-1'] }),
    );

    // Assess
    answered(result, 'FAILED');
    expect(result.reason).toContain('cmk-eu (eu-west-1): the key of cmk-eu in eu-west-1');
    expect(result.reason).toContain('cmk-optin (eu-west-1): the replica of cmk-optin in eu-west-1');
    expect(result.reason).toContain('eu-west-1 is not in OptInRegions');
    expect((await control().counts()).mutations).toBe(0);
    await expectIntact(keyId, 'cmk-optin');
    await expectIntact(euKeyId, 'cmk-eu', ['eu-west-1']);
  });

  it('keeps the separate keys of a key in every Region that now names one Region, and refuses', async () => {
    // Prepare
    const stack = newStack();
    const optIn = { OptInRegions: ['eu-west-1', 'us-east-1'] };
    const created = await stack.create(props({ 'cmk-every': {} }, optIn));
    answered(created, 'SUCCESS');
    const euKeyId = created.data?.['KeyIds.eu-west-1.cmk-every'] as string;
    await control().resetCounts();

    // Act
    const result = await stack.update(props({ 'cmk-every': { Region: 'us-east-1' } }, optIn));

    // Assess
    answered(result, 'FAILED');
    expect(result.reason).toContain('Region of cmk-every is now us-east-1, which would delete its separate keys in eu-west-1');
    expect((await control().counts()).mutations).toBe(0);
    await expectIntact(euKeyId, 'cmk-every', ['eu-west-1']);
  });

  it('still removes a replica whose Region left ReplicaRegions: the configuration names it', async () => {
    // Prepare
    const stack = newStack();
    const keyId = await deployed(stack, 'cmk-shrink');

    // Act
    const result = await stack.update(props({ 'cmk-shrink': { Region: 'us-east-1', MultiRegion: true } }));

    // Assess
    answered(result, 'SUCCESS');
    const members = keysOf(await control().state(), [keyId]);
    expect(members.map((k) => `${k.region}:${k.keyState}`).sort()).toEqual(['eu-west-1:PendingDeletion', 'us-east-1:Enabled']);
  });

  it('does not create a new key in a Region that is not enabled (InvalidCmkInputs, SUCCESS), and refuses a typo or an alias/ name', async () => {
    // Act
    const disabled = await newStack().create(props({ 'cmk-nowhere': { Region: 'me-south-1' } }));
    await control().resetCounts();
    const typo = await newStack().create(props({ 'cmk-typo-new': { Region: 'us-eats-1' } }));
    const aliasName = await newStack().create(props({ 'alias/app': { Region: 'us-east-1' } }));

    // Assess
    answered(disabled, 'SUCCESS');
    expect(disabled.data?.InvalidCmkInputs).toBe('cmk-nowhere');
    answered(typo, 'FAILED');
    expect(typo.reason).toContain('CustomerMasterKeys.cmk-typo-new.Region');
    answered(aliasName, 'FAILED');
    expect(aliasName.reason).toContain('CustomerMasterKeys.alias/app: a key name must not start with alias/: the product adds alias/ itself');
    expect((await control().counts()).mutations).toBe(0);
    expect((await control().state()).aliases.some((a) => a.aliasName === 'alias/alias/app')).toBe(false);
  });

  describe('adoption (AdoptExistingKeys)', () => {
    /** A hand-made key with alias `alias/<name>` in us-east-1, offered to `stack`, and how it looks before adoption. */
    const seed = async (name: string, stack: Stack) => {
      const tags = { Team: 'legacy', [ADOPTABLE_BY]: stack.resource.stackId.split('/')[1]! };
      const { keyId } = await control().seedKey({ region: 'us-east-1', aliasName: `alias/${name}`, description: 'made by hand', tags });
      const found = (await control().state()).keys.find((k) => k.keyId === keyId)!;
      return { keyId, found };
    };
    /** Released: as found (state, policy, description, tags), alias on it, no ownership tag. */
    const expectReleased = async (keyId: string, found: Snapshot['keys'][number], name: string) => {
      const state = await control().state();
      const key = state.keys.find((k) => k.keyId === keyId)!;
      expect(key.keyState).toBe('Enabled');
      expect(key.policy).toBe(found.policy);
      expect(key.description).toBe(found.description);
      expect(key.tags).toEqual(found.tags);
      expect(Object.keys(key.tags).filter((t) => t.startsWith(PREFIX) && t !== ADOPTABLE_BY)).toEqual([]);
      expect(aliasTarget(state, 'us-east-1', `alias/${name}`)).toBe(keyId);
    };

    it('releases an adopted key as found on the Delete after a Create that failed elsewhere (CreateKey denied in us-west-2)', async () => {
      // Prepare
      const stack = newStack();
      const { keyId, found } = await seed('legacy-a', stack);
      await control().config({ scp: DENY_CREATE_KEY_IN_US_WEST_2 });

      // Act
      const created = await stack.create(
        props(
          { 'legacy-a': { Region: 'us-east-1', RemovalPolicy: 'Delete', Description: 'managed' }, 'cmk-west': { Region: 'us-west-2' } },
          { AdoptExistingKeys: true },
        ),
      );
      await control().config({ scp: null });
      const between = (await control().state()).keys.find((k) => k.keyId === keyId)!;
      const deleted = await stack.delete();

      // Assess: the failed Create did record the adoption (and nothing else), the Delete undid it
      expect(between.tags[`${PREFIX}AdoptedBy`]).toBe(created.event.RequestId);
      expect(between.description).toBe(found.description);
      answered(created, 'FAILED');
      expect(created.reason).toContain('explicit deny');
      answered(deleted, 'SUCCESS');
      await expectReleased(keyId, found, 'legacy-a');
    });

    it('releases a key adopted by an Update on its rollback Update', async () => {
      // Prepare
      const stack = newStack();
      const { keyId, found } = await seed('legacy-b', stack);
      answered(await stack.create(props({ 'cmk-base': { Region: 'us-east-1' } })), 'SUCCESS');
      await control().config({ scp: DENY_CREATE_KEY_IN_US_WEST_2 });

      // Act
      const updated = await stack.update(
        props(
          { 'cmk-base': { Region: 'us-east-1' }, 'legacy-b': { Region: 'us-east-1', RemovalPolicy: 'Delete' }, 'cmk-west2': { Region: 'us-west-2' } },
          { AdoptExistingKeys: true },
        ),
      );
      await control().config({ scp: null });
      const rolledBack = await stack.rollbackUpdate();

      // Assess
      answered(updated, 'FAILED');
      answered(rolledBack, 'SUCCESS');
      await expectReleased(keyId, found, 'legacy-b');
    });

    it('releases a successfully adopted key as found when the stack is rolled back or deleted before a later Update confirms it', async () => {
      // Prepare
      const stack = newStack();
      const { keyId, found } = await seed('legacy-c', stack);
      const adopted = await stack.create(props({ 'legacy-c': { Region: 'us-east-1', RemovalPolicy: 'Delete' } }, { AdoptExistingKeys: true }));
      const recorded = (await control().state()).keys.find((k) => k.keyId === keyId)!;

      // Act: another resource failed, CloudFormation deletes this one (or the stack is deleted)
      const deleted = await stack.delete();

      // Assess
      answered(adopted, 'SUCCESS');
      expect(recorded.tags[`${PREFIX}AdoptedBy`]).toBe(adopted.event.RequestId);
      expect(recorded.tags[`${PREFIX}RemovalPolicy`]).toBe('Retain');
      expect(recorded.policy).toBe(found.policy);
      answered(deleted, 'SUCCESS');
      await expectReleased(keyId, found, 'legacy-c');
    });

    it('applies the template in a later Update, then releases on removal unless RemovalPolicy: Delete is explicit; a garbage Delete still honours that', async () => {
      // Prepare
      const stack = newStack();
      const released = await seed('legacy-d', stack);
      const deletedKey = await seed('legacy-e', stack);
      const keys = { 'legacy-d': { Region: 'us-east-1' }, 'legacy-e': { Region: 'us-east-1', RemovalPolicy: 'Delete' } };
      answered(await stack.create(props(keys, { AdoptExistingKeys: true })), 'SUCCESS');

      // Act
      const confirmed = await stack.update(props(keys, { AdoptExistingKeys: false }));
      const afterConfirm = await control().state();
      const garbageDelete = await stack.deliver(
        env.driver.event({
          requestType: 'Delete',
          resource: stack.resource,
          properties: stack.propertiesOf({ CustomerMasterKeys: 'garbage', OptInRegions: ['us-eats-1'] }),
          physicalResourceId: stack.physicalResourceId ?? undefined,
        }),
      );

      // Assess
      answered(confirmed, 'SUCCESS');
      const d = afterConfirm.keys.find((k) => k.keyId === released.keyId)!;
      expect(d.policy).not.toBe(released.found.policy);
      expect(d.tags[`${PREFIX}RemovalPolicy`]).toBe('Retain');
      // The confirmation removed the owner's consent.
      expect(d.tags[ADOPTABLE_BY]).toBeUndefined();
      expect(afterConfirm.keys.find((k) => k.keyId === deletedKey.keyId)!.tags[`${PREFIX}RemovalPolicy`]).toBe('Delete');
      answered(garbageDelete, 'SUCCESS');
      const state = await control().state();
      const kept = state.keys.find((k) => k.keyId === released.keyId)!;
      expect(kept.keyState).toBe('Enabled');
      expect(Object.keys(kept.tags).filter((t) => t.startsWith(PREFIX))).toEqual([]);
      expect(aliasTarget(state, 'us-east-1', 'alias/legacy-d')).toBe(released.keyId);
      expect(state.keys.find((k) => k.keyId === deletedKey.keyId)!.keyState).toBe('PendingDeletion');
    });
  });

  it('hands keys back when a rename hand-over fails half-way: the rollback Delete of the new resource deletes nothing it took over', async () => {
    // Prepare: Keys owns cmk-rename; the template renames it to PlatformKeys, whose Create fails in us-west-2
    const id = stackId();
    const old = newStack(id, 'Keys');
    const keyId = await deployed(old, 'cmk-rename');
    const renamed = newStack(id, 'PlatformKeys');
    await control().config({ scp: DENY_CREATE_KEY_IN_US_WEST_2 });

    // Act
    const created = await renamed.create(
      props({ 'cmk-rename': { Region: 'us-east-1', ReplicaRegions: ['eu-west-1'] }, 'cmk-rename-west': { Region: 'us-west-2' } }),
    );
    await control().config({ scp: null });
    const between = keysOf(await control().state(), [keyId]).map((k) => k.tags[`${PREFIX}PreviousOwner`]);
    const rolledBack = await renamed.delete();

    // Assess: the failed Create had taken the key over (PreviousOwner set); its rollback handed it back
    expect(between).toEqual([old.physicalResourceId, old.physicalResourceId]);
    answered(created, 'FAILED');
    answered(rolledBack, 'SUCCESS');
    await expectIntact(keyId, 'cmk-rename');
    const owners = keysOf(await control().state(), [keyId]).map((k) => [k.tags[`${PREFIX}Owner`], k.tags[`${PREFIX}PreviousOwner`]]);
    expect(owners).toEqual([
      [old.physicalResourceId, undefined],
      [old.physicalResourceId, undefined],
    ]);
  });

  it('restores a replica a rename dropped when its Region comes back: no ReplicateKey into a Region that has one', async () => {
    // Prepare: Keys owns cmk-hop in us-east-1 with replicas in eu-west-1 and us-west-2; the rename to
    // PlatformKeys drops us-west-2, whose replica is scheduled for deletion still tagged for Keys.
    const id = stackId();
    const old = newStack(id, 'Keys');
    const created = await old.create(props({ 'cmk-hop': { Region: 'us-east-1', ReplicaRegions: ['eu-west-1', 'us-west-2'] } }));
    answered(created, 'SUCCESS');
    const keyId = created.data?.['KeyIds.us-east-1.cmk-hop'] as string;
    const renamed = newStack(id, 'PlatformKeys');
    answered(await renamed.create(props({ 'cmk-hop': { Region: 'us-east-1', ReplicaRegions: ['eu-west-1'] } })), 'SUCCESS');
    const dropped = keysOf(await control().state(), [keyId]).find((k) => k.region === 'us-west-2')!;
    expect([dropped.keyState, dropped.tags[`${PREFIX}Owner`]]).toEqual(['PendingDeletion', old.physicalResourceId]);

    // Act
    const updated = await renamed.update(props({ 'cmk-hop': { Region: 'us-east-1', ReplicaRegions: ['eu-west-1', 'us-west-2'] } }));

    // Assess
    answered(updated, 'SUCCESS');
    await expectIntact(keyId, 'cmk-hop', ['eu-west-1', 'us-east-1', 'us-west-2']);
    const owners = keysOf(await control().state(), [keyId]).map((k) => k.tags[`${PREFIX}Owner`]);
    expect(owners).toEqual([renamed.physicalResourceId, renamed.physicalResourceId, renamed.physicalResourceId]);
  });
});
