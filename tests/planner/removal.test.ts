import { OWNERSHIP_TAGS, ownershipTags } from '../../lib/ownership.ts';
import { plan } from '../../lib/planner/index.ts';
import type { ActualState } from '../../lib/types.ts';
import { actualKey, alias, desiredKey, desiredState, OWNER, ownedTags, replicaOf, SIBLING, STRANGER } from './fixtures.ts';

const MRK = 'mrk-1234abcd12ab34cd56ef1234567890ab';
const deletion = desiredState([]);

describe('Function: plan (removal and Delete)', () => {
  it('deletes the aliases, then the replicas, then the primary, with the window recorded on each key', () => {
    // Prepare
    const key = desiredKey('cmk-mr', { replicaRegions: ['eu-west-1'], deletionWindowInDays: 7 });
    const primary = actualKey(key, MRK);
    const actual = {
      keys: [primary, replicaOf(primary, 'eu-west-1')],
      aliases: [alias('us-east-1', 'alias/cmk-mr', MRK), alias('us-east-1', 'alias/extra', MRK), alias('eu-west-1', 'alias/cmk-mr', MRK)],
    };
    const base = { keyName: 'cmk-mr', dependsOn: [] };

    // Act
    const result = plan(deletion, actual);

    // Assess
    expect(result).toEqual({
      actions: [
        { ...base, kind: 'DeleteAlias', id: 'DeleteAlias:eu-west-1:alias/cmk-mr', region: 'eu-west-1', aliasName: 'alias/cmk-mr' },
        { ...base, kind: 'DeleteAlias', id: 'DeleteAlias:us-east-1:alias/cmk-mr', region: 'us-east-1', aliasName: 'alias/cmk-mr' },
        { ...base, kind: 'DeleteAlias', id: 'DeleteAlias:us-east-1:alias/extra', region: 'us-east-1', aliasName: 'alias/extra' },
        {
          ...base,
          kind: 'ScheduleKeyDeletion',
          id: `ScheduleKeyDeletion:eu-west-1:cmk-mr:${MRK}`,
          region: 'eu-west-1',
          dependsOn: ['DeleteAlias:eu-west-1:alias/cmk-mr'],
          key: { keyId: MRK },
          pendingWindowInDays: 7,
        },
        {
          ...base,
          kind: 'ScheduleKeyDeletion',
          id: `ScheduleKeyDeletion:us-east-1:cmk-mr:${MRK}`,
          region: 'us-east-1',
          dependsOn: ['DeleteAlias:us-east-1:alias/cmk-mr', 'DeleteAlias:us-east-1:alias/extra', `ScheduleKeyDeletion:eu-west-1:cmk-mr:${MRK}`],
          key: { keyId: MRK },
          pendingWindowInDays: 7,
        },
      ],
      refusals: [],
      bindings: {},
    });
  });

  it('falls back to the default window when the recorded one is garbage', () => {
    // Prepare
    const key = desiredKey('cmk-prod');
    const actual = { keys: [actualKey(key, 'key-1', { tags: { ...ownedTags(key), [OWNERSHIP_TAGS.deletionWindowInDays]: 'soon' } })], aliases: [] };

    // Act
    const result = plan(desiredState([], { defaultDeletionWindowInDays: 14 }), actual);

    // Assess
    expect(result.actions).toEqual([
      {
        kind: 'ScheduleKeyDeletion',
        id: 'ScheduleKeyDeletion:us-east-1:cmk-prod:key-1',
        region: 'us-east-1',
        keyName: 'cmk-prod',
        dependsOn: [],
        key: { keyId: 'key-1' },
        pendingWindowInDays: 14,
      },
    ]);
  });

  it('leaves keys already pending deletion, foreign keys and their aliases alone', () => {
    // Prepare
    const key = desiredKey('cmk-prod');
    const stranger = actualKey(key, 'stranger-key', { tags: ownershipTags(STRANGER, 'cmk-prod', { removalPolicy: 'Delete', deletionWindowInDays: 30 }) });
    const actual: ActualState = {
      keys: [actualKey(key, 'pending-key', { state: 'PendingDeletion' }), stranger, actualKey(key, 'untagged', { tags: {} })],
      aliases: [alias('us-east-1', 'alias/cmk-prod', 'stranger-key'), alias('us-east-1', 'alias/other', 'untagged')],
    };

    // Act
    const result = plan(deletion, actual);

    // Assess
    expect(result).toEqual({ actions: [], refusals: [], bindings: {} });
  });

  it('releases a Retain key: its ownership tags go, the key and its alias stay', () => {
    // Prepare
    const key = desiredKey('cmk-prod', { removalPolicy: 'Retain' });
    const actual = { keys: [actualKey(key, 'key-1')], aliases: [alias('us-east-1', 'alias/cmk-prod', 'key-1')] };

    // Act
    const result = plan(deletion, actual);

    // Assess
    expect(result.actions).toEqual([
      {
        kind: 'UntagResource',
        id: 'UntagResource:us-east-1:cmk-prod:key-1',
        region: 'us-east-1',
        keyName: 'cmk-prod',
        dependsOn: [],
        key: { keyId: 'key-1' },
        tagKeys: Object.keys(ownershipTags(OWNER, 'cmk-prod', { removalPolicy: 'Retain', deletionWindowInDays: 30 })).sort(),
      },
    ]);
  });

  it('removes a key that left the configuration while keeping the others', () => {
    // Prepare
    const kept = desiredKey('cmk-kept', { rotation: null });
    const gone = desiredKey('cmk-gone', { rotation: null });
    const actual = {
      keys: [actualKey(kept, 'key-kept'), actualKey(gone, 'key-gone')],
      aliases: [alias('us-east-1', 'alias/cmk-kept', 'key-kept'), alias('us-east-1', 'alias/cmk-gone', 'key-gone')],
    };

    // Act
    const result = plan(desiredState([kept]), actual);

    // Assess
    expect(result.actions.map((a) => a.id)).toEqual(['DeleteAlias:us-east-1:alias/cmk-gone', 'ScheduleKeyDeletion:us-east-1:cmk-gone:key-gone']);
    expect(result.bindings).toEqual({ 'cmk-kept': { keyId: 'key-kept' } });
  });

  it('confirms a hand-over when the old resource of a rename is deleted: only PreviousOwner goes', () => {
    // Prepare: we are OldKeys (SIBLING); Keys took the key over.
    const key = desiredKey('cmk-prod');
    const tags = { ...ownedTags(key, OWNER), [OWNERSHIP_TAGS.previousOwner]: SIBLING.ownerId };
    const actual = { keys: [actualKey(key, 'key-1', { tags })], aliases: [alias('us-east-1', 'alias/cmk-prod', 'key-1')] };

    // Act
    const result = plan(desiredState([], { owner: SIBLING }), actual);

    // Assess
    expect(result.actions).toEqual([
      {
        kind: 'UntagResource',
        id: 'UntagResource:us-east-1:cmk-prod:key-1',
        region: 'us-east-1',
        keyName: 'cmk-prod',
        dependsOn: [],
        key: { keyId: 'key-1' },
        tagKeys: [OWNERSHIP_TAGS.previousOwner],
      },
    ]);
  });

  it('hands a key back to its previous owner when a rename is rolled back, instead of deleting it', () => {
    // Prepare: we are Keys, deleted by the rollback; OldKeys owned the key before.
    const key = desiredKey('cmk-mr', { replicaRegions: ['eu-west-1'] });
    const primary = actualKey(key, MRK, { tags: { ...ownedTags(key), [OWNERSHIP_TAGS.previousOwner]: SIBLING.ownerId } });
    const actual = { keys: [primary, replicaOf(primary, 'eu-west-1')], aliases: [alias('us-east-1', 'alias/cmk-mr', MRK)] };
    const on = (region: string) => ({ region, keyName: 'cmk-mr', key: { keyId: MRK } });

    // Act
    const result = plan(deletion, actual);

    // Assess
    expect(result.actions).toEqual([
      { ...on('eu-west-1'), kind: 'TagResource', id: `TagResource:eu-west-1:cmk-mr:${MRK}`, dependsOn: [], tags: { [OWNERSHIP_TAGS.owner]: SIBLING.ownerId } },
      { ...on('us-east-1'), kind: 'TagResource', id: `TagResource:us-east-1:cmk-mr:${MRK}`, dependsOn: [], tags: { [OWNERSHIP_TAGS.owner]: SIBLING.ownerId } },
      {
        ...on('eu-west-1'),
        kind: 'UntagResource',
        id: `UntagResource:eu-west-1:cmk-mr:${MRK}`,
        dependsOn: [`TagResource:eu-west-1:cmk-mr:${MRK}`],
        tagKeys: [OWNERSHIP_TAGS.previousOwner],
      },
      {
        ...on('us-east-1'),
        kind: 'UntagResource',
        id: `UntagResource:us-east-1:cmk-mr:${MRK}`,
        dependsOn: [`TagResource:us-east-1:cmk-mr:${MRK}`],
        tagKeys: [OWNERSHIP_TAGS.previousOwner],
      },
    ]);
  });

  it("never deletes a sibling's key that it does not take over", () => {
    // Prepare
    const key = desiredKey('cmk-prod');
    const actual = { keys: [actualKey(key, 'key-1', { tags: ownedTags(key, SIBLING) })], aliases: [alias('us-east-1', 'alias/cmk-prod', 'key-1')] };

    // Act
    const result = plan(deletion, actual);

    // Assess
    expect(result).toEqual({ actions: [], refusals: [], bindings: {} });
  });

  it('ignores keys and aliases outside the Regions the resource may use', () => {
    // Prepare
    const key = desiredKey('cmk-prod', { primaryRegion: 'sa-east-1' });
    const actual = { keys: [actualKey(key, 'key-1')], aliases: [alias('sa-east-1', 'alias/cmk-prod', 'key-1')] };

    // Act
    const result = plan(deletion, actual);

    // Assess
    expect(result.actions).toEqual([]);
  });
});
