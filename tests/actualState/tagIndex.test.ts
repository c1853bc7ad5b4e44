/**
 * The reader with the tag index (lib/reader/tagIndex.ts): which keys' tags it still reads itself, and the
 * fall-back to the full scan when the index fails.
 */

import { TaggingApiError } from '../../lib/errors.ts';
import { type KmsApi, type KmsApiFactory, sendPage } from '../../lib/kmsApi.ts';
import { OWNERSHIP_TAGS, ownerOf } from '../../lib/ownership.ts';
import { readActualState } from '../../lib/reader/index.ts';
import { mustReadTags } from '../../lib/reader/tagIndex.ts';
import { Pacer } from '../../lib/retry/pacer.ts';
import type { TagMap } from '../../lib/types.ts';
import { FakeKms } from '../support/fakeKmsApi.ts';
import { VirtualClock } from '../support/virtualClock.ts';

const STACK_ID = 'arn:aws:cloudformation:us-east-1:111122223333:stack/base/0a1b2c3d-0000-0000-0000-000000000000';
const owner = ownerOf(STACK_ID, 'Keys');

describe('Function: mustReadTags', () => {
  const index = new Map<string, TagMap>([
    ['foreign', { team: 'a' }],
    ['other-stack', { [OWNERSHIP_TAGS.owner]: 'mrkk-x', [OWNERSHIP_TAGS.stackId]: `${STACK_ID}-other` }],
    ['untagged-since', {}],
    ['ours', { [OWNERSHIP_TAGS.owner]: owner.ownerId, [OWNERSHIP_TAGS.stackId]: STACK_ID }],
    ['sibling', { [OWNERSHIP_TAGS.owner]: 'mrkk-sibling', [OWNERSHIP_TAGS.stackId]: STACK_ID }],
    ['handed-over', { [OWNERSHIP_TAGS.previousOwner]: owner.ownerId }],
  ]);

  it('skips only keys listed with tags that name no stack of ours', () => {
    const read = ['foreign', 'other-stack', 'untagged-since', 'ours', 'sibling', 'handed-over', 'not-indexed'].filter((k) => mustReadTags(k, index, owner));
    expect(read).toEqual(['untagged-since', 'ours', 'sibling', 'handed-over', 'not-indexed']);
  });

  it('reads every key without an index', () => {
    expect(mustReadTags('foreign', null, owner)).toBe(true);
  });
});

describe('Function: readActualState with the tag index', () => {
  function setup(
    listTaggedKeys: (region: string, attempt: number) => Promise<Map<string, TagMap>>,
    options: { pageSize?: number; minKeys?: number; api?: (base: KmsApi) => Partial<KmsApi> } = {},
  ) {
    const clock = new VirtualClock();
    const kms = new FakeKms({ now: clock.now, pageSize: options.pageSize });
    let attempts = 0;
    const factory: KmsApiFactory = (region) => {
      const base = kms.factory(region);
      return { ...base, ...options.api?.(base), listTaggedKeys: (list) => (list?.page ?? sendPage)(() => listTaggedKeys(region, ++attempts)) };
    };
    const warnings: unknown[] = [];
    const log = { debug() {}, info() {}, warn: (_m: string, f?: unknown) => void warnings.push(f), error() {}, child: () => log };
    const read = (aliasNames: string[] = []) =>
      readActualState({
        regions: ['us-east-1'],
        owner,
        aliasNames,
        kms: factory,
        pacer: new Pacer({ clock }),
        clock,
        tagIndex: { directAliasNames: ['alias/adopted'], log, minKeys: options.minKeys ?? 0 },
      });
    return { kms, read, warnings, attempts: () => attempts };
  }

  it('reads the tags of ours, of alias targets the properties name, and of keys the index lacks; not of the foreign ones it lists', async () => {
    // Prepare
    let ids: Record<string, string> = {};
    const { kms, read } = setup(
      async () =>
        new Map<string, TagMap>([
          [ids.foreign!, { team: 'a' }],
          [ids.adopted!, { team: 'b' }],
          [ids.ours!, { [OWNERSHIP_TAGS.stackId]: STACK_ID }],
        ]),
    );
    const foreign = kms.seedKey('us-east-1', { tags: { team: 'a' } });
    const adopted = kms.seedKey('us-east-1', { tags: { [OWNERSHIP_TAGS.owner]: owner.ownerId } });
    const ours = kms.seedKey('us-east-1', { tags: { [OWNERSHIP_TAGS.owner]: owner.ownerId, [OWNERSHIP_TAGS.stackId]: STACK_ID } });
    const fresh = kms.seedKey('us-east-1', { tags: { [OWNERSHIP_TAGS.owner]: owner.ownerId } });
    kms.seedAlias('us-east-1', 'alias/adopted', adopted.keyId);
    ids = { foreign: foreign.keyId, adopted: adopted.keyId, ours: ours.keyId };

    // Act
    const state = await read();

    // Assess
    const tagReads = kms.callsOf('listResourceTags').map((c) => c.args[0]);
    expect(tagReads.sort()).toEqual([adopted.keyId, ours.keyId, fresh.keyId].sort());
    expect(state.keys.map((k) => k.keyId).sort()).toEqual([adopted.keyId, ours.keyId, fresh.keyId].sort());
  });

  it('reads a wanted alias target through to its grants while the index still pages', async () => {
    // Prepare
    let release: () => void = () => {};
    const indexAnswered = new Promise<void>((resolve) => {
      release = resolve;
    });
    let readBeforeIndex: string[] = [];
    const { kms, read } = setup(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      readBeforeIndex = kms.calls.map((c) => c.operation);
      release();
      return new Map<string, TagMap>();
    });
    const wanted = kms.seedKey('us-east-1', { tags: { [OWNERSHIP_TAGS.owner]: owner.ownerId } });
    kms.seedAlias('us-east-1', 'alias/app', wanted.keyId);

    // Act
    const state = await read(['alias/app']);
    await indexAnswered;

    // Assess
    expect(readBeforeIndex).toEqual(expect.arrayContaining(['listResourceTags', 'describeKey', 'getKeyPolicy', 'listGrants']));
    expect(state.keys.map((k) => k.keyId)).toEqual([wanted.keyId]);
  });

  it('reads the index as soon as ListKeys asks for a second page, before the listing ends', async () => {
    // Prepare: the threshold is above what the Region lists in all; ListKeys' second page is slow
    const events: string[] = [];
    const { kms, read } = setup(
      async () => {
        events.push('index');
        return new Map<string, TagMap>();
      },
      {
        minKeys: 1_000,
        api: (base) => ({
          listKeys: async (options) => {
            const page = options?.page ?? sendPage;
            await page(async () => events.push('page 1'));
            await page(() => new Promise((resolve) => setTimeout(resolve, 5)));
            events.push('ListKeys answered');
            return base.listKeys();
          },
        }),
      },
    );
    kms.seedKey('us-east-1', { tags: { team: 'a' } });

    // Act
    await read();

    // Assess: a second page means a page's worth of keys (1,000), so the index went out meanwhile
    expect(events).toEqual(['page 1', 'index', 'ListKeys answered']);
  });

  it('does not read the index in a Region listing fewer keys than the threshold in one page', async () => {
    // Prepare
    const { kms, read, attempts } = setup(async () => new Map<string, TagMap>(), { minKeys: 50 });
    for (let i = 0; i < 3; i++) kms.seedKey('us-east-1', { tags: { team: 'a' } });

    // Act
    await read();

    // Assess
    expect(attempts()).toBe(0);
    expect(kms.callsOf('listResourceTags')).toHaveLength(3);
  });

  it('retries a throttled index and uses it', async () => {
    // Prepare
    const { kms, read, warnings, attempts } = setup(async (_region, attempt) => {
      if (attempt === 1) throw new TaggingApiError('ThrottledException', 'Rate exceeded', { retryable: true });
      return new Map([[foreign.keyId, { team: 'a' }]]);
    });
    const foreign = kms.seedKey('us-east-1', { tags: { team: 'a' } });

    // Act
    await read();

    // Assess
    expect(attempts()).toBe(2);
    expect(kms.callsOf('listResourceTags')).toHaveLength(0);
    expect(warnings).toEqual([]);
  });

  it('falls back to the full scan, with a warning, when the index is denied', async () => {
    // Prepare
    const { kms, read, warnings } = setup(async () => {
      throw new TaggingApiError('AccessDeniedException', 'not authorized to perform: tag:GetResources');
    });
    kms.seedKey('us-east-1', { tags: { team: 'a' } });
    kms.seedKey('us-east-1', { tags: { team: 'b' } });

    // Act
    await read();

    // Assess
    expect(kms.callsOf('listResourceTags')).toHaveLength(2);
    expect(warnings).toEqual([{ region: 'us-east-1', error: expect.stringContaining('AccessDeniedException') }]);
  });
});
