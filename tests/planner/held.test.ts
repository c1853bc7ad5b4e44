import { plan } from '../../lib/planner/index.ts';
import type { HeldInstance } from '../../lib/types.ts';
import { actualKey, alias, desiredKey, desiredState, ownedTags, replicaOf } from './fixtures.ts';

const MRK = 'mrk-00000000000000000000000000000001';
const NOT_ENABLED: HeldInstance = {
  keyName: 'cmk-prod',
  region: null,
  property: 'Region',
  cause: 'me-south-1 is not enabled in this account (ListRegions: DISABLED)',
};

/** cmk-prod as it was deployed: primary in us-east-1, replica in eu-west-1, aliases in both. */
function deployed(overrides: Parameters<typeof actualKey>[2] = {}) {
  const key = desiredKey('cmk-prod', { replicaRegions: ['eu-west-1'] });
  const primary = actualKey(key, MRK, overrides);
  return {
    key,
    actual: {
      keys: [primary, replicaOf(primary, 'eu-west-1')],
      aliases: [alias('us-east-1', 'alias/cmk-prod', MRK), alias('eu-west-1', 'alias/cmk-prod', MRK)],
    },
  };
}

describe('Function: plan (held instances: an input that became invalid never removes a key)', () => {
  it('keeps an existing key whose Region is no longer usable and refuses, naming the key, the Region and how to remove it', () => {
    // Prepare: the key's Region moved to me-south-1, which is not enabled: no desired key places it
    const { actual } = deployed();

    // Act
    const result = plan(desiredState([], { invalidCmkInputs: ['cmk-prod'], held: [NOT_ENABLED] }), actual);

    // Assess
    expect(result.actions).toEqual([]);
    expect(result.refusals).toEqual([
      {
        keyName: 'cmk-prod',
        region: 'us-east-1',
        reason: `the key of cmk-prod in us-east-1 (${MRK}) is kept: Region of cmk-prod no longer places it there because me-south-1 is not enabled in this account (ListRegions: DISABLED), and an input that became invalid never removes a key. To remove cmk-prod on purpose, take it out of CustomerMasterKeys; to keep it, set its Region back to us-east-1.`,
      },
    ]);
  });

  it('lets a key that does not exist yet stay uncreated without a refusal (InvalidCmkInputs only)', () => {
    // Act
    const result = plan(desiredState([], { invalidCmkInputs: ['cmk-prod'], held: [NOT_ENABLED] }), { keys: [], aliases: [] });

    // Assess
    expect(result).toEqual({ actions: [], refusals: [], bindings: {} });
  });

  it('keeps a replica whose Region left OptInRegions while the primary stays valid, and refuses', () => {
    // Prepare: ReplicaRegions still lists eu-west-1, OptInRegions no longer does
    const { actual } = deployed();
    const key = desiredKey('cmk-prod', { replicaRegions: [], multiRegion: true });
    const held: HeldInstance = { keyName: 'cmk-prod', region: 'eu-west-1', property: 'ReplicaRegions', cause: 'eu-west-1 is not in OptInRegions' };

    // Act
    const result = plan(desiredState([key], { invalidReplicaRegions: { 'cmk-prod': ['eu-west-1'] }, held: [held] }), actual);

    // Assess
    expect(result.actions).toEqual([]);
    expect(result.refusals).toHaveLength(1);
    expect(result.refusals[0]).toMatchObject({ keyName: 'cmk-prod', region: 'eu-west-1' });
    expect(result.refusals[0]!.reason).toContain('the replica of cmk-prod in eu-west-1');
    expect(result.refusals[0]!.reason).toContain('take eu-west-1 out of the ReplicaRegions of cmk-prod');
  });

  it('still removes a replica whose Region left ReplicaRegions: the configuration names it', () => {
    // Prepare
    const { actual } = deployed();
    const key = desiredKey('cmk-prod', { replicaRegions: [], multiRegion: true });

    // Act
    const result = plan(desiredState([key], { held: [] }), actual);

    // Assess
    expect(result.refusals).toEqual([]);
    expect(result.actions.map((a) => `${a.kind}:${a.region}`)).toEqual(['DeleteAlias:eu-west-1', 'ScheduleKeyDeletion:eu-west-1']);
  });

  it('refuses to release a held Retain key too: releasing is a removal', () => {
    // Prepare
    const retained = desiredKey('cmk-prod', { replicaRegions: ['eu-west-1'], removalPolicy: 'Retain' });
    const { actual } = deployed({ tags: ownedTags(retained) });

    // Act
    const result = plan(desiredState([], { held: [NOT_ENABLED] }), actual);

    // Assess
    expect(result.actions).toEqual([]);
    expect(result.refusals).toHaveLength(1);
  });

  it('leaves a held key already pending deletion alone, without a refusal: the plan would not touch it', () => {
    // Prepare
    const key = desiredKey('cmk-prod');
    const actual = { keys: [actualKey(key, 'k-1', { state: 'PendingDeletion' })], aliases: [] };

    // Act
    const result = plan(desiredState([], { held: [NOT_ENABLED] }), actual);

    // Assess
    expect(result).toEqual({ actions: [], refusals: [], bindings: {} });
  });

  it('holds only the key it names: another removed key is still removed', () => {
    // Prepare
    const other = desiredKey('cmk-old');
    const actual = { keys: [actualKey(other, 'k-old')], aliases: [alias('us-east-1', 'alias/cmk-old', 'k-old')] };

    // Act
    const result = plan(desiredState([], { held: [NOT_ENABLED] }), actual);

    // Assess
    expect(result.refusals).toEqual([]);
    expect(result.actions.map((a) => a.kind)).toEqual(['DeleteAlias', 'ScheduleKeyDeletion']);
  });
});

describe('Function: plan (a key in every Region that now names one Region)', () => {
  const perRegion = (region: string, keyId: string) =>
    actualKey(desiredKey('cmk-all', { id: `cmk-all@${region}`, perRegion: true, primaryRegion: region }), keyId, { region });
  const actual = {
    keys: [perRegion('us-east-1', 'k-use1'), perRegion('eu-west-1', 'k-euw1'), perRegion('ap-south-1', 'k-aps1')],
    aliases: [alias('us-east-1', 'alias/cmk-all', 'k-use1'), alias('eu-west-1', 'alias/cmk-all', 'k-euw1'), alias('ap-south-1', 'alias/cmk-all', 'k-aps1')],
  };

  it('keeps the separate keys of the other Regions and refuses: no removal names them', () => {
    // Act
    const result = plan(desiredState([desiredKey('cmk-all')]), actual);

    // Assess
    expect(result.actions).toEqual([]);
    expect(result.refusals).toEqual([
      {
        keyName: 'cmk-all',
        region: null,
        reason:
          'Region of cmk-all is now us-east-1, which would delete its separate keys in ap-south-1, eu-west-1 (each with its own key material), although no removal names them. To delete them, set AllowReplacement: true on cmk-all for this change; to keep them, set its Region back to "".',
      },
    ]);
  });

  it('removes them when the key allows replacement', () => {
    // Act
    const result = plan(desiredState([desiredKey('cmk-all', { allowReplacement: true })]), actual);

    // Assess
    expect(result.refusals).toEqual([]);
    expect(result.actions.filter((a) => a.kind === 'ScheduleKeyDeletion').map((a) => a.region)).toEqual(['ap-south-1', 'eu-west-1']);
  });
});

describe('Function: plan (a Region disabled in the account after keys were made there)', () => {
  it('keeps a key whose primary Region was disabled: its replicas, still visible, are not removed', () => {
    // Prepare: primary in me-south-1 (no longer enabled, so not read), replica in eu-west-1
    const key = desiredKey('cmk-prod', { primaryRegion: 'me-south-1', replicaRegions: ['eu-west-1'] });
    const primary = actualKey(key, MRK, { region: 'me-south-1' });
    const actual = { keys: [primary, replicaOf(primary, 'eu-west-1')], aliases: [alias('eu-west-1', 'alias/cmk-prod', MRK)] };
    const held: HeldInstance = { ...NOT_ENABLED, cause: 'me-south-1 is not enabled in this account (ListRegions: DISABLING)' };

    // Act
    const result = plan(desiredState([], { regions: ['eu-west-1', 'us-east-1'], invalidCmkInputs: ['cmk-prod'], held: [held] }), actual);

    // Assess
    expect(result.actions).toEqual([]);
    expect(result.refusals).toHaveLength(1);
    expect(result.refusals[0]).toMatchObject({ keyName: 'cmk-prod', region: 'eu-west-1' });
    expect(result.refusals[0]!.reason).toContain('the replica of cmk-prod in eu-west-1');
  });

  it('never touches a replica in a disabled Region: the Region is not read, so the plan does not see it', () => {
    // Prepare: the replica Region me-south-1 was disabled; the key still lists it
    const key = desiredKey('cmk-prod', { replicaRegions: [], multiRegion: true });
    const primary = actualKey(desiredKey('cmk-prod', { replicaRegions: ['me-south-1'] }), MRK);
    const actual = { keys: [primary, replicaOf(primary, 'me-south-1')], aliases: [alias('us-east-1', 'alias/cmk-prod', MRK)] };
    const held: HeldInstance = { keyName: 'cmk-prod', region: 'me-south-1', property: 'ReplicaRegions', cause: 'me-south-1 is not enabled' };

    // Act
    const result = plan(
      desiredState([key], { regions: ['eu-west-1', 'us-east-1'], invalidReplicaRegions: { 'cmk-prod': ['me-south-1'] }, held: [held] }),
      actual,
    );

    // Assess
    expect(result).toEqual({ actions: [], refusals: [], bindings: { 'cmk-prod': { keyId: MRK } } });
  });
});
