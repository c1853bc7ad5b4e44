import { ownershipTags } from '../../lib/ownership.ts';
import { plan } from '../../lib/planner/index.ts';
import { actualKey, alias, desiredKey, desiredState, ownedTags, POLICY, SIBLING } from './fixtures.ts';

const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';

describe('Function: plan (replacement)', () => {
  it('refuses a Spec change without AllowReplacement, saying why', () => {
    // Prepare
    const key = desiredKey('cmk-x', { spec: 'RSA_2048', keyUsage: 'SIGN_VERIFY', rotation: null });
    const actual = { keys: [actualKey(desiredKey('cmk-x', { keyUsage: 'SIGN_VERIFY' }), KEY_ID)], aliases: [alias('us-east-1', 'alias/cmk-x', KEY_ID)] };

    // Act
    const result = plan(desiredState([key]), actual);

    // Assess
    expect(result).toEqual({
      actions: [],
      refusals: [
        {
          keyName: 'cmk-x',
          region: 'us-east-1',
          reason:
            "Spec of cmk-x would change from SYMMETRIC_DEFAULT to RSA_2048, which needs a new key: the old key's data can no longer be decrypted once its deletion window ends. Set AllowReplacement: true to allow it.",
        },
      ],
      bindings: {},
    });
  });

  it('never makes a single-Region key multi-Region in place', () => {
    // Prepare
    const key = desiredKey('cmk-x', { replicaRegions: ['eu-west-1'] });
    const actual = { keys: [actualKey(desiredKey('cmk-x'), KEY_ID)], aliases: [alias('us-east-1', 'alias/cmk-x', KEY_ID)] };

    // Act
    const result = plan(desiredState([key]), actual);

    // Assess
    expect(result.refusals.map((r) => r.reason)).toEqual([
      "MultiRegion of cmk-x would change from false to true, which needs a new key: the old key's data can no longer be decrypted once its deletion window ends. Set AllowReplacement: true to allow it.",
    ]);
  });

  it('refuses a new primary Region where the key has no replica', () => {
    // Prepare
    const key = desiredKey('cmk-x', { primaryRegion: 'eu-west-1' });
    const actual = { keys: [actualKey(desiredKey('cmk-x'), KEY_ID)], aliases: [alias('us-east-1', 'alias/cmk-x', KEY_ID)] };

    // Act
    const result = plan(desiredState([key]), actual);

    // Assess: found by its KeyName tag, as the alias is in the old Region.
    expect(result.refusals.map((r) => r.reason)).toEqual([
      "Region of cmk-x would change from us-east-1 to eu-west-1, which needs a new key: the old key's data can no longer be decrypted once its deletion window ends. Set AllowReplacement: true to allow it.",
    ]);
  });

  it('replaces a key of another type with AllowReplacement: DeleteAlias then CreateAlias, then the old key goes', () => {
    // Prepare
    const key = desiredKey('cmk-x', { spec: 'RSA_2048', keyUsage: 'SIGN_VERIFY', rotation: null, allowReplacement: true });
    const oldKey = desiredKey('cmk-x', { deletionWindowInDays: 7 });
    const actual = { keys: [actualKey(oldKey, KEY_ID)], aliases: [alias('us-east-1', 'alias/cmk-x', KEY_ID)] };
    const create = 'CreateKey:us-east-1:cmk-x';
    const base = { region: 'us-east-1', keyName: 'cmk-x' };

    // Act
    const result = plan(desiredState([key]), actual);

    // Assess
    expect(result).toEqual({
      actions: [
        {
          ...base,
          kind: 'CreateAlias',
          id: 'CreateAlias:us-east-1:alias/cmk-x',
          dependsOn: [create, 'DeleteAlias:us-east-1:alias/cmk-x'],
          aliasName: 'alias/cmk-x',
          key: { created: create },
        },
        {
          ...base,
          kind: 'CreateKey',
          id: create,
          dependsOn: [],
          spec: 'RSA_2048',
          keyUsage: 'SIGN_VERIFY',
          multiRegion: false,
          policy: POLICY,
          description: 'cmk-x of baseline/Keys',
          tags: ownedTags(key),
        },
        { ...base, kind: 'DeleteAlias', id: 'DeleteAlias:us-east-1:alias/cmk-x', dependsOn: [], aliasName: 'alias/cmk-x' },
        {
          ...base,
          kind: 'ScheduleKeyDeletion',
          id: `ScheduleKeyDeletion:us-east-1:cmk-x:${KEY_ID}`,
          dependsOn: ['DeleteAlias:us-east-1:alias/cmk-x'],
          key: { keyId: KEY_ID },
          pendingWindowInDays: 7,
        },
      ],
      refusals: [],
      bindings: { 'cmk-x': { created: create } },
    });
  });

  it('moves the alias with UpdateAlias when old and new key have the same type and usage', () => {
    // Prepare
    const key = desiredKey('cmk-x', { spec: 'RSA_3072', keyUsage: 'SIGN_VERIFY', rotation: null, allowReplacement: true });
    const actual = {
      keys: [actualKey(desiredKey('cmk-x', { spec: 'RSA_2048', keyUsage: 'SIGN_VERIFY', rotation: null }), KEY_ID)],
      aliases: [alias('us-east-1', 'alias/cmk-x', KEY_ID)],
    };
    const create = 'CreateKey:us-east-1:cmk-x';

    // Act
    const result = plan(desiredState([key]), actual);

    // Assess
    expect(result.actions.map((a) => [a.id, a.dependsOn])).toEqual([
      [create, []],
      [`ScheduleKeyDeletion:us-east-1:cmk-x:${KEY_ID}`, ['UpdateAlias:us-east-1:alias/cmk-x']],
      ['UpdateAlias:us-east-1:alias/cmk-x', [create]],
    ]);
  });

  it('releases a replaced Retain key instead of deleting it, once its alias has moved', () => {
    // Prepare
    const key = desiredKey('cmk-x', { spec: 'HMAC_256', keyUsage: 'GENERATE_VERIFY_MAC', rotation: null, allowReplacement: true });
    const actual = {
      keys: [actualKey(desiredKey('cmk-x', { spec: 'HMAC_512', keyUsage: 'GENERATE_VERIFY_MAC', rotation: null, removalPolicy: 'Retain' }), KEY_ID)],
      aliases: [alias('us-east-1', 'alias/cmk-x', KEY_ID)],
    };

    // Act
    const result = plan(desiredState([key]), actual);

    // Assess
    expect(result.actions.map((a) => [a.id, a.dependsOn])).toEqual([
      ['CreateKey:us-east-1:cmk-x', []],
      ['UntagResource:us-east-1:cmk-x:1234abcd-12ab-34cd-56ef-1234567890ab', []],
      ['UpdateAlias:us-east-1:alias/cmk-x', ['CreateKey:us-east-1:cmk-x']],
    ]);
  });

  it('moves a single-Region key to another Region with AllowReplacement: new key there, old one deleted', () => {
    // Prepare
    const key = desiredKey('cmk-x', { primaryRegion: 'eu-west-1', rotation: null, allowReplacement: true });
    const actual = { keys: [actualKey(desiredKey('cmk-x', { rotation: null }), KEY_ID)], aliases: [alias('us-east-1', 'alias/cmk-x', KEY_ID)] };

    // Act
    const result = plan(desiredState([key]), actual);

    // Assess
    expect(result.actions.map((a) => [a.id, a.dependsOn])).toEqual([
      ['CreateAlias:eu-west-1:alias/cmk-x', ['CreateKey:eu-west-1:cmk-x']],
      ['CreateKey:eu-west-1:cmk-x', []],
      ['DeleteAlias:us-east-1:alias/cmk-x', []],
      [`ScheduleKeyDeletion:us-east-1:cmk-x:${KEY_ID}`, ['DeleteAlias:us-east-1:alias/cmk-x']],
    ]);
    expect(result.bindings).toEqual({ 'cmk-x': { created: 'CreateKey:eu-west-1:cmk-x' } });
  });

  describe('a replacement an earlier attempt already made (AllowReplacement; it crashed before moving the alias)', () => {
    const key = desiredKey('cmk-x', { spec: 'RSA_2048', keyUsage: 'SIGN_VERIFY', rotation: null, allowReplacement: true });
    const oldKey = desiredKey('cmk-x', { deletionWindowInDays: 7 });
    /** Ours, tagged cmk-x, of the wanted type, no alias yet: the CreateKey of the earlier attempt. */
    const madeEarlier = actualKey(key, 'made-earlier');
    const siblingTags = { ...oldKey.tags, ...ownershipTags(SIBLING, 'cmk-x', { removalPolicy: 'Delete', deletionWindowInDays: 7 }) };

    it.each([
      ['our own old key', actualKey(oldKey, KEY_ID)],
      ["a sibling's old key (renamed logical ID)", actualKey(oldKey, KEY_ID, { tags: siblingTags })],
    ])('when the alias still targets %s, uses it: no second new key, and it is not deleted', (_case, old) => {
      // Prepare
      const actual = { keys: [old, madeEarlier], aliases: [alias('us-east-1', 'alias/cmk-x', KEY_ID)] };

      // Act
      const result = plan(desiredState([key]), actual);

      // Assess
      expect(result.refusals).toEqual([]);
      expect(result.bindings).toEqual({ 'cmk-x': { keyId: 'made-earlier' } });
      expect(result.actions.filter((a) => a.kind === 'CreateKey')).toEqual([]);
      expect(result.actions.filter((a) => a.kind === 'ScheduleKeyDeletion' && 'keyId' in a.key && a.key.keyId === 'made-earlier')).toEqual([]);
      expect(result.actions.filter((a) => a.kind === 'CreateAlias' || a.kind === 'UpdateAlias').map((a) => [a.kind, a.key])).toEqual([
        ['CreateAlias', { keyId: 'made-earlier' }],
      ]);
    });
  });
});
