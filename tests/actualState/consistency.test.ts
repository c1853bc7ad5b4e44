/**
 * The reader under eventual consistency and denied Regions: a key that a listing, an alias or this
 * request reported is never taken for gone or foreign because KMS answered NotFoundException.
 */

import { KmsError } from '../../lib/errors.ts';
import { MadeKeys } from '../../lib/executor/madeKeys.ts';
import type { KmsApi, KmsApiFactory } from '../../lib/kmsApi.ts';
import { OWNERSHIP_TAGS, ownerOf } from '../../lib/ownership.ts';
import { readActualState } from '../../lib/reader/index.ts';
import { Pacer } from '../../lib/retry/pacer.ts';
import { FakeKms, kmsErrors } from '../support/fakeKmsApi.ts';
import { VirtualClock } from '../support/virtualClock.ts';

const STACK_ID = 'arn:aws:cloudformation:us-east-1:111122223333:stack/base/0a1b2c3d-0000-0000-0000-000000000000';
const owner = ownerOf(STACK_ID, 'Keys');
const denied = () => new KmsError('AccessDeniedException', 'User is not authorized to perform: kms:ListKeys with an explicit deny in a service control policy');
const ROLE = 'arn:aws:iam::111122223333:role/fresh';
/** A role whose identity policy does not allow ListKeys (yet): AWS's wording for a missing identity-policy allow. */
const notAllowed = () =>
  new KmsError(
    'AccessDeniedException',
    `User: ${ROLE} is not authorized to perform: kms:ListKeys on resource: * because no identity-based policy allows the kms:ListKeys action`,
  );

function setup() {
  const clock = new VirtualClock();
  const kms = new FakeKms({ now: clock.now });
  const pacer = new Pacer({ clock });
  const read = (regions: string[], aliasNames: string[], extra: { kms?: KmsApiFactory; madeKeys?: MadeKeys; deadline?: number } = {}) =>
    readActualState({ regions, owner, aliasNames, kms: extra.kms ?? kms.factory, pacer, clock, madeKeys: extra.madeKeys, deadline: extra.deadline });
  return { clock, kms, read };
}

/** `kms` whose ListKeys in `region` does not list `hidden` yet (a listing lagging a CreateKey). */
function lagging(kms: FakeKms, region: string, hidden: string): KmsApiFactory {
  return (r) => {
    const api = kms.factory(r);
    if (r !== region) return api;
    return { ...api, listKeys: async (o) => (await api.listKeys(o)).filter((k) => k.keyId !== hidden) } satisfies KmsApi;
  };
}

describe('Function: readActualState (eventual consistency, denied Regions)', () => {
  it('reads a listed key that answers NotFoundException at first, instead of taking it for gone', async () => {
    // Prepare
    const { kms, read } = setup();
    const ours = kms.seedKey('us-east-1', { tags: { [OWNERSHIP_TAGS.owner]: owner.ownerId } });
    kms.fail('listResourceTags', () => kmsErrors.notFound("Key 'x'"), { times: 2 }).fail('describeKey', () => kmsErrors.notFound("Key 'x'"), { times: 2 });

    // Act
    const state = await read(['us-east-1'], []);

    // Assess
    expect(state.keys.map((k) => k.keyId)).toEqual([ours.keyId]);
  });

  it('reads the key an alias targets although ListKeys does not list it yet, so it is not taken for a foreign key', async () => {
    // Prepare
    const { kms, read } = setup();
    const ours = kms.seedKey('us-east-1', { tags: { [OWNERSHIP_TAGS.owner]: owner.ownerId } });
    kms.seedAlias('us-east-1', 'alias/cmk', ours.keyId);

    // Act
    const state = await read(['us-east-1'], ['alias/cmk'], { kms: lagging(kms, 'us-east-1', ours.keyId) });

    // Assess
    expect(state.keys.map((k) => k.keyId)).toEqual([ours.keyId]);
    expect(state.aliases).toEqual([{ region: 'us-east-1', aliasName: 'alias/cmk', targetKeyId: ours.keyId }]);
  });

  it('reads a key this request made although ListKeys does not list it yet', async () => {
    // Prepare
    const { kms, read } = setup();
    const made = kms.seedKey('us-east-1', { tags: { [OWNERSHIP_TAGS.owner]: owner.ownerId } });

    // Act
    const state = await read(['us-east-1'], [], { kms: lagging(kms, 'us-east-1', made.keyId), madeKeys: new MadeKeys().add(made.keyId, 'us-east-1') });

    // Assess
    expect(state.keys.map((k) => k.keyId)).toEqual([made.keyId]);
  });

  it('fails as retryable when a listed key keeps answering NotFoundException', async () => {
    // Prepare
    const { kms, read } = setup();
    kms.seedKey('us-east-1', { tags: { [OWNERSHIP_TAGS.owner]: owner.ownerId } });
    kms.fail('listResourceTags', () => kmsErrors.notFound("Key 'x'"), { times: 10_000 });

    // Act
    const reading = read(['us-east-1'], []);

    // Assess
    await expect(reading).rejects.toMatchObject({
      code: 'NotFoundException',
      retryable: true,
      message: expect.stringMatching(/^NotFoundException: ListResourceTags in us-east-1: .*KMS had not caught up.*a retry of the request finishes the work/),
    });
  });

  it('reads a listed key again until the deadline: KMS catching up after 45 s still gives the key', async () => {
    // Prepare: the request (an Update: it describes the keys) has 2 minutes left
    const { clock, kms, read } = setup();
    const ours = kms.seedKey('us-east-1', { tags: { [OWNERSHIP_TAGS.owner]: owner.ownerId } });
    const until = clock.now() + 45_000;
    const slow: KmsApiFactory = (region) => {
      const api = kms.factory(region);
      return {
        ...api,
        describeKey: async (keyId) => {
          if (clock.now() < until) throw kmsErrors.notFound(`Key '${keyId}'`);
          return api.describeKey(keyId);
        },
      } satisfies KmsApi;
    };

    // Act
    const state = await read(['us-east-1'], ['alias/other'], { kms: slow, deadline: clock.now() + 120_000 });

    // Assess
    expect(state.keys.map((k) => k.keyId)).toEqual([ours.keyId]);
    expect(clock.now()).toBeGreaterThanOrEqual(until);
  });

  it('reports a Region whose listings are denied, reads nothing there, and reads the others', async () => {
    // Prepare
    const { kms, read } = setup();
    const ours = kms.seedKey('eu-west-1', { tags: { [OWNERSHIP_TAGS.owner]: owner.ownerId } });
    kms.fail('listKeys', denied, { region: 'us-east-1' }).fail('listAliases', denied, { region: 'us-east-1' });

    // Act
    const state = await read(['eu-west-1', 'us-east-1'], []);

    // Assess
    expect(state.keys.map((k) => k.keyId)).toEqual([ours.keyId]);
    expect(state.deniedRegions).toEqual([{ region: 'us-east-1', message: expect.stringContaining('explicit deny in a service control policy') }]);
  });

  it('retries a listing denied for want of an identity-policy Allow (IAM propagating), then reads the Region', async () => {
    // Prepare
    const { kms, read } = setup();
    const ours = kms.seedKey('us-east-1', { tags: { [OWNERSHIP_TAGS.owner]: owner.ownerId } });
    kms.fail('listKeys', notAllowed, { region: 'us-east-1', times: 3 });

    // Act
    const state = await read(['us-east-1'], []);

    // Assess
    expect(state.deniedRegions).toEqual([]);
    expect(state.keys.map((k) => k.keyId)).toEqual([ours.keyId]);
  });

  it.each([
    ['a missing identity-policy Allow', notAllowed, 'no identity-based policy allowing it'],
    [
      'an explicit deny in a permissions boundary',
      () =>
        new KmsError(
          'AccessDeniedException',
          `User: ${ROLE} is not authorized to perform: kms:ListKeys on resource: * with an explicit deny in a permissions boundary`,
        ),
      'an explicit deny in a permissions boundary',
    ],
  ])(
    'fails a Region still denied by %s after the propagation window, naming action, Region and policy type, never skipping it',
    async (_what, error, cause) => {
      // Prepare
      const { kms, read } = setup();
      kms.fail('listKeys', error, { region: 'us-east-1', times: 1_000 });

      // Act
      const reading = read(['eu-west-1', 'us-east-1'], []);

      // Assess
      await expect(reading).rejects.toMatchObject({
        name: 'AccessDeniedError',
        retryable: false,
        context: { region: 'us-east-1', action: 'kms:ListKeys' },
        message: expect.stringMatching(new RegExp(`^KMS denied kms:ListKeys in us-east-1 because of ${cause}, still after \\d+ s of retries`)),
      });
      expect(kms.calls.filter((c) => c.operation === 'listKeys' && c.region === 'us-east-1').length).toBeGreaterThan(2);
    },
  );
});
