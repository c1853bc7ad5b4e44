import type { KmsApi } from '../../lib/kmsApi.ts';
import { createLogger } from '../../lib/logger.ts';
import { OWNERSHIP_TAGS, ownerOf } from '../../lib/ownership.ts';
import { readActualState } from '../../lib/reader/index.ts';
import { Pacer } from '../../lib/retry/pacer.ts';
import { MISSING_GRANT_LOOK_MS } from '../../lib/retry/policy.ts';
import { FakeKms } from '../support/fakeKmsApi.ts';
import { VirtualClock } from '../support/virtualClock.ts';

const owner = ownerOf('arn:aws:cloudformation:us-east-1:111122223333:stack/s/1', 'Keys');
const KMS_NAME = `MultiRegionKmsKeys:${owner.ownerId}:asg:0123456789abcdef`;
/** The key `cmk`, whose previous properties gave it the grant `asg` in us-east-1, which it no longer wants. */
const retired = new Map([['us-east-1\ncmk', [{ name: 'asg', kmsName: KMS_NAME }]]]);

/** A fake KMS whose ListGrants hides the grant `asg` for its first `hiddenFor` listings (KMS catching up). */
function setup(hiddenFor: number) {
  const clock = new VirtualClock();
  const entries: Record<string, unknown>[] = [];
  const log = { log: createLogger({ level: 'debug', write: (line) => entries.push(JSON.parse(line) as Record<string, unknown>) }), entries };
  const kms = new FakeKms({ now: clock.now });
  const key = kms.seedKey('us-east-1', { tags: { [OWNERSHIP_TAGS.owner]: owner.ownerId, [OWNERSHIP_TAGS.keyName]: 'cmk' } });
  key.grants = [{ grantId: 'g-1', name: KMS_NAME, parameters: '{}' }];
  let listings = 0;
  const factory = (region: string): KmsApi => {
    const api = kms.factory(region);
    return {
      ...api,
      listGrants: async (keyId, options) => {
        const entries = await api.listGrants(keyId, options);
        return ++listings <= hiddenFor ? entries.filter((entry) => entry.name !== KMS_NAME) : entries;
      },
    };
  };
  const read = () =>
    readActualState({
      regions: ['us-east-1'],
      owner,
      aliasNames: ['alias/cmk'],
      kms: factory,
      pacer: new Pacer({ clock }),
      clock,
      expectedGrants: retired,
      deadline: clock.now() + 14 * 60_000,
      log: log.log,
    });
  return { clock, key, read, listings: () => listings, log };
}

describe('Function: readActualState (grants the previous properties named)', () => {
  it('lists again, with backoff, a grant the listing does not show yet, and returns it to be revoked', async () => {
    // Prepare
    const { read, listings, clock } = setup(3);

    // Act
    const state = await read();

    // Assess
    expect(state.grants).toEqual([{ region: 'us-east-1', keyId: expect.any(String), grantId: 'g-1', kmsName: KMS_NAME, name: 'asg' }]);
    expect(listings()).toBe(4);
    expect(clock.now()).toBeGreaterThan(0);
  });

  it('takes a grant still not listed after the look as absent, never revokes it, and warns naming key, Region and grant', async () => {
    // Prepare
    const { read, key, clock, log } = setup(Number.POSITIVE_INFINITY);

    // Act
    const state = await read();

    // Assess
    expect(state.grants ?? []).toEqual([]);
    expect(clock.now()).toBeGreaterThan(MISSING_GRANT_LOOK_MS / 2);
    expect(clock.now()).toBeLessThanOrEqual(MISSING_GRANT_LOOK_MS + 20_000);
    const warning = log.entries.find((entry) => entry.level === 'WARN');
    expect(warning).toEqual(
      expect.objectContaining({
        region: 'us-east-1',
        keyId: key.keyId,
        grants: [`asg (${KMS_NAME})`],
        message: expect.stringContaining('not revoked by this request'),
      }),
    );
  });
});
