/**
 * KMS is eventually consistent: a key made or changed moments ago answers NotFoundException /
 * KMSInvalidStateException for a while, and after UpdatePrimaryRegion both keys are `Updating`.
 */

import { KmsError } from '../../lib/errors.ts';
import { execute } from '../../lib/executor/index.ts';
import type { KmsApi, KmsApiFactory } from '../../lib/kmsApi.ts';
import type { Action, ActionOutcome, Plan } from '../../lib/types.ts';
import { FakeKms, kmsErrors } from '../support/fakeKmsApi.ts';
import { VirtualClock } from '../support/virtualClock.ts';

const POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [] });
const invalidState = () => new KmsError('KMSInvalidStateException', 'key is Updating');

function plan(...actions: Action[]): Plan {
  return { actions, refusals: [], bindings: {} };
}

function setup() {
  const clock = new VirtualClock(1_000_000);
  const kms = new FakeKms({ now: clock.now });
  const run = (p: Plan, factory: KmsApiFactory = kms.factory, extra: Partial<Parameters<typeof execute>[1]> = {}) =>
    execute(p, { kms: factory, clock, random: () => 0.5, ...extra });
  return { clock, kms, run };
}

const statusOf = (outcomes: ActionOutcome[]) => Object.fromEntries(outcomes.map((o) => [o.actionId, o.status]));

const createKey: Action = {
  id: 'ck',
  kind: 'CreateKey',
  region: 'us-east-1',
  keyName: 'cmk',
  dependsOn: [],
  spec: 'SYMMETRIC_DEFAULT',
  keyUsage: 'ENCRYPT_DECRYPT',
  multiRegion: false,
  policy: POLICY,
  description: 'd',
  tags: { 'MultiRegionKmsKeys:Owner': 'mrkk-1' },
};

describe('Function: execute (keys KMS has not caught up with)', () => {
  it('retries a fresh key answering NotFoundException until KMS finds it', async () => {
    // Prepare
    const { kms, run } = setup();
    kms.fail('createAlias', () => kmsErrors.notFound("Key 'x'"), { times: 3 });
    const p = plan(createKey, {
      id: 'al',
      kind: 'CreateAlias',
      region: 'us-east-1',
      keyName: 'cmk',
      dependsOn: ['ck'],
      aliasName: 'alias/cmk',
      key: { created: 'ck' },
    });

    // Act
    const result = await run(p);

    // Assess
    expect(statusOf(result.outcomes)).toEqual({ ck: 'done', al: 'done' });
    expect(kms.callsOf('createAlias')).toHaveLength(4);
  });

  it('retries KMSInvalidStateException on a key made in this request, not on a key it only listed', async () => {
    // Prepare
    const { kms, run } = setup();
    const listed = kms.seedKey('us-east-1');
    kms.fail('putKeyPolicy', invalidState, { times: 2 });
    const p = plan(
      createKey,
      { id: 'fresh', kind: 'PutKeyPolicy', region: 'us-east-1', keyName: 'cmk', dependsOn: ['ck'], key: { created: 'ck' }, policy: POLICY },
      { id: 'old', kind: 'PutKeyPolicy', region: 'us-east-1', keyName: 'other', dependsOn: ['fresh'], key: { keyId: listed.keyId }, policy: POLICY },
    );
    const later = plan({ id: 'old', kind: 'PutKeyPolicy', region: 'us-east-1', keyName: 'other', dependsOn: [], key: { keyId: listed.keyId }, policy: POLICY });

    // Act
    const first = await run(p);
    kms.fail('putKeyPolicy', invalidState);
    const second = await run(later);

    // Assess
    expect(statusOf(first.outcomes)).toEqual({ ck: 'done', fresh: 'done', old: 'done' });
    expect(second.outcomes[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('KMSInvalidStateException') });
  });

  it('never takes NotFoundException on a listed key for "already deleted": ScheduleKeyDeletion is retried', async () => {
    // Prepare
    const { kms, run } = setup();
    const listed = kms.seedKey('us-east-1');
    kms.fail('scheduleKeyDeletion', () => kmsErrors.notFound("Key 'x'"), { times: 2 });

    // Act
    const result = await run(
      plan({
        id: 'del',
        kind: 'ScheduleKeyDeletion',
        region: 'us-east-1',
        keyName: 'cmk',
        dependsOn: [],
        key: { keyId: listed.keyId },
        pendingWindowInDays: 7,
      }),
    );

    // Assess
    expect(result.outcomes[0]?.status).toBe('done');
    expect(kms.key('us-east-1', listed.keyId)?.state).toBe('PendingDeletion');
  });

  it('retries a key KMS has not caught up with until the deadline, then fails as retryable saying a retry finishes the work', async () => {
    // Prepare: KMS answers NotFound for 90 s; the request has 60 s left
    const { clock, kms, run } = setup();
    const listed = kms.seedKey('us-east-1');
    const until = clock.now() + 90_000;
    let calls = 0;
    const factory: KmsApiFactory = (region) => {
      const api = kms.factory(region);
      return {
        ...api,
        tagResource: async (keyId, tags) => {
          calls++;
          if (clock.now() < until) throw kmsErrors.notFound(`Key '${keyId}'`);
          return api.tagResource(keyId, tags);
        },
      } satisfies KmsApi;
    };
    const tag: Action = { id: 'tag', kind: 'TagResource', region: 'us-east-1', keyName: 'cmk', dependsOn: [], key: { keyId: listed.keyId }, tags: { a: 'b' } };

    // Act
    const result = await run(plan(tag), factory, { deadline: clock.now() + 60_000 });

    // Assess: retried well past the 30 s a request without a deadline gets, and stopped before the deadline
    expect(result.outcomes[0]).toMatchObject({ status: 'failed', retryable: true });
    expect(result.outcomes[0]?.error).toMatch(
      /^NotFoundException: Key '.*' does not exist \(still after (\d+) s of retries: KMS had not caught up .*a retry of the request finishes the work\)$/,
    );
    const waited = Number(/still after (\d+) s/.exec(result.outcomes[0]?.error ?? '')?.[1]);
    expect(waited).toBeGreaterThan(30);
    expect(waited).toBeLessThanOrEqual(60);
    expect(calls).toBeGreaterThan(20);
  });

  it('finishes the work when KMS catches up before the deadline, however long after the first NotFound', async () => {
    // Prepare: KMS answers NotFound for 45 s (longer than the old fixed 30 s window); the request has 120 s
    const { clock, kms, run } = setup();
    const listed = kms.seedKey('us-east-1');
    const until = clock.now() + 45_000;
    const factory: KmsApiFactory = (region) => {
      const api = kms.factory(region);
      return {
        ...api,
        tagResource: async (keyId, tags) => {
          if (clock.now() < until) throw kmsErrors.notFound(`Key '${keyId}'`);
          return api.tagResource(keyId, tags);
        },
      } satisfies KmsApi;
    };
    const tag: Action = { id: 'tag', kind: 'TagResource', region: 'us-east-1', keyName: 'cmk', dependsOn: [], key: { keyId: listed.keyId }, tags: { a: 'b' } };

    // Act
    const result = await run(plan(tag), factory, { deadline: clock.now() + 120_000 });

    // Assess
    expect(result.outcomes[0]?.status).toBe('done');
    expect(kms.key('us-east-1', listed.keyId)?.tags).toMatchObject({ a: 'b' });
  });

  it('without a deadline, gives up after timings.settlingWithoutDeadlineMs', async () => {
    // Prepare
    const { kms, run } = setup();
    const listed = kms.seedKey('us-east-1');
    kms.fail('tagResource', () => kmsErrors.notFound("Key 'x'"), { times: 1_000 });

    // Act
    const result = await run(
      plan({ id: 'tag', kind: 'TagResource', region: 'us-east-1', keyName: 'cmk', dependsOn: [], key: { keyId: listed.keyId }, tags: { a: 'b' } }),
      undefined,
      { timings: { settlingWithoutDeadlineMs: 5_000 } },
    );

    // Assess
    expect(result.outcomes[0]).toMatchObject({
      status: 'failed',
      retryable: true,
      error: expect.stringMatching(/NotFoundException.*still after [0-5] s of retries: KMS had not caught up/),
    });
  });

  it('after UpdatePrimaryRegion, goes on with changes KMS accepts on an Updating key and waits only before those it refuses', async () => {
    // Prepare: both keys answer Updating to their next DescribeKey calls
    const { kms, run } = setup();
    const primary = kms.seedKey('us-east-1', { multiRegion: true });
    kms.seedKey('eu-west-1', { keyId: primary.keyId, multiRegion: true, role: 'REPLICA', primaryRegion: 'us-east-1' });
    let updatingPolls = 0;
    const order: string[] = [];
    const factory: KmsApiFactory = (region) => {
      const api = kms.factory(region);
      return {
        ...api,
        updatePrimaryRegion: async (keyId, to) => {
          await api.updatePrimaryRegion(keyId, to);
          updatingPolls = 3;
          order.push('moved');
        },
        describeKey: async (keyId) => {
          const description = await api.describeKey(keyId);
          if (updatingPolls <= 0) return description;
          updatingPolls--;
          return { ...description, state: 'Updating' };
        },
        putKeyPolicy: async (keyId, policy) => {
          order.push(updatingPolls > 0 ? 'policy while Updating' : 'policy');
          return api.putKeyPolicy(keyId, policy);
        },
        disableKey: async (keyId) => {
          order.push(updatingPolls > 0 ? 'disabled while Updating' : 'disabled');
          return api.disableKey(keyId);
        },
      } satisfies KmsApi;
    };
    const key = { keyId: primary.keyId };
    const p = plan(
      { id: 'move', kind: 'UpdatePrimaryRegion', region: 'us-east-1', keyName: 'cmk', dependsOn: [], key, primaryRegion: 'eu-west-1' },
      { id: 'pol', kind: 'PutKeyPolicy', region: 'eu-west-1', keyName: 'cmk', dependsOn: ['move'], key, policy: POLICY },
      { id: 'dis', kind: 'DisableKey', region: 'eu-west-1', keyName: 'cmk', dependsOn: ['pol'], key },
    );

    // Act
    const result = await run(p, factory);

    // Assess: the key-state table refuses DisableKey on an Updating key, not PutKeyPolicy
    expect(statusOf(result.outcomes)).toEqual({ move: 'done', pol: 'done', dis: 'done' });
    expect(order).toEqual(['moved', 'policy while Updating', 'disabled']);
  });

  it('retries KMSInvalidStateException on the other members of a key whose primary moves in the same plan', async () => {
    // Prepare
    const { kms, run } = setup();
    const primary = kms.seedKey('us-east-1', { multiRegion: true });
    kms.seedKey('eu-west-1', { keyId: primary.keyId, multiRegion: true, role: 'REPLICA', primaryRegion: 'us-east-1' });
    kms.fail('tagResource', invalidState, { times: 2, region: 'eu-west-1' });
    const p = plan(
      {
        id: 'move',
        kind: 'UpdatePrimaryRegion',
        region: 'us-east-1',
        keyName: 'cmk',
        dependsOn: [],
        key: { keyId: primary.keyId },
        primaryRegion: 'eu-west-1',
      },
      { id: 'tag', kind: 'TagResource', region: 'eu-west-1', keyName: 'cmk', dependsOn: [], key: { keyId: primary.keyId }, tags: { a: 'b' } },
    );

    // Act
    const result = await run(p);

    // Assess
    expect(statusOf(result.outcomes)).toEqual({ move: 'done', tag: 'done' });
  });
});
