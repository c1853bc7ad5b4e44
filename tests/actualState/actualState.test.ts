import type { KmsApi, KmsApiFactory, ListOptions } from '../../lib/kmsApi.ts';
import { OWNERSHIP_TAGS, ownerOf } from '../../lib/ownership.ts';
import { READ_CONCURRENCY_PER_REGION, READ_CONCURRENCY_TOTAL } from '../../lib/reader/actualState.ts';
import { readActualState } from '../../lib/reader/index.ts';
import { Pacer } from '../../lib/retry/pacer.ts';
import { FakeKms, kmsErrors } from '../support/fakeKmsApi.ts';
import { VirtualClock } from '../support/virtualClock.ts';

const STACK_ID = 'arn:aws:cloudformation:us-east-1:111122223333:stack/base/0a1b2c3d-0000-0000-0000-000000000000';
const owner = ownerOf(STACK_ID, 'Keys');
const other = ownerOf(STACK_ID, 'OtherKeys');

function setup(options: { pageSize?: number } = {}) {
  const clock = new VirtualClock();
  const kms = new FakeKms({ now: clock.now, pageSize: options.pageSize });
  const pacer = new Pacer({ clock });
  const read = (regions: string[], aliasNames: string[] = []) => readActualState({ regions, owner, aliasNames, kms: kms.factory, pacer, clock });
  return { clock, kms, pacer, read };
}

describe('Function: readActualState', () => {
  it('skips policies and rotation on a Delete (no alias wanted): removal never compares them', async () => {
    // Prepare
    const { kms, read } = setup();
    kms.seedKey('us-east-1', { tags: { [OWNERSHIP_TAGS.owner]: owner.ownerId } });

    // Act
    const state = await read(['us-east-1'], []);

    // Assess
    expect(state.keys).toHaveLength(1);
    expect(state.keys[0]?.policy).toBeNull();
    expect(kms.callsOf('getKeyPolicy')).toEqual([]);
    expect(kms.callsOf('getKeyRotationStatus')).toEqual([]);
  });

  it('describes on a Delete only the keys whose state or role changes the removal (lib/reader/unreadKeys.ts)', async () => {
    // Prepare
    const { kms, read } = setup();
    const tags = { [OWNERSHIP_TAGS.owner]: owner.ownerId };
    const outright = kms.seedKey('us-east-1', { tags: { ...tags } });
    const retained = kms.seedKey('us-east-1', { tags: { ...tags, [OWNERSHIP_TAGS.removalPolicy]: 'Retain' } });
    const multiRegion = kms.seedKey('us-east-1', { multiRegion: true, tags: { ...tags } });

    // Act
    const state = await read(['us-east-1'], []);

    // Assess
    expect(
      kms
        .callsOf('describeKey')
        .map((c) => c.args[0])
        .sort(),
    ).toEqual([retained.keyId, multiRegion.keyId].sort());
    expect(state.keys.find((k) => k.keyId === outright.keyId)).toMatchObject({ state: 'Unread', arn: outright.arn, tags, role: null });
  });

  it('reads a replica of our key that is tagged for another owner only in the replica Regions it is given', async () => {
    // Prepare: our primary in us-east-1; its replica in eu-west-1 retagged by hand, no alias on it.
    const { kms, pacer, clock } = setup();
    const primary = kms.seedKey('us-east-1', { multiRegion: true, tags: { [OWNERSHIP_TAGS.owner]: owner.ownerId } });
    const otherTags = { [OWNERSHIP_TAGS.owner]: other.ownerId };
    kms.seedKey('eu-west-1', { keyId: primary.keyId, multiRegion: true, role: 'REPLICA', primaryRegion: 'us-east-1', tags: otherTags });
    const input = { regions: ['eu-west-1', 'us-east-1'], owner, aliasNames: ['alias/k'], kms: kms.factory, pacer, clock };

    // Act
    const plain = await readActualState(input);
    const withReplicas = await readActualState({ ...input, replicaRegions: ['eu-west-1'] });

    // Assess
    expect(plain.keys.map((k) => k.region)).toEqual(['us-east-1']);
    expect(withReplicas.keys.map((k) => [k.region, k.role, k.tags])).toEqual([
      ['eu-west-1', 'REPLICA', otherTags],
      ['us-east-1', 'PRIMARY', { [OWNERSHIP_TAGS.owner]: owner.ownerId }],
    ]);
  });

  it('returns the keys this resource owns, fully described, with their aliases', async () => {
    // Prepare
    const { kms, read } = setup();
    const ours = kms.seedKey('us-east-1', { tags: { [OWNERSHIP_TAGS.owner]: owner.ownerId, env: 'prod' }, description: 'mine', policy: '{"a":1}' });
    ours.rotation = { enabled: true, periodInDays: 180 };
    kms.seedAlias('us-east-1', 'alias/cmk', ours.keyId);
    kms.seedAlias('us-east-1', 'alias/extra', ours.keyId);

    // Act
    const state = await read(['us-east-1'], ['alias/cmk']);

    // Assess
    expect(state).toEqual({
      keys: [
        {
          region: 'us-east-1',
          keyId: ours.keyId,
          arn: ours.arn,
          state: 'Enabled',
          spec: 'SYMMETRIC_DEFAULT',
          keyUsage: 'ENCRYPT_DECRYPT',
          multiRegion: false,
          role: null,
          primaryRegion: null,
          replicaRegions: [],
          description: 'mine',
          policy: '{"a":1}',
          tags: { [OWNERSHIP_TAGS.owner]: owner.ownerId, env: 'prod' },
          rotation: { enabled: true, periodInDays: 180 },
          deletionDate: null,
        },
      ],
      aliases: [
        { region: 'us-east-1', aliasName: 'alias/cmk', targetKeyId: ours.keyId },
        { region: 'us-east-1', aliasName: 'alias/extra', targetKeyId: ours.keyId },
      ],
      deniedRegions: [],
      unreadableKeys: [],
    });
  });

  it('keeps keys whose PreviousOwner is this resource and keys a wanted alias targets, and nothing else', async () => {
    // Prepare
    const { kms, read } = setup();
    const handedOver = kms.seedKey('us-east-1', { tags: { [OWNERSHIP_TAGS.owner]: other.ownerId, [OWNERSHIP_TAGS.previousOwner]: owner.ownerId } });
    const sibling = kms.seedKey('us-east-1', { tags: { [OWNERSHIP_TAGS.owner]: other.ownerId, [OWNERSHIP_TAGS.stackId]: STACK_ID } });
    const foreignUnaliased = kms.seedKey('us-east-1', { tags: { team: 'x' } });
    kms.seedAlias('us-east-1', 'alias/cmk', sibling.keyId);
    kms.seedAlias('us-east-1', 'alias/unrelated', foreignUnaliased.keyId);

    // Act
    const state = await read(['us-east-1'], ['alias/cmk']);

    // Assess
    expect(state.keys.map((k) => k.keyId).sort()).toEqual([handedOver.keyId, sibling.keyId].sort());
    expect(state.aliases).toEqual([{ region: 'us-east-1', aliasName: 'alias/cmk', targetKeyId: sibling.keyId }]);
  });

  it('reports a wanted alias even when its target is not kept', async () => {
    // Prepare
    const { kms, read } = setup();
    const denied = kms.seedKey('us-east-1');
    kms.seedAlias('us-east-1', 'alias/cmk', denied.keyId);
    kms.fail('describeKey', () => kmsErrors.accessDenied());

    // Act
    const state = await read(['us-east-1'], ['alias/cmk']);

    // Assess
    expect(state.keys).toEqual([]);
    expect(state.aliases).toEqual([{ region: 'us-east-1', aliasName: 'alias/cmk', targetKeyId: denied.keyId }]);
  });

  it('skips AWS managed keys without reading their tags', async () => {
    // Prepare
    const { kms, read } = setup();
    const managed = kms.seedKey('us-east-1', { keyManager: 'AWS' });
    kms.seedAlias('us-east-1', 'alias/aws/s3', managed.keyId);
    kms.seedAlias('us-east-1', 'alias/aws/ebs', null);

    // Act
    const state = await read(['us-east-1']);

    // Assess
    expect(state).toEqual({ keys: [], aliases: [], deniedRegions: [], unreadableKeys: [] });
    expect(kms.callsOf('listResourceTags')).toHaveLength(0);
  });

  it('treats keys whose tags cannot be read as foreign', async () => {
    // Prepare
    const { kms, read } = setup();
    const denied = kms.seedKey('us-east-1', { tags: { [OWNERSHIP_TAGS.owner]: owner.ownerId } });
    kms.tagsDenied.add(denied.keyId);
    const ours = kms.seedKey('us-east-1', { tags: { [OWNERSHIP_TAGS.owner]: owner.ownerId } });

    // Act
    const state = await read(['us-east-1']);

    // Assess
    expect(state.keys.map((k) => k.keyId)).toEqual([ours.keyId]);
  });

  it('reads every Region and reports multi-Region roles', async () => {
    // Prepare
    const { kms, read } = setup();
    const tags = { [OWNERSHIP_TAGS.owner]: owner.ownerId };
    const primary = kms.seedKey('us-east-1', { multiRegion: true, tags });
    kms.seedKey('eu-west-1', { keyId: primary.keyId, multiRegion: true, role: 'REPLICA', primaryRegion: 'us-east-1', tags: { ...tags } });
    kms.seedKey('ap-south-1', { tags: { ...tags }, state: 'PendingDeletion', deletionDate: '2030-01-01T00:00:00.000Z' });

    // Act: a Create/Update read (an alias wanted) describes every owned key
    const state = await read(['ap-south-1', 'eu-west-1', 'us-east-1'], ['alias/wanted']);

    // Assess
    expect(state.keys.map((k) => [k.region, k.role, k.primaryRegion, k.replicaRegions, k.state])).toEqual([
      ['ap-south-1', null, null, [], 'PendingDeletion'],
      ['eu-west-1', 'REPLICA', 'us-east-1', ['eu-west-1'], 'Enabled'],
      ['us-east-1', 'PRIMARY', 'us-east-1', ['eu-west-1'], 'Enabled'],
    ]);
    expect(state.keys[0]?.deletionDate).toBe('2030-01-01T00:00:00.000Z');
  });

  it('reads rotation only for symmetric encryption keys, and null where it fails', async () => {
    // Prepare
    const { kms, read } = setup();
    const tags = { [OWNERSHIP_TAGS.owner]: owner.ownerId };
    const rsa = kms.seedKey('us-east-1', { spec: 'RSA_2048', keyUsage: 'SIGN_VERIFY', tags });
    const failing = kms.seedKey('us-east-1', { tags: { ...tags } });
    kms.fail('getKeyRotationStatus', () => kmsErrors.accessDenied());
    kms.fail('getKeyPolicy', () => kmsErrors.accessDenied());

    // Act
    const state = await read(['us-east-1'], ['alias/wanted']);

    // Assess
    expect(kms.callsOf('getKeyRotationStatus').map((c) => c.args[0])).toEqual([failing.keyId]);
    const byId = Object.fromEntries(state.keys.map((k) => [k.keyId, k]));
    expect(byId[rsa.keyId]?.rotation).toBeNull();
    expect(byId[failing.keyId]?.rotation).toBeNull();
    expect(state.keys.filter((k) => k.policy === null)).toHaveLength(1);
  });

  it('retries throttled reads and fails on errors that would hide owned keys', async () => {
    // Prepare
    const { kms, read } = setup();
    const ours = kms.seedKey('us-east-1', { tags: { [OWNERSHIP_TAGS.owner]: owner.ownerId } });
    kms.fail('listKeys', kmsErrors.throttling, { times: 2 });
    kms.fail('listResourceTags', kmsErrors.internal);

    // Act
    const state = await read(['us-east-1']);
    kms.fail('listKeys', () => kmsErrors.notFound('x'));

    // Assess
    expect(state.keys.map((k) => k.keyId)).toEqual([ours.keyId]);
    expect(kms.callsOf('listKeys')).toHaveLength(3);
    await expect(read(['us-east-1'])).rejects.toThrow('NotFoundException');
  });

  it('sends a throttled page again alone, not the listing from its first page', async () => {
    // Prepare: ListKeys answers in 3 pages, the second throttled once
    const { clock, kms, pacer } = setup();
    const ours = kms.seedKey('us-east-1', { tags: { [OWNERSHIP_TAGS.owner]: owner.ownerId } });
    const sent: number[] = [];
    const paged: KmsApiFactory = (region) => ({
      ...kms.factory(region),
      listKeys: async (options?: ListOptions) => {
        const page = options?.page ?? ((send) => send());
        for (const n of [1, 2]) {
          await page(async () => {
            sent.push(n);
            if (n === 2 && sent.filter((m) => m === 2).length === 1) throw kmsErrors.throttling();
          });
        }
        return page(async () => {
          sent.push(3);
          return kms.factory(region).listKeys();
        });
      },
    });

    // Act
    const state = await readActualState({ regions: ['us-east-1'], owner, aliasNames: [], kms: paged, pacer, clock });

    // Assess
    expect(sent).toEqual([1, 2, 2, 3]);
    expect(state.keys.map((k) => k.keyId)).toEqual([ours.keyId]);
  });

  it('paces every page through the shared Pacer', async () => {
    // Prepare: 1,200 foreign keys at ListResourceTags 2,000/s and ListKeys pages of 100
    const { clock, kms } = setup({ pageSize: 100 });
    for (let i = 0; i < 1200; i++) kms.seedKey('us-east-1');
    const pacer = new Pacer({ quotas: { ListResourceTags: 400, ListKeys: 5 }, clock });

    // Act
    await readActualState({ regions: ['us-east-1'], owner, aliasNames: [], kms: kms.factory, pacer, clock });

    // Assess: 12 ListKeys pages at 5/s (≥ 1.4 s) and 1,200 tag reads at 400/s (2 s)
    expect(kms.callsOf('listResourceTags')).toHaveLength(1200);
    expect(clock.now()).toBeGreaterThanOrEqual(2000);
  });

  it('keeps at most READ_CONCURRENCY_PER_REGION reads of one Region in flight', async () => {
    // Prepare: 60 owned keys in each of 2 Regions; every request takes 25 ms
    const { clock, kms, pacer } = setup();
    for (const region of ['us-east-1', 'eu-west-1']) {
      for (let i = 0; i < 60; i++) kms.seedKey(region, { tags: { [OWNERSHIP_TAGS.owner]: owner.ownerId } });
    }
    const inFlight = new Map<string, number>();
    const peak = new Map<string, number>();
    const slow = slowRequests(kms, clock, (region, delta) => {
      inFlight.set(region, (inFlight.get(region) ?? 0) + delta);
      peak.set(region, Math.max(peak.get(region) ?? 0, inFlight.get(region)!));
    });

    // Act
    const state = await readActualState({ regions: ['us-east-1', 'eu-west-1'], owner, aliasNames: ['alias/x'], kms: slow, pacer, clock });

    // Assess: everything read, never more than the cap per Region, and the cap was used
    expect(state.keys).toHaveLength(120);
    expect(kms.callsOf('getKeyPolicy')).toHaveLength(120);
    expect(peak.get('us-east-1')).toBe(READ_CONCURRENCY_PER_REGION);
    expect(peak.get('eu-west-1')).toBe(READ_CONCURRENCY_PER_REGION);
  });

  it('keeps at most READ_CONCURRENCY_TOTAL reads of all Regions in flight', async () => {
    // Prepare: 40 owned keys in each of 8 Regions (8 × 16 slots exceed the global cap); every request takes 25 ms
    const { clock, kms, pacer } = setup();
    const regions = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-north-1'];
    for (const region of regions) {
      for (let i = 0; i < 40; i++) kms.seedKey(region, { tags: { [OWNERSHIP_TAGS.owner]: owner.ownerId } });
    }
    let inFlight = 0;
    let peak = 0;
    const slow = slowRequests(kms, clock, (_region, delta) => {
      inFlight += delta;
      peak = Math.max(peak, inFlight);
    });

    // Act
    const state = await readActualState({ regions, owner, aliasNames: [], kms: slow, pacer, clock });

    // Assess: everything read, and the global cap was reached but never exceeded
    expect(READ_CONCURRENCY_TOTAL).toBeLessThan(regions.length * READ_CONCURRENCY_PER_REGION);
    expect(state.keys).toHaveLength(320);
    expect(peak).toBe(READ_CONCURRENCY_TOTAL);
  });
});

/**
 * `kms` whose every request takes 25 ms, reported to `count` (+1 when sent, −1 when answered): each
 * page of a listing is one request (through `ListOptions.page`), any other call one.
 */
function slowRequests(kms: FakeKms, clock: VirtualClock, count: (region: string, delta: number) => void): KmsApiFactory {
  return (region) => {
    const api = kms.factory(region);
    const request = async <T>(send: () => Promise<T>): Promise<T> => {
      count(region, 1);
      try {
        await clock.sleep(25);
        return await send();
      } finally {
        count(region, -1);
      }
    };
    return new Proxy(api, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver) as unknown;
        if (typeof value !== 'function') return value;
        const method = value as (...a: unknown[]) => Promise<unknown>;
        return (...args: unknown[]) => {
          const options = args.at(-1) as ListOptions | undefined;
          if (typeof options?.page !== 'function') return request(() => method.apply(target, args));
          const page = options.page;
          return method.apply(target, [...args.slice(0, -1), { ...options, page: <T>(send: () => Promise<T>) => page(() => request(send)) }]);
        };
      },
    }) as KmsApi;
  };
}
