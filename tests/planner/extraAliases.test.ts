import { ADOPTABLE_BY_TAG, ownershipTags } from '../../lib/ownership.ts';
import { plan } from '../../lib/planner/index.ts';
import type { Action } from '../../lib/types.ts';
import { actualKey, alias, desiredKey, desiredState, replicaOf, STACK_ID, STRANGER } from './fixtures.ts';

const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const OTHER_ID = '99999999-12ab-34cd-56ef-1234567890ab';
const MRK = 'mrk-1234abcd12ab34cd56ef1234567890ab';

const aliasActions = (actions: Action[]) =>
  actions
    .filter((a) => a.kind === 'CreateAlias' || a.kind === 'UpdateAlias' || a.kind === 'DeleteAlias')
    .map((a) => `${a.kind} ${a.region} ${'aliasName' in a ? a.aliasName : ''}`);

describe('Function: plan (extra aliases)', () => {
  it('creates every extra alias beside the key name, in the primary and every replica Region', () => {
    // Prepare
    const key = desiredKey('orders', { replicaRegions: ['eu-west-1'], extraAliasNames: ['alias/orders-v2', 'alias/billing'] });

    // Act
    const result = plan(desiredState([key]), { keys: [], aliases: [] });

    // Assess
    expect(aliasActions(result.actions)).toEqual([
      'CreateAlias eu-west-1 alias/billing',
      'CreateAlias eu-west-1 alias/orders',
      'CreateAlias eu-west-1 alias/orders-v2',
      'CreateAlias us-east-1 alias/billing',
      'CreateAlias us-east-1 alias/orders',
      'CreateAlias us-east-1 alias/orders-v2',
    ]);
    const replicaAlias = result.actions.find((a) => a.id === 'CreateAlias:eu-west-1:alias/orders-v2')!;
    expect(replicaAlias.dependsOn).toEqual(['ReplicateKey:us-east-1:orders:eu-west-1']);
  });

  it('on a rename, creates the new alias and deletes the retired one, without touching the key', () => {
    // Prepare
    const key = desiredKey('orders', { replicaRegions: ['eu-west-1'], extraAliasNames: ['alias/orders-v3'], retiredAliasNames: ['alias/orders-v2'] });
    const primary = actualKey(key, MRK);
    const actual = {
      keys: [primary, replicaOf(primary, 'eu-west-1')],
      aliases: ['us-east-1', 'eu-west-1'].flatMap((r) => [alias(r, 'alias/orders', MRK), alias(r, 'alias/orders-v2', MRK)]),
    };

    // Act
    const result = plan(desiredState([key]), actual);

    // Assess
    expect(result.refusals).toEqual([]);
    expect(result.actions.map((a) => a.id)).toEqual([
      'CreateAlias:eu-west-1:alias/orders-v3',
      'CreateAlias:us-east-1:alias/orders-v3',
      'DeleteAlias:eu-west-1:alias/orders-v2',
      'DeleteAlias:us-east-1:alias/orders-v2',
    ]);
  });

  it('leaves a retired alias that targets another key by now', () => {
    // Prepare
    const key = desiredKey('orders', { retiredAliasNames: ['alias/orders-v2'] });
    const actual = { keys: [actualKey(key, KEY_ID)], aliases: [alias('us-east-1', 'alias/orders', KEY_ID), alias('us-east-1', 'alias/orders-v2', OTHER_ID)] };

    // Act & Assess
    expect(plan(desiredState([key]), actual).actions).toEqual([]);
  });

  it("refuses to take an extra alias from somebody else's key, and takes it with AdoptExistingKeys when that key's owner offered it", () => {
    // Prepare
    const key = desiredKey('orders', { extraAliasNames: ['alias/shared'] });
    const foreign = actualKey(desiredKey('x'), OTHER_ID, { tags: ownershipTags(STRANGER, 'x', { removalPolicy: 'Delete', deletionWindowInDays: 30 }) });
    const offered = { ...foreign, tags: { ...foreign.tags, [ADOPTABLE_BY_TAG]: STACK_ID } };
    const actual = {
      keys: [actualKey(key, KEY_ID), foreign],
      aliases: [alias('us-east-1', 'alias/orders', KEY_ID), alias('us-east-1', 'alias/shared', OTHER_ID)],
    };

    // Act
    const refused = plan(desiredState([key]), actual);
    const unoffered = plan(desiredState([key], { adoptExistingKeys: true }), actual);
    const adopted = plan(desiredState([key], { adoptExistingKeys: true }), { ...actual, keys: [actualKey(key, KEY_ID), offered] });

    // Assess
    expect(refused.actions).toEqual([]);
    expect(refused.refusals).toEqual([
      {
        keyName: 'orders',
        region: 'us-east-1',
        reason: `alias/shared in us-east-1 already targets key ${OTHER_ID}, which this resource does not own; set AdoptExistingKeys to take it over`,
      },
    ]);
    expect(unoffered.actions).toEqual([]);
    expect(unoffered.refusals[0]?.reason).toContain(
      `its owner has not offered it for adoption. To offer it, whoever controls the key tags it ${ADOPTABLE_BY_TAG}=baseline`,
    );
    expect(aliasActions(adopted.actions)).toEqual(['UpdateAlias us-east-1 alias/shared']);
  });

  it('moves the extra aliases with the key on replacement, before the old key is scheduled for deletion', () => {
    // Prepare
    const key = desiredKey('orders', {
      spec: 'HMAC_256',
      keyUsage: 'GENERATE_VERIFY_MAC',
      rotation: null,
      allowReplacement: true,
      extraAliasNames: ['alias/orders-v2'],
    });
    const old = actualKey(desiredKey('orders', { spec: 'HMAC_384', keyUsage: 'GENERATE_VERIFY_MAC', rotation: null }), KEY_ID);
    const actual = { keys: [old], aliases: [alias('us-east-1', 'alias/orders', KEY_ID), alias('us-east-1', 'alias/orders-v2', KEY_ID)] };

    // Act
    const result = plan(desiredState([key]), actual);

    // Assess
    expect(aliasActions(result.actions)).toEqual(['UpdateAlias us-east-1 alias/orders', 'UpdateAlias us-east-1 alias/orders-v2']);
    const schedule = result.actions.find((a) => a.kind === 'ScheduleKeyDeletion')!;
    expect(schedule.dependsOn).toEqual(['UpdateAlias:us-east-1:alias/orders', 'UpdateAlias:us-east-1:alias/orders-v2']);
  });

  it('gives a per-Region key its extra aliases in each Region, and plans nothing more once they exist', () => {
    // Prepare
    const keys = ['eu-west-1', 'us-east-1'].map((region) =>
      desiredKey('logs', { id: `logs@${region}`, perRegion: true, primaryRegion: region, extraAliasNames: ['alias/logs-v2'] }),
    );
    const ids = { 'eu-west-1': KEY_ID, 'us-east-1': OTHER_ID } as Record<string, string>;
    const converged = {
      keys: keys.map((k) => actualKey(k, ids[k.primaryRegion]!)),
      aliases: keys.flatMap((k) => [
        alias(k.primaryRegion, 'alias/logs', ids[k.primaryRegion]!),
        alias(k.primaryRegion, 'alias/logs-v2', ids[k.primaryRegion]!),
      ]),
    };

    // Act
    const fresh = plan(desiredState(keys), { keys: [], aliases: [] });
    const again = plan(desiredState(keys), converged);

    // Assess
    expect(aliasActions(fresh.actions)).toEqual([
      'CreateAlias eu-west-1 alias/logs',
      'CreateAlias eu-west-1 alias/logs-v2',
      'CreateAlias us-east-1 alias/logs',
      'CreateAlias us-east-1 alias/logs-v2',
    ]);
    expect(again.actions).toEqual([]);
  });

  it('deletes every alias of a removed key, extra ones included', () => {
    // Prepare
    const key = desiredKey('orders', { extraAliasNames: ['alias/orders-v2'] });
    const actual = { keys: [actualKey(key, KEY_ID)], aliases: [alias('us-east-1', 'alias/orders', KEY_ID), alias('us-east-1', 'alias/orders-v2', KEY_ID)] };

    // Act
    const result = plan(desiredState([]), actual);

    // Assess
    expect(aliasActions(result.actions)).toEqual(['DeleteAlias us-east-1 alias/orders', 'DeleteAlias us-east-1 alias/orders-v2']);
  });
});
