import { ADOPTABLE_BY_TAG, OWNERSHIP_TAGS, ownershipTags } from '../../lib/ownership.ts';
import { plan } from '../../lib/planner/index.ts';
import { executePlan, planRun, readPlanInput, resolvedBindings } from '../support/planRun.ts';
import { actualKey, alias, desiredKey, desiredState, OTHER_POLICY, OWNER, ownedTags, POLICY, replicaOf, SIBLING, STACK_ID, STRANGER } from './fixtures.ts';

const MRK = 'mrk-1234abcd12ab34cd56ef1234567890ab';

describe('Function: plan (binding desired keys to actual keys)', () => {
  it('refuses an alias that targets a key this resource does not own, naming Region, alias and key', () => {
    // Prepare
    const key = desiredKey('cmk-prod');
    const theirs = actualKey(key, 'their-key', { tags: { Owner: 'someone' } });
    const actual = { keys: [theirs], aliases: [alias('us-east-1', 'alias/cmk-prod', 'their-key')] };

    // Act
    const result = plan(desiredState([key]), actual);

    // Assess
    expect(result).toEqual({
      actions: [],
      refusals: [
        {
          keyName: 'cmk-prod',
          region: 'us-east-1',
          reason: 'alias/cmk-prod in us-east-1 already targets key their-key, which this resource does not own; set AdoptExistingKeys to take it over',
        },
      ],
      bindings: {},
    });
  });

  it('refuses an alias whose key could not be read', () => {
    // Prepare
    const key = desiredKey('cmk-prod');
    const actual = { keys: [], aliases: [alias('us-east-1', 'alias/cmk-prod', 'hidden-key')] };

    // Act
    const result = plan(desiredState([key]), actual);

    // Assess
    expect(result.refusals).toEqual([
      {
        keyName: 'cmk-prod',
        region: 'us-east-1',
        reason: 'alias/cmk-prod in us-east-1 targets key hidden-key, which this resource cannot read; it does not change keys it cannot inspect',
      },
    ]);
    expect(result.actions).toEqual([]);
  });

  it('adopts a foreign key with AdoptExistingKeys by recording the adoption only: ownership tags with AdoptedBy and Retain, nothing else', () => {
    // Prepare
    const key = desiredKey('cmk-prod', { description: 'wanted', policy: OTHER_POLICY });
    const theirs = actualKey(key, 'their-key', {
      tags: { Team: 'platform', CostCenter: '42', [ADOPTABLE_BY_TAG]: 'baseline' },
      description: 'theirs',
      policy: POLICY,
      state: 'Disabled',
    });
    const actual = { keys: [theirs], aliases: [alias('us-east-1', 'alias/cmk-prod', 'their-key')] };
    const base = { region: 'us-east-1', keyName: 'cmk-prod', dependsOn: [], key: { keyId: 'their-key' } };
    const recorded = {
      ...ownershipTags(OWNER, 'cmk-prod', { removalPolicy: 'Retain', deletionWindowInDays: 30 }),
      [OWNERSHIP_TAGS.adoptedBy]: 'request-1',
    };

    // Act
    const result = plan(desiredState([key], { adoptExistingKeys: true, requestId: 'request-1' }), actual);

    // Assess
    expect(result).toEqual({
      actions: [{ ...base, kind: 'TagResource', id: 'TagResource:us-east-1:cmk-prod:their-key', tags: Object.fromEntries(Object.entries(recorded).sort()) }],
      refusals: [],
      bindings: { 'cmk-prod': { keyId: 'their-key' } },
    });
  });

  it("reads a multi-Region key's AdoptedBy on any member when the primary lacks it, erring towards keeping the key", () => {
    // Prepare: adopted by request-1 (every wanted member tagged in one TagResource each), then the
    // primary's AdoptedBy removed by hand: only the replica still records the adoption
    const key = desiredKey('cmk-mr', { replicaRegions: ['eu-west-1'], description: 'wanted' });
    const recorded = {
      Team: 'platform',
      ...ownershipTags(OWNER, 'cmk-mr', { removalPolicy: 'Retain', deletionWindowInDays: 30 }),
      [OWNERSHIP_TAGS.adoptedBy]: 'request-1',
    };
    const { [OWNERSHIP_TAGS.adoptedBy]: _dropped, ...primaryTags } = recorded;
    const primary = actualKey(key, MRK, { tags: primaryTags, description: 'theirs' });
    const actual = {
      keys: [primary, replicaOf(primary, 'eu-west-1', { tags: recorded })],
      aliases: [alias('us-east-1', 'alias/cmk-mr', MRK), alias('eu-west-1', 'alias/cmk-mr', MRK)],
    };

    // Act: the adopting request delivered again, and a later request that keeps the key
    const redelivered = plan(desiredState([key], { adoptExistingKeys: true, requestId: 'request-1' }), actual);
    const later = plan(desiredState([key], { requestId: 'request-2' }), actual);

    // Assess: the redelivery is still step 1: it records the adoption on the primary again and applies
    // nothing of the template (a rollback finds the key as found); the later request applies the
    // template and records the adoption again, with RemovalPolicy Retain, so a removal releases the key
    const record = {
      kind: 'TagResource',
      id: `TagResource:us-east-1:cmk-mr:${MRK}`,
      region: 'us-east-1',
      keyName: 'cmk-mr',
      dependsOn: [],
      key: { keyId: MRK },
    };
    expect(redelivered).toEqual({
      actions: [{ ...record, tags: { [OWNERSHIP_TAGS.adoptedBy]: 'request-1' } }],
      refusals: [],
      bindings: { 'cmk-mr': { keyId: MRK } },
    });
    expect(later.refusals).toEqual([]);
    expect(later.actions.filter((a) => a.region === 'us-east-1').map((a) => a.kind)).toEqual(['TagResource', 'UpdateKeyDescription']);
    expect(later.actions).toContainEqual(
      expect.objectContaining({ kind: 'TagResource', region: 'us-east-1', tags: { [OWNERSHIP_TAGS.adoptedBy]: 'request-1' } }),
    );
    expect(later.actions.filter((a) => a.kind === 'ScheduleKeyDeletion')).toEqual([]);
  });

  it('refuses AdoptExistingKeys on a key its owner did not offer, or offered to another stack, naming key, Region and the tag to add', () => {
    // Prepare
    const key = desiredKey('cmk-prod');
    const offeredTo = (value: string | undefined) => {
      const theirs = actualKey(key, 'their-key', { tags: value === undefined ? { Team: 'platform' } : { [ADOPTABLE_BY_TAG]: value } });
      return { keys: [theirs], aliases: [alias('us-east-1', 'alias/cmk-prod', 'their-key')] };
    };
    const tail =
      `To offer it, whoever controls the key tags it ${ADOPTABLE_BY_TAG}=baseline (aws kms tag-resource --region us-east-1 --key-id their-key --tags TagKey=${ADOPTABLE_BY_TAG},TagValue=baseline; ` +
      `for a key of the Terraform module, add "${ADOPTABLE_BY_TAG}" = "baseline" to its tags and apply)`;
    const prefix =
      'alias/cmk-prod in us-east-1 targets key their-key, which this resource does not own, and AdoptExistingKeys takes over only a key its owner offered:';

    // Act
    const unoffered = plan(desiredState([key], { adoptExistingKeys: true, requestId: 'request-1' }), offeredTo(undefined));
    const elsewhere = plan(desiredState([key], { adoptExistingKeys: true, requestId: 'request-1' }), offeredTo('other-stack'));
    const byStackId = plan(desiredState([key], { adoptExistingKeys: true, requestId: 'request-1' }), offeredTo(STACK_ID));

    // Assess
    expect(unoffered).toEqual({
      actions: [],
      refusals: [{ keyName: 'cmk-prod', region: 'us-east-1', reason: `${prefix} its owner has not offered it for adoption. ${tail}` }],
      bindings: {},
    });
    expect(elsewhere.actions).toEqual([]);
    expect(elsewhere.refusals).toEqual([
      { keyName: 'cmk-prod', region: 'us-east-1', reason: `${prefix} it is offered for adoption to "other-stack", not to this stack. ${tail}` },
    ]);
    expect(byStackId.refusals).toEqual([]);
    expect(byStackId.actions.map((a) => a.kind)).toEqual(['TagResource']);
  });

  it('keeps the consent through the recording and a release, and removes it when the adoption is confirmed', () => {
    // Prepare: adopted by request-1 with the owner's consent
    const key = desiredKey('cmk-prod');
    const recordedTags = {
      [ADOPTABLE_BY_TAG]: 'baseline',
      ...ownershipTags(OWNER, 'cmk-prod', { removalPolicy: 'Retain', deletionWindowInDays: 30 }),
      [OWNERSHIP_TAGS.adoptedBy]: 'request-1',
    };
    const theirs = actualKey(key, 'their-key', { tags: recordedTags });
    const actual = { keys: [theirs], aliases: [alias('us-east-1', 'alias/cmk-prod', 'their-key')] };

    // Act
    const confirmed = plan(desiredState([key], { requestId: 'request-2' }), actual);
    const released = plan(desiredState([], { requestId: 'request-2' }), actual);

    // Assess
    expect(confirmed.actions).toContainEqual(expect.objectContaining({ kind: 'UntagResource', key: { keyId: 'their-key' }, tagKeys: [ADOPTABLE_BY_TAG] }));
    const untag = released.actions.find((a) => a.kind === 'UntagResource');
    expect(untag).toBeDefined();
    expect(untag).not.toMatchObject({ tagKeys: expect.arrayContaining([ADOPTABLE_BY_TAG]) });
  });

  it('applies the template to an adopted key only in a later request, which confirms the adoption', () => {
    // Prepare: adopted by request-1, now request-2 keeps it
    const key = desiredKey('cmk-prod', { description: 'wanted' });
    const adoptedTags = {
      Team: 'platform',
      ...ownershipTags(OWNER, 'cmk-prod', { removalPolicy: 'Retain', deletionWindowInDays: 30 }),
      [OWNERSHIP_TAGS.adoptedBy]: 'request-1',
    };
    const theirs = actualKey(key, 'their-key', { tags: adoptedTags, description: 'theirs' });
    const actual = { keys: [theirs], aliases: [alias('us-east-1', 'alias/cmk-prod', 'their-key')] };

    // Act
    const again = plan(desiredState([key], { adoptExistingKeys: true, requestId: 'request-1' }), actual);
    const later = plan(desiredState([key], { requestId: 'request-2' }), actual);
    const explicitDelete = plan(desiredState([{ ...key, removalPolicyExplicit: true }], { requestId: 'request-2' }), actual);

    // Assess: the adopting request itself (a retry) changes nothing; the later one applies the template but keeps Retain
    expect(again.actions).toEqual([]);
    expect(later.actions.map((a) => a.kind)).toEqual(['UpdateKeyDescription']);
    expect(explicitDelete.actions).toContainEqual(expect.objectContaining({ kind: 'TagResource', tags: { [OWNERSHIP_TAGS.removalPolicy]: 'Delete' } }));
  });

  it("confirms an earlier request's adoption found by KeyName while a sibling's key holds the alias, and moves the alias back", async () => {
    // Prepare: request-1 adopted their-key in us-east-1; since then a sibling's multi-Region key took alias/c there and in ap-south-1
    const common = { spec: 'HMAC_256', keyUsage: 'GENERATE_VERIFY_MAC', rotation: null, enabled: false, perRegion: true, allowReplacement: true } as const;
    const south = desiredKey('c', { ...common, id: 'c@ap-south-1', primaryRegion: 'ap-south-1' });
    const east = desiredKey('c', { ...common, id: 'c@us-east-1', primaryRegion: 'us-east-1' });
    const adoptedTags = {
      ...ownershipTags(OWNER, 'c', { removalPolicy: 'Retain', deletionWindowInDays: 30 }),
      [OWNERSHIP_TAGS.adoptedBy]: 'request-1',
    };
    const ours = actualKey(south, 'our-key');
    const adopted = actualKey(east, 'adopted-key', { tags: adoptedTags });
    const siblingKey = desiredKey('c', { primaryRegion: 'ap-south-1', replicaRegions: ['us-east-1'], enabled: false });
    const theirs = actualKey(siblingKey, MRK, { tags: ownedTags(siblingKey, SIBLING) });
    const actual = {
      keys: [ours, adopted, theirs, replicaOf(theirs, 'us-east-1')],
      aliases: [alias('ap-south-1', 'alias/c', MRK), alias('us-east-1', 'alias/c', MRK)],
    };
    const desired = desiredState([south, east], { requestId: 'request-2' });

    // Act
    const result = plan(desired, actual);
    const run = planRun();
    run.kms.seedState(actual);
    const executed = await executePlan(run, result);
    const read = await readPlanInput(run, desired);
    const again = plan(read.desired, read.actual);

    // Assess: ap-south-1's alias binds the sibling's key, which cannot serve (a replacement); our own
    // key there, tagged c and of the wanted type, serves instead of a new one (nothing is deleted, the
    // sibling's key is not ours to remove); us-east-1's finds the sibling's key claimed, binds the
    // adopted key by its KeyName and moves the alias onto it
    const base = { keyName: 'c', dependsOn: [] };
    expect(result).toEqual({
      actions: [
        {
          ...base,
          kind: 'CreateAlias',
          id: 'CreateAlias:ap-south-1:alias/c',
          region: 'ap-south-1',
          dependsOn: ['DeleteAlias:ap-south-1:alias/c'],
          aliasName: 'alias/c',
          key: { keyId: 'our-key' },
        },
        {
          ...base,
          kind: 'CreateAlias',
          id: 'CreateAlias:us-east-1:alias/c',
          region: 'us-east-1',
          dependsOn: ['DeleteAlias:us-east-1:alias/c'],
          aliasName: 'alias/c',
          key: { keyId: 'adopted-key' },
        },
        { ...base, kind: 'DeleteAlias', id: 'DeleteAlias:ap-south-1:alias/c', region: 'ap-south-1', aliasName: 'alias/c' },
        { ...base, kind: 'DeleteAlias', id: 'DeleteAlias:us-east-1:alias/c', region: 'us-east-1', aliasName: 'alias/c' },
        {
          ...base,
          kind: 'TagResource',
          id: 'TagResource:us-east-1:c:adopted-key',
          region: 'us-east-1',
          key: { keyId: 'adopted-key' },
          tags: { Team: 'platform' },
        },
      ],
      refusals: [],
      bindings: { 'c@ap-south-1': { keyId: 'our-key' }, 'c@us-east-1': { keyId: 'adopted-key' } },
    });
    expect(again.actions).toEqual([]);
    expect(again.bindings).toEqual(resolvedBindings(result.bindings, executed));
  });

  it('refuses to adopt a key that is pending deletion: adoption does not restore keys it did not make', () => {
    // Prepare
    const key = desiredKey('cmk-prod');
    const theirs = actualKey(key, 'their-key', { tags: { [ADOPTABLE_BY_TAG]: 'baseline' }, state: 'PendingDeletion' });
    const actual = { keys: [theirs], aliases: [alias('us-east-1', 'alias/cmk-prod', 'their-key')] };

    // Act
    const result = plan(desiredState([key], { adoptExistingKeys: true, requestId: 'request-1' }), actual);

    // Assess
    expect(result.actions).toEqual([]);
    expect(result.refusals[0]?.reason).toContain('pending deletion');
  });

  it('refuses to adopt a foreign key that would need replacing', () => {
    // Prepare
    const key = desiredKey('cmk-prod', { spec: 'RSA_2048', keyUsage: 'SIGN_VERIFY', rotation: null, allowReplacement: true });
    const theirs = actualKey(desiredKey('cmk-prod'), 'their-key', { tags: { [ADOPTABLE_BY_TAG]: 'baseline' } });
    const actual = { keys: [theirs], aliases: [alias('us-east-1', 'alias/cmk-prod', 'their-key')] };

    // Act
    const result = plan(desiredState([key], { adoptExistingKeys: true }), actual);

    // Assess
    expect(result.refusals).toEqual([
      {
        keyName: 'cmk-prod',
        region: 'us-east-1',
        reason:
          'alias/cmk-prod in us-east-1 targets key their-key, which this resource does not own and cannot adopt because it has Spec SYMMETRIC_DEFAULT instead of RSA_2048, KeyUsage ENCRYPT_DECRYPT instead of SIGN_VERIFY; AdoptExistingKeys only takes over keys that match',
      },
    ]);
  });

  it("takes over a sibling's key (renamed logical ID) on the primary and every replica, recording PreviousOwner", () => {
    // Prepare
    const key = desiredKey('cmk-mr', { replicaRegions: ['eu-west-1'] });
    const siblingTags = { ...key.tags, ...ownershipTags(SIBLING, 'cmk-mr', { removalPolicy: 'Delete', deletionWindowInDays: 30 }) };
    const primary = actualKey(key, MRK, { tags: siblingTags });
    const actual = {
      keys: [primary, replicaOf(primary, 'eu-west-1')],
      aliases: [alias('us-east-1', 'alias/cmk-mr', MRK), alias('eu-west-1', 'alias/cmk-mr', MRK)],
    };
    const moved = {
      [OWNERSHIP_TAGS.logicalId]: 'Keys',
      [OWNERSHIP_TAGS.owner]: ownedTags(key)[OWNERSHIP_TAGS.owner]!,
      [OWNERSHIP_TAGS.previousOwner]: SIBLING.ownerId,
    };

    // Act
    const result = plan(desiredState([key]), actual);

    // Assess
    expect(result).toEqual({
      actions: [
        {
          kind: 'TagResource',
          id: `TagResource:eu-west-1:cmk-mr:${MRK}`,
          region: 'eu-west-1',
          keyName: 'cmk-mr',
          dependsOn: [],
          key: { keyId: MRK },
          tags: moved,
        },
        {
          kind: 'TagResource',
          id: `TagResource:us-east-1:cmk-mr:${MRK}`,
          region: 'us-east-1',
          keyName: 'cmk-mr',
          dependsOn: [],
          key: { keyId: MRK },
          tags: moved,
        },
      ],
      refusals: [],
      bindings: { 'cmk-mr': { keyId: MRK } },
    });
  });

  it('finds the key of a run that died between CreateKey and CreateAlias by its KeyName tag', () => {
    // Prepare: two leftovers; the one not pending deletion is taken, the other removed.
    const key = desiredKey('cmk-prod');
    const actual = {
      keys: [actualKey(key, 'key-a', { state: 'PendingDeletion' }), actualKey(key, 'key-b')],
      aliases: [],
    };

    // Act
    const result = plan(desiredState([key]), actual);

    // Assess: key-a is pending already, so nothing more is done to it.
    expect(result).toEqual({
      actions: [
        {
          kind: 'CreateAlias',
          id: 'CreateAlias:us-east-1:alias/cmk-prod',
          region: 'us-east-1',
          keyName: 'cmk-prod',
          dependsOn: [],
          aliasName: 'alias/cmk-prod',
          key: { keyId: 'key-b' },
        },
      ],
      refusals: [],
      bindings: { 'cmk-prod': { keyId: 'key-b' } },
    });
  });

  it('prefers the lexically smallest id among equal leftovers and removes the other', () => {
    // Prepare
    const key = desiredKey('cmk-prod', { rotation: null });
    const actual = { keys: [actualKey(key, 'key-b'), actualKey(key, 'key-a')], aliases: [] };

    // Act
    const result = plan(desiredState([key]), actual);

    // Assess
    expect(result.actions).toEqual([
      {
        kind: 'CreateAlias',
        id: 'CreateAlias:us-east-1:alias/cmk-prod',
        region: 'us-east-1',
        keyName: 'cmk-prod',
        dependsOn: [],
        aliasName: 'alias/cmk-prod',
        key: { keyId: 'key-a' },
      },
      {
        kind: 'ScheduleKeyDeletion',
        id: 'ScheduleKeyDeletion:us-east-1:cmk-prod:key-b',
        region: 'us-east-1',
        keyName: 'cmk-prod',
        dependsOn: [],
        key: { keyId: 'key-b' },
        pendingWindowInDays: 30,
      },
    ]);
  });

  it('finds an owned multi-Region key with a replica in the new primary Region and moves its primary there', () => {
    // Prepare: no alias in eu-west-1 yet.
    const key = desiredKey('cmk-mr', { primaryRegion: 'eu-west-1', replicaRegions: ['us-east-1'], rotation: null });
    const primary = actualKey(key, MRK, { region: 'us-east-1', primaryRegion: 'us-east-1', replicaRegions: ['eu-west-1'] });
    const actual = { keys: [primary, replicaOf(primary, 'eu-west-1')], aliases: [alias('us-east-1', 'alias/cmk-mr', MRK)] };

    // Act
    const result = plan(desiredState([key]), actual);

    // Assess
    expect(result.actions).toEqual([
      {
        kind: 'CreateAlias',
        id: 'CreateAlias:eu-west-1:alias/cmk-mr',
        region: 'eu-west-1',
        keyName: 'cmk-mr',
        dependsOn: [],
        aliasName: 'alias/cmk-mr',
        key: { keyId: MRK },
      },
      {
        kind: 'UpdatePrimaryRegion',
        id: `UpdatePrimaryRegion:us-east-1:cmk-mr:${MRK}`,
        region: 'us-east-1',
        keyName: 'cmk-mr',
        dependsOn: [],
        key: { keyId: MRK },
        primaryRegion: 'eu-west-1',
      },
    ]);
  });

  it('moves an alias in a replica Region off another owned key, and refuses one on a foreign key', () => {
    // Prepare
    // The old single-Region key in eu-west-1 has its own key material: removing it is a replacement.
    const mine = desiredKey('cmk-mine', { replicaRegions: ['eu-west-1'], rotation: null, allowReplacement: true });
    const theirs = desiredKey('cmk-theirs', { replicaRegions: ['eu-west-1'], rotation: null });
    const minePrimary = actualKey(mine, 'mrk-mine', { replicaRegions: [] });
    const theirsPrimary = actualKey(theirs, 'mrk-theirs', { replicaRegions: [] });
    const oldMine = actualKey(desiredKey('cmk-mine'), 'old-mine', { region: 'eu-west-1' });
    const stranger = actualKey(theirs, 'stranger-key', {
      region: 'eu-west-1',
      multiRegion: false,
      role: null,
      tags: ownershipTags(STRANGER, 'x', { removalPolicy: 'Delete', deletionWindowInDays: 30 }),
    });
    const actual = {
      keys: [minePrimary, theirsPrimary, oldMine, stranger],
      aliases: [
        alias('us-east-1', 'alias/cmk-mine', 'mrk-mine'),
        alias('us-east-1', 'alias/cmk-theirs', 'mrk-theirs'),
        alias('eu-west-1', 'alias/cmk-mine', 'old-mine'),
        alias('eu-west-1', 'alias/cmk-theirs', 'stranger-key'),
      ],
    };

    // Act
    const refused = plan(desiredState([mine, theirs]), actual);
    const alone = plan(desiredState([mine]), { ...actual, aliases: actual.aliases.filter((a) => a.aliasName === 'alias/cmk-mine') });

    // Assess
    expect(refused.refusals).toEqual([
      {
        keyName: 'cmk-theirs',
        region: 'eu-west-1',
        reason: 'alias/cmk-theirs in eu-west-1 already targets key stranger-key, which this resource does not own; set AdoptExistingKeys to take it over',
      },
    ]);
    const replicate = 'ReplicateKey:us-east-1:cmk-mine:eu-west-1';
    expect(alone.actions.filter((a) => a.region === 'eu-west-1')).toEqual([
      {
        kind: 'ScheduleKeyDeletion',
        id: 'ScheduleKeyDeletion:eu-west-1:cmk-mine:old-mine',
        region: 'eu-west-1',
        keyName: 'cmk-mine',
        dependsOn: ['UpdateAlias:eu-west-1:alias/cmk-mine'],
        key: { keyId: 'old-mine' },
        pendingWindowInDays: 30,
      },
      {
        kind: 'UpdateAlias',
        id: 'UpdateAlias:eu-west-1:alias/cmk-mine',
        region: 'eu-west-1',
        keyName: 'cmk-mine',
        dependsOn: [replicate],
        aliasName: 'alias/cmk-mine',
        key: { keyId: 'mrk-mine' },
      },
    ]);
  });

  it('gives the second of two desired keys whose aliases target one key a key of its own', () => {
    // Prepare
    const a = desiredKey('cmk-a', { rotation: null });
    const b = desiredKey('cmk-b', { rotation: null });
    const actual = { keys: [actualKey(a, 'key-a')], aliases: [alias('us-east-1', 'alias/cmk-a', 'key-a'), alias('us-east-1', 'alias/cmk-b', 'key-a')] };

    // Act
    const result = plan(desiredState([a, b]), actual);

    // Assess
    expect(result.bindings).toEqual({ 'cmk-a': { keyId: 'key-a' }, 'cmk-b': { created: 'CreateKey:us-east-1:cmk-b' } });
    expect(result.actions.map((x) => x.id)).toEqual(['CreateKey:us-east-1:cmk-b', 'UpdateAlias:us-east-1:alias/cmk-b']);
  });

  it('is deterministic: the order of the actual state does not matter', () => {
    // Prepare
    const keys = [desiredKey('cmk-a', { replicaRegions: ['eu-west-1'] }), desiredKey('cmk-b', { enabled: false })];
    const primary = actualKey(keys[0]!, 'mrk-a', { replicaRegions: [], state: 'Disabled' });
    const actual = {
      keys: [primary, actualKey(keys[1]!, 'key-b', { state: 'PendingDeletion' }), actualKey(desiredKey('cmk-c'), 'key-c')],
      aliases: [alias('us-east-1', 'alias/cmk-a', 'mrk-a'), alias('us-east-1', 'alias/cmk-c', 'key-c')],
    };

    // Act
    const forward = plan(desiredState(keys), actual);
    const backward = plan(desiredState([...keys].reverse()), { keys: [...actual.keys].reverse(), aliases: [...actual.aliases].reverse() });

    // Assess
    expect(backward).toEqual(forward);
    expect(JSON.stringify(backward)).toBe(JSON.stringify(forward));
    expect(forward.actions.map((x) => x.id)).toEqual([...forward.actions.map((x) => x.id)].sort());
  });
});
