import { OWNERSHIP_TAGS } from '../../lib/ownership.ts';
import { plan } from '../../lib/planner/index.ts';
import { actualKey, alias, desiredKey, desiredState, OTHER_POLICY, ownedTags, POLICY, replicaOf } from './fixtures.ts';

const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const MRK = 'mrk-1234abcd12ab34cd56ef1234567890ab';

describe('Function: plan (existing keys, in place)', () => {
  it('plans nothing when the key matches, whatever the formatting of its policy', () => {
    // Prepare
    const key = desiredKey('cmk-prod');
    const actual = {
      keys: [actualKey(key, KEY_ID, { policy: JSON.stringify(JSON.parse(POLICY), null, 2) })],
      aliases: [alias('us-east-1', 'alias/cmk-prod', KEY_ID)],
    };

    // Act
    const result = plan(desiredState([key]), actual);

    // Assess
    expect(result).toEqual({ actions: [], refusals: [], bindings: { 'cmk-prod': { keyId: KEY_ID } } });
  });

  it('updates policy, description, tags and enabled state in place', () => {
    // Prepare
    const key = desiredKey('cmk-prod', { policy: OTHER_POLICY, description: 'new', tags: { Team: 'data' }, enabled: false, rotation: null });
    const previous = desiredKey('cmk-prod', { tags: { Team: 'platform', Old: 'x' } });
    const actual = {
      keys: [actualKey(previous, KEY_ID, { tags: { ...ownedTags(previous), [OWNERSHIP_TAGS.previousOwner]: 'mrkk-old' } })],
      aliases: [alias('us-east-1', 'alias/cmk-prod', KEY_ID)],
    };
    const base = { region: 'us-east-1', keyName: 'cmk-prod', dependsOn: [], key: { keyId: KEY_ID } };

    // Act
    const result = plan(desiredState([key]), actual);

    // Assess: PreviousOwner stays until the previous owner confirms the hand-over.
    expect(result).toEqual({
      actions: [
        { ...base, kind: 'DisableKey', id: `DisableKey:us-east-1:cmk-prod:${KEY_ID}` },
        { ...base, kind: 'PutKeyPolicy', id: `PutKeyPolicy:us-east-1:cmk-prod:${KEY_ID}`, policy: OTHER_POLICY },
        { ...base, kind: 'TagResource', id: `TagResource:us-east-1:cmk-prod:${KEY_ID}`, tags: { Team: 'data' } },
        { ...base, kind: 'UntagResource', id: `UntagResource:us-east-1:cmk-prod:${KEY_ID}`, tagKeys: ['Old'] },
        { ...base, kind: 'UpdateKeyDescription', id: `UpdateKeyDescription:us-east-1:cmk-prod:${KEY_ID}`, description: 'new' },
      ],
      refusals: [],
      bindings: { 'cmk-prod': { keyId: KEY_ID } },
    });
  });

  it('records a changed removal policy and deletion window on the key', () => {
    // Prepare
    const key = desiredKey('cmk-prod', { removalPolicy: 'Retain', deletionWindowInDays: 7 });
    const actual = { keys: [actualKey(desiredKey('cmk-prod'), KEY_ID)], aliases: [alias('us-east-1', 'alias/cmk-prod', KEY_ID)] };

    // Act
    const result = plan(desiredState([key]), actual);

    // Assess
    expect(result.actions).toEqual([
      {
        kind: 'TagResource',
        id: `TagResource:us-east-1:cmk-prod:${KEY_ID}`,
        region: 'us-east-1',
        keyName: 'cmk-prod',
        dependsOn: [],
        key: { keyId: KEY_ID },
        tags: { [OWNERSHIP_TAGS.deletionWindowInDays]: '7', [OWNERSHIP_TAGS.removalPolicy]: 'Retain' },
      },
    ]);
  });

  it('restores a key pending deletion: CancelKeyDeletion first, then EnableKey, rotation and the alias', () => {
    // Prepare
    const key = desiredKey('cmk-prod', { description: 'restored' });
    const actual = {
      keys: [
        actualKey(key, KEY_ID, {
          state: 'PendingDeletion',
          deletionDate: '2030-01-08T00:00:00.000Z',
          description: 'old',
          rotation: { enabled: false, periodInDays: 365 },
        }),
      ],
      aliases: [],
    };
    const base = { region: 'us-east-1', keyName: 'cmk-prod', key: { keyId: KEY_ID } };
    const cancel = `CancelKeyDeletion:us-east-1:cmk-prod:${KEY_ID}`;
    const enable = `EnableKey:us-east-1:cmk-prod:${KEY_ID}`;

    // Act
    const result = plan(desiredState([key]), actual);

    // Assess
    expect(result).toEqual({
      actions: [
        { kind: 'CancelKeyDeletion', id: cancel, dependsOn: [], ...base },
        {
          kind: 'CreateAlias',
          id: 'CreateAlias:us-east-1:alias/cmk-prod',
          region: 'us-east-1',
          keyName: 'cmk-prod',
          dependsOn: [cancel],
          aliasName: 'alias/cmk-prod',
          key: { keyId: KEY_ID },
        },
        { kind: 'EnableKey', id: enable, dependsOn: [cancel], ...base },
        { kind: 'EnableKeyRotation', id: `EnableKeyRotation:us-east-1:cmk-prod:${KEY_ID}`, dependsOn: [cancel, enable], ...base, rotationPeriodInDays: 365 },
        { kind: 'UpdateKeyDescription', id: `UpdateKeyDescription:us-east-1:cmk-prod:${KEY_ID}`, dependsOn: [cancel], ...base, description: 'restored' },
      ],
      refusals: [],
      bindings: { 'cmk-prod': { keyId: KEY_ID } },
    });
  });

  it('changes the rotation period and turns rotation off on the primary only', () => {
    // Prepare
    const periodKey = desiredKey('cmk-a', { rotation: { enabled: true, periodInDays: 180 } });
    const offKey = desiredKey('cmk-b', { rotation: { enabled: false, periodInDays: 365 }, replicaRegions: ['eu-west-1'] });
    const primaryB = actualKey(offKey, MRK, { rotation: { enabled: true, periodInDays: 365 } });
    const actual = {
      keys: [actualKey(periodKey, KEY_ID, { rotation: { enabled: true, periodInDays: 365 } }), primaryB, replicaOf(primaryB, 'eu-west-1')],
      aliases: [alias('us-east-1', 'alias/cmk-a', KEY_ID), alias('us-east-1', 'alias/cmk-b', MRK), alias('eu-west-1', 'alias/cmk-b', MRK)],
    };

    // Act
    const result = plan(desiredState([periodKey, offKey]), actual);

    // Assess
    expect(result.actions).toEqual([
      {
        kind: 'DisableKeyRotation',
        id: `DisableKeyRotation:us-east-1:cmk-b:${MRK}`,
        region: 'us-east-1',
        keyName: 'cmk-b',
        dependsOn: [],
        key: { keyId: MRK },
      },
      {
        kind: 'EnableKeyRotation',
        id: `EnableKeyRotation:us-east-1:cmk-a:${KEY_ID}`,
        region: 'us-east-1',
        keyName: 'cmk-a',
        dependsOn: [],
        key: { keyId: KEY_ID },
        rotationPeriodInDays: 180,
      },
    ]);
  });

  it('changes rotation before disabling a key, and leaves the rotation of a key that stays disabled alone', () => {
    // Prepare: KMS answers DisabledException to rotation changes on a disabled key.
    const goingOff = desiredKey('cmk-a', { enabled: false });
    const stayingOff = desiredKey('cmk-b', { enabled: false });
    const actual = {
      keys: [
        actualKey(goingOff, 'key-a', { state: 'Enabled', rotation: { enabled: false, periodInDays: null } }),
        actualKey(stayingOff, 'key-b', { state: 'Disabled', rotation: { enabled: false, periodInDays: null } }),
      ],
      aliases: [alias('us-east-1', 'alias/cmk-a', 'key-a'), alias('us-east-1', 'alias/cmk-b', 'key-b')],
    };
    const base = { region: 'us-east-1', keyName: 'cmk-a', key: { keyId: 'key-a' } };

    // Act
    const result = plan(desiredState([goingOff, stayingOff]), actual);

    // Assess
    expect(result.actions).toEqual([
      { ...base, kind: 'DisableKey', id: 'DisableKey:us-east-1:cmk-a:key-a', dependsOn: ['EnableKeyRotation:us-east-1:cmk-a:key-a'] },
      { ...base, kind: 'EnableKeyRotation', id: 'EnableKeyRotation:us-east-1:cmk-a:key-a', dependsOn: [], rotationPeriodInDays: 365 },
    ]);
  });

  it('adds a replica while disabling the key: ReplicateKey before the primary is disabled', () => {
    // Prepare: KMS replicates only an enabled primary.
    const key = desiredKey('cmk-mr', { replicaRegions: ['ap-south-1', 'eu-west-1'], enabled: false, rotation: null });
    const primary = actualKey(key, MRK, { replicaRegions: ['eu-west-1'], state: 'Enabled' });
    const actual = {
      keys: [primary, replicaOf(primary, 'eu-west-1', { state: 'Disabled' })],
      aliases: [alias('us-east-1', 'alias/cmk-mr', MRK), alias('eu-west-1', 'alias/cmk-mr', MRK)],
    };
    const replicate = 'ReplicateKey:us-east-1:cmk-mr:ap-south-1';

    // Act
    const result = plan(desiredState([key]), actual);

    // Assess
    expect(result.actions).toEqual([
      {
        kind: 'CreateAlias',
        id: 'CreateAlias:ap-south-1:alias/cmk-mr',
        region: 'ap-south-1',
        keyName: 'cmk-mr',
        dependsOn: [replicate],
        aliasName: 'alias/cmk-mr',
        key: { keyId: MRK },
      },
      { kind: 'DisableKey', id: `DisableKey:ap-south-1:cmk-mr:${MRK}`, region: 'ap-south-1', keyName: 'cmk-mr', dependsOn: [replicate], key: { keyId: MRK } },
      { kind: 'DisableKey', id: `DisableKey:us-east-1:cmk-mr:${MRK}`, region: 'us-east-1', keyName: 'cmk-mr', dependsOn: [replicate], key: { keyId: MRK } },
      {
        kind: 'ReplicateKey',
        id: replicate,
        region: 'us-east-1',
        keyName: 'cmk-mr',
        dependsOn: [],
        key: { keyId: MRK },
        replicaRegion: 'ap-south-1',
        policy: POLICY,
        description: 'cmk-mr of baseline/Keys',
        tags: ownedTags(key),
      },
    ]);
  });

  it('refuses to add a replica to a key that is and stays disabled', () => {
    // Prepare
    const key = desiredKey('cmk-mr', { replicaRegions: ['eu-west-1'], enabled: false, rotation: null });
    const actual = { keys: [actualKey(key, MRK, { replicaRegions: [], state: 'Disabled' })], aliases: [alias('us-east-1', 'alias/cmk-mr', MRK)] };

    // Act
    const result = plan(desiredState([key]), actual);

    // Assess
    expect(result).toEqual({
      actions: [],
      refusals: [
        {
          keyName: 'cmk-mr',
          region: 'us-east-1',
          reason:
            'ReplicaRegions of cmk-mr add a Region, and KMS replicates only an enabled primary key, but cmk-mr has Enabled: false; enable it while adding replicas',
        },
      ],
      bindings: {},
    });
  });

  it('refuses to replicate into a Region where the key has a replica the read did not return as ours', () => {
    // Prepare: KMS lists a replica in eu-west-1 (a hand-over left it pending deletion, still tagged
    // for the renamed resource), so ReplicateKey would answer AlreadyExists and the alias would land on it.
    const key = desiredKey('cmk-mr', { replicaRegions: ['ap-south-1', 'eu-west-1'] });
    const primary = actualKey(key, MRK);
    const actual = {
      keys: [primary, replicaOf(primary, 'ap-south-1')],
      aliases: [alias('us-east-1', 'alias/cmk-mr', MRK), alias('ap-south-1', 'alias/cmk-mr', MRK)],
    };

    // Act
    const result = plan(desiredState([key]), actual);

    // Assess
    expect(result).toEqual({
      actions: [],
      refusals: [
        {
          keyName: 'cmk-mr',
          region: 'eu-west-1',
          reason:
            `the multi-Region key of cmk-mr (${MRK}) already has a replica in eu-west-1 that this resource does not own (its tags name another owner or none, and alias/cmk-mr there does not target it), and KMS makes one replica per Region. ` +
            'To use it, cancel its deletion if it is pending (aws kms cancel-key-deletion), point alias/cmk-mr in eu-west-1 at it (aws kms create-alias) and retry; or remove eu-west-1 from ReplicaRegions of cmk-mr, or wait until KMS has deleted it',
        },
      ],
      bindings: {},
    });
  });

  it('removes a replica no longer wanted: its alias, then its deletion with the window recorded on it', () => {
    // Prepare
    const key = desiredKey('cmk-mr', { replicaRegions: [], multiRegion: true });
    const before = desiredKey('cmk-mr', { replicaRegions: ['eu-west-1'], deletionWindowInDays: 7 });
    const primary = actualKey(key, MRK, { replicaRegions: ['eu-west-1'] });
    const actual = {
      keys: [primary, replicaOf(primary, 'eu-west-1', { tags: ownedTags(before) })],
      aliases: [alias('us-east-1', 'alias/cmk-mr', MRK), alias('eu-west-1', 'alias/cmk-mr', MRK)],
    };

    // Act
    const result = plan(desiredState([key]), actual);

    // Assess
    expect(result.actions).toEqual([
      { kind: 'DeleteAlias', id: 'DeleteAlias:eu-west-1:alias/cmk-mr', region: 'eu-west-1', keyName: 'cmk-mr', dependsOn: [], aliasName: 'alias/cmk-mr' },
      {
        kind: 'ScheduleKeyDeletion',
        id: `ScheduleKeyDeletion:eu-west-1:cmk-mr:${MRK}`,
        region: 'eu-west-1',
        keyName: 'cmk-mr',
        dependsOn: ['DeleteAlias:eu-west-1:alias/cmk-mr'],
        key: { keyId: MRK },
        pendingWindowInDays: 7,
      },
    ]);
  });

  it('releases a Retain replica no longer wanted: only the ownership tags go', () => {
    // Prepare
    const key = desiredKey('cmk-mr', { replicaRegions: [], multiRegion: true });
    const primary = actualKey(key, MRK, { replicaRegions: ['eu-west-1'] });
    const replicaTags = ownedTags(desiredKey('cmk-mr', { replicaRegions: ['eu-west-1'], removalPolicy: 'Retain' }));
    const actual = {
      keys: [primary, replicaOf(primary, 'eu-west-1', { tags: replicaTags })],
      aliases: [alias('us-east-1', 'alias/cmk-mr', MRK), alias('eu-west-1', 'alias/cmk-mr', MRK)],
    };

    // Act
    const result = plan(desiredState([key]), actual);

    // Assess
    expect(result.actions).toEqual([
      {
        kind: 'UntagResource',
        id: `UntagResource:eu-west-1:cmk-mr:${MRK}`,
        region: 'eu-west-1',
        keyName: 'cmk-mr',
        dependsOn: [],
        key: { keyId: MRK },
        tagKeys: Object.values(OWNERSHIP_TAGS)
          .filter((t) => t !== OWNERSHIP_TAGS.previousOwner && t !== OWNERSHIP_TAGS.adoptedBy)
          .sort(),
      },
    ]);
  });

  it('moves the primary to a Region holding a replica with UpdatePrimaryRegion, then removes the old one', () => {
    // Prepare
    const key = desiredKey('cmk-mr', { primaryRegion: 'eu-west-1', replicaRegions: [], multiRegion: true });
    const primary = actualKey(key, MRK, { region: 'us-east-1', primaryRegion: 'us-east-1', replicaRegions: ['eu-west-1'] });
    const actual = {
      keys: [primary, replicaOf(primary, 'eu-west-1')],
      aliases: [alias('us-east-1', 'alias/cmk-mr', MRK), alias('eu-west-1', 'alias/cmk-mr', MRK)],
    };
    const move = `UpdatePrimaryRegion:us-east-1:cmk-mr:${MRK}`;

    // Act
    const result = plan(desiredState([key]), actual);

    // Assess
    expect(result).toEqual({
      actions: [
        { kind: 'DeleteAlias', id: 'DeleteAlias:us-east-1:alias/cmk-mr', region: 'us-east-1', keyName: 'cmk-mr', dependsOn: [], aliasName: 'alias/cmk-mr' },
        {
          kind: 'ScheduleKeyDeletion',
          id: `ScheduleKeyDeletion:us-east-1:cmk-mr:${MRK}`,
          region: 'us-east-1',
          keyName: 'cmk-mr',
          dependsOn: ['DeleteAlias:us-east-1:alias/cmk-mr', move],
          key: { keyId: MRK },
          pendingWindowInDays: 30,
        },
        { kind: 'UpdatePrimaryRegion', id: move, region: 'us-east-1', keyName: 'cmk-mr', dependsOn: [], key: { keyId: MRK }, primaryRegion: 'eu-west-1' },
      ],
      refusals: [],
      bindings: { 'cmk-mr': { keyId: MRK } },
    });
  });

  it('refuses to move the primary of a key that is to stay disabled while one of its keys is disabled', () => {
    // Prepare: UpdatePrimaryRegion needs both keys Enabled.
    const key = desiredKey('cmk-mr', { primaryRegion: 'eu-west-1', replicaRegions: ['us-east-1'], enabled: false });
    const primary = actualKey(key, MRK, { region: 'us-east-1', primaryRegion: 'us-east-1', replicaRegions: ['eu-west-1'], state: 'Disabled' });
    const actual = { keys: [primary, replicaOf(primary, 'eu-west-1')], aliases: [alias('eu-west-1', 'alias/cmk-mr', MRK)] };

    // Act
    const result = plan(desiredState([key]), actual);

    // Assess
    expect(result.actions).toEqual([]);
    expect(result.refusals).toEqual([
      {
        keyName: 'cmk-mr',
        region: 'eu-west-1',
        reason:
          'Region of cmk-mr would move the primary key from us-east-1 to eu-west-1, which KMS allows only while both keys are Enabled, but cmk-mr has Enabled: false; enable it while moving it',
      },
    ]);
  });
});
