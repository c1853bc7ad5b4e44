import { type ExecuteDeps, execute } from '../../lib/executor/index.ts';
import { createLogger } from '../../lib/logger.ts';
import { OWNERSHIP_TAGS } from '../../lib/ownership.ts';
import { DEFAULT_RETRY_TIMINGS } from '../../lib/retry/policy.ts';
import type { Action, ActionOutcome, Plan } from '../../lib/types.ts';
import { FakeKms, kmsErrors } from '../support/fakeKmsApi.ts';
import { VirtualClock } from '../support/virtualClock.ts';

const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Admin',
      Effect: 'Allow',
      Principal: { AWS: ['arn:aws:iam::111122223333:role/New', 'arn:aws:iam::111122223333:root'] },
      Action: 'kms:*',
      Resource: '*',
    },
  ],
});

function createKey(id: string, region: string, extra: Partial<Action> = {}): Action {
  return {
    id,
    kind: 'CreateKey',
    region,
    keyName: 'cmk',
    dependsOn: [],
    spec: 'SYMMETRIC_DEFAULT',
    keyUsage: 'ENCRYPT_DECRYPT',
    multiRegion: false,
    policy: POLICY,
    description: 'd',
    tags: { 'MultiRegionKmsKeys:Owner': 'mrkk-1' },
    ...extra,
  } as Action;
}

/** A ReplicateKey from us-east-1 into eu-west-1 of `key`, the shape most tests use. */
function replicateKey(id: string, key: { keyId: string } | { created: string }, extra: Partial<Action> = {}): Action {
  return {
    id,
    kind: 'ReplicateKey',
    region: 'us-east-1',
    keyName: 'cmk',
    dependsOn: [],
    key,
    replicaRegion: 'eu-west-1',
    policy: POLICY,
    description: 'd',
    tags: {},
    ...extra,
  } as Action;
}

function plan(...actions: Action[]): Plan {
  return { actions, refusals: [], bindings: {} };
}

function setup(options: { replicaCreatingPolls?: number } = {}) {
  const clock = new VirtualClock(1_000_000);
  const kms = new FakeKms({ now: clock.now, replicaCreatingPolls: options.replicaCreatingPolls });
  const log: Record<string, unknown>[] = [];
  const deps: ExecuteDeps = {
    kms: kms.factory,
    clock,
    log: createLogger({ level: 'debug', write: (line) => log.push(JSON.parse(line) as Record<string, unknown>) }),
    random: () => 0.5,
  };
  return { clock, kms, deps, log };
}

const statusOf = (outcomes: ActionOutcome[]) => Object.fromEntries(outcomes.map((o) => [o.actionId, o.status]));

describe('Function: execute', () => {
  it('creates a key, replicates it and creates the aliases, resolving created key refs', async () => {
    // Prepare
    const { kms, deps } = setup({ replicaCreatingPolls: 2 });
    const p = plan(
      createKey('ck', 'us-east-1', { multiRegion: true }),
      replicateKey('rk', { created: 'ck' }, { dependsOn: ['ck'], tags: { a: 'b' } }),
      { id: 'al1', kind: 'CreateAlias', region: 'us-east-1', keyName: 'cmk', dependsOn: ['ck'], aliasName: 'alias/cmk', key: { created: 'ck' } },
      { id: 'al2', kind: 'CreateAlias', region: 'eu-west-1', keyName: 'cmk', dependsOn: ['rk'], aliasName: 'alias/cmk', key: { created: 'ck' } },
    );

    // Act
    const result = await execute(p, deps);

    // Assess
    const [ck, rk] = result.outcomes;
    expect(statusOf(result.outcomes)).toEqual({ ck: 'done', rk: 'done', al1: 'done', al2: 'done' });
    expect(ck?.keyId).toMatch(/^mrk-/);
    expect(rk).toMatchObject({ keyId: ck?.keyId, arn: `arn:aws:kms:eu-west-1:111122223333:key/${ck?.keyId}` });
    expect(kms.aliasTarget('eu-west-1', 'alias/cmk')).toBe(ck!.keyId);
    expect(kms.key('eu-west-1', ck?.keyId ?? '')?.state).toBe('Enabled');
    expect(result).toMatchObject({ deadlineReached: false, retries: 0 });
  });

  it('waits for a new replica to leave Creating before its dependents start', async () => {
    // Prepare
    const { kms, deps } = setup({ replicaCreatingPolls: 3 });
    const primary = kms.seedKey('us-east-1', { multiRegion: true });
    const p = plan(replicateKey('rk', { keyId: primary.keyId }), {
      id: 'al',
      kind: 'CreateAlias',
      region: 'eu-west-1',
      keyName: 'cmk',
      dependsOn: ['rk'],
      aliasName: 'alias/cmk',
      key: { keyId: primary.keyId },
    });

    // Act
    const result = await execute(p, deps);

    // Assess: the alias would have been refused on a Creating key
    expect(statusOf(result.outcomes)).toEqual({ rk: 'done', al: 'done' });
    expect(kms.callsOf('describeKey', 'eu-west-1').length).toBe(4);
  });

  it('fails a replica that stays Creating past timings.replicaReadyMs, as retryable', async () => {
    // Prepare
    const { kms, deps } = setup({ replicaCreatingPolls: 1_000 });
    const primary = kms.seedKey('us-east-1', { multiRegion: true });
    const p = plan(replicateKey('rk', { keyId: primary.keyId }));

    // Act
    const result = await execute(p, { ...deps, timings: { replicaReadyMs: 5_000 } });

    // Assess
    expect(result.outcomes[0]).toMatchObject({ status: 'failed', retryable: true });
    expect(result.outcomes[0]?.error).toMatch(/still Creating/);
  });

  it('starts each action as soon as its own dependencies are done, in every Region in parallel', async () => {
    // Prepare: the eu-west-1 alias must not wait for the slow us-east-1 chain
    const { clock, kms, deps } = setup();
    kms.fail('createKey', kmsErrors.throttling, { region: 'us-east-1', times: 3 });
    const p = plan(
      createKey('ck-us', 'us-east-1'),
      createKey('ck-eu', 'eu-west-1'),
      { id: 'al-us', kind: 'CreateAlias', region: 'us-east-1', keyName: 'cmk', dependsOn: ['ck-us'], aliasName: 'alias/cmk', key: { created: 'ck-us' } },
      { id: 'al-eu', kind: 'CreateAlias', region: 'eu-west-1', keyName: 'cmk', dependsOn: ['ck-eu'], aliasName: 'alias/cmk', key: { created: 'ck-eu' } },
    );
    const start = clock.now();

    // Act
    const result = await execute(p, deps);

    // Assess
    expect(statusOf(result.outcomes)).toEqual({ 'ck-us': 'done', 'ck-eu': 'done', 'al-us': 'done', 'al-eu': 'done' });
    const aliasEu = kms.callsOf('createAlias', 'eu-west-1')[0]!;
    const lastCreateUs = kms.callsOf('createKey', 'us-east-1').at(-1)!;
    expect(aliasEu.at).toBe(start);
    expect(lastCreateUs.at).toBeGreaterThan(start);
    expect(result.retries).toBe(3);
  });

  it('skips the dependents of a failed action, transitively, and runs the rest', async () => {
    // Prepare
    const { kms, deps, log } = setup();
    kms.fail('createKey', () => kmsErrors.scpDenied('kms:CreateKey'), { region: 'us-east-1' });
    const p = plan(
      createKey('ck', 'us-east-1', { multiRegion: true }),
      replicateKey('rk', { created: 'ck' }, { dependsOn: ['ck'] }),
      { id: 'al', kind: 'CreateAlias', region: 'eu-west-1', keyName: 'cmk', dependsOn: ['rk'], aliasName: 'alias/cmk', key: { created: 'ck' } },
      createKey('other', 'ap-south-1'),
    );

    // Act
    const result = await execute(p, deps);

    // Assess
    expect(statusOf(result.outcomes)).toEqual({ ck: 'failed', rk: 'skipped', al: 'skipped', other: 'done' });
    expect(result.outcomes[0]).toMatchObject({
      error: expect.stringMatching(/^AccessDeniedException: User: .* with an explicit deny in a service control policy$/),
      retryable: false,
    });
    expect(result.outcomes[2]?.error).toBe('not started: rk skipped');
    expect(log.map((e) => [e.actionId, e.status])).toEqual(
      expect.arrayContaining([
        ['ck', 'failed'],
        ['other', 'done'],
      ]),
    );
    expect(JSON.stringify(log)).not.toContain('kms:*');
  });

  it('tells onOutcome of every finished action, as typed outcomes, in the order they finish', async () => {
    // Prepare
    const { kms, deps } = setup();
    kms.fail('createKey', () => kmsErrors.scpDenied('kms:CreateKey'), { region: 'us-east-1' });
    const told: ActionOutcome[] = [];
    const p = plan(createKey('ck', 'us-east-1'), {
      id: 'al',
      kind: 'CreateAlias',
      region: 'us-east-1',
      keyName: 'cmk',
      dependsOn: ['ck'],
      aliasName: 'alias/cmk',
      key: { created: 'ck' },
    });

    // Act
    const result = await execute(p, { ...deps, onOutcome: (outcome) => told.push(outcome) });

    // Assess
    expect(told).toEqual(result.outcomes);
    expect(told.map((o) => [o.actionId, o.status])).toEqual([
      ['ck', 'failed'],
      ['al', 'skipped'],
    ]);
  });

  it('retries a CreateKey denied while IAM propagates the new role, and a ReplicateKey too', async () => {
    // Prepare: a role made with the stack; its policy reaches KMS after a few answers
    const { kms, deps, clock } = setup();
    kms.fail('createKey', kmsErrors.accessDenied, { region: 'us-east-1', times: 3 });
    kms.fail('replicateKey', kmsErrors.accessDenied, { times: 2 });
    const p = plan(createKey('ck', 'us-east-1', { multiRegion: true }), replicateKey('rk', { created: 'ck' }, { dependsOn: ['ck'] }));
    const start = clock.now();

    // Act
    const result = await execute(p, deps);

    // Assess
    expect(statusOf(result.outcomes)).toEqual({ ck: 'done', rk: 'done' });
    expect(kms.callsOf('createKey', 'us-east-1')).toHaveLength(4);
    expect(kms.callsOf('replicateKey')).toHaveLength(3);
    expect(result.retries).toBe(5);
    expect(clock.now() - start).toBeLessThan(DEFAULT_RETRY_TIMINGS.iamPropagationMs);
  });

  it('fails a write still denied after timings.iamPropagationMs naming action, Region and policy type', async () => {
    // Prepare
    const { kms, deps, clock } = setup();
    kms.fail('createKey', kmsErrors.accessDenied, { region: 'us-east-1', times: 1_000 });
    const start = clock.now();

    // Act
    const result = await execute(plan(createKey('ck', 'us-east-1')), { ...deps, timings: { iamPropagationMs: 10_000 } });

    // Assess
    expect(clock.now() - start).toBeLessThanOrEqual(10_000);
    expect(clock.now() - start).toBeGreaterThan(2_000);
    expect(result.outcomes[0]).toMatchObject({ status: 'failed', retryable: false });
    expect(result.outcomes[0]?.error).toMatch(
      /^KMS denied kms:CreateKey in us-east-1 because of a denial whose policy type the message does not name, still after \d+ s of retries \(IAM changes take a while to propagate\): not authorized\. Give the function's role kms:CreateKey/,
    );
  });

  it('retries throttled requests with backoff and counts the retries', async () => {
    // Prepare
    const { kms, deps } = setup();
    const key = kms.seedKey('us-east-1');
    kms.fail('tagResource', kmsErrors.throttling, { times: 2 });
    const p = plan({ id: 't', kind: 'TagResource', region: 'us-east-1', keyName: 'cmk', dependsOn: [], key: { keyId: key.keyId }, tags: { env: 'prod' } });

    // Act
    const result = await execute(p, deps);

    // Assess
    expect(result.outcomes[0]?.status).toBe('done');
    expect(result.retries).toBe(2);
    expect(kms.key('us-east-1', key.keyId)?.tags).toEqual({ env: 'prod' });
  });

  it('retries idempotent calls on 5xx a bounded number of times, then fails retryable', async () => {
    // Prepare
    const { kms, deps } = setup();
    const key = kms.seedKey('us-east-1');
    kms.fail('enableKey', kmsErrors.internal, { times: 100 });
    kms.fail('updatePrimaryRegion', kmsErrors.network);
    const p = plan(
      { id: 'e', kind: 'EnableKey', region: 'us-east-1', keyName: 'cmk', dependsOn: [], key: { keyId: key.keyId } },
      { id: 'u', kind: 'UpdatePrimaryRegion', region: 'us-east-1', keyName: 'cmk', dependsOn: [], key: { keyId: key.keyId }, primaryRegion: 'eu-west-1' },
    );

    // Act
    const result = await execute(p, deps);

    // Assess: UpdatePrimaryRegion is not repeated blindly either
    expect(result.outcomes.map((o) => [o.status, o.retryable])).toEqual([
      ['failed', true],
      ['failed', true],
    ]);
    expect(kms.callsOf('enableKey')).toHaveLength(6);
    expect(kms.callsOf('updatePrimaryRegion')).toHaveLength(1);
    expect(result.retries).toBe(5);
  });

  it('does not repeat a CreateKey whose outcome is unknown (5xx or network), and reports it retryable', async () => {
    // Prepare
    for (const error of [kmsErrors.internal, kmsErrors.network]) {
      const { kms, deps } = setup();
      kms.fail('createKey', error, { applied: true });

      // Act
      const result = await execute(plan(createKey('ck', 'us-east-1')), deps);

      // Assess
      expect(result.outcomes[0]).toMatchObject({ status: 'failed', retryable: true });
      expect(kms.callsOf('createKey')).toHaveLength(1);
      expect(result.retries).toBe(0);
    }
  });

  it('does repeat a CreateKey refused by throttling (nothing was created)', async () => {
    // Prepare
    const { kms, deps } = setup();
    kms.fail('createKey', kmsErrors.throttling);

    // Act
    const result = await execute(plan(createKey('ck', 'us-east-1')), deps);

    // Assess
    expect(result.outcomes[0]?.status).toBe('done');
    expect(kms.keys).toHaveLength(1);
  });

  it('does not repeat a ReplicateKey whose outcome is unknown', async () => {
    // Prepare
    const { kms, deps } = setup();
    const primary = kms.seedKey('us-east-1', { multiRegion: true });
    kms.fail('replicateKey', kmsErrors.internal);
    const p = plan(replicateKey('rk', { keyId: primary.keyId }));

    // Act
    const result = await execute(p, deps);

    // Assess
    expect(result.outcomes[0]).toMatchObject({ status: 'failed', retryable: true });
    expect(kms.callsOf('replicateKey')).toHaveLength(1);
  });

  it('counts "already done" answers met by retries of idempotent calls as success', async () => {
    // Prepare: each first call takes effect but its answer is lost
    const { kms, deps } = setup();
    const key = kms.seedKey('us-east-1');
    const doomed = kms.seedKey('us-east-1');
    const restored = kms.seedKey('us-east-1', { state: 'PendingDeletion' });
    kms.seedAlias('us-east-1', 'alias/old', key.keyId);
    kms.fail('createAlias', kmsErrors.internal, { applied: true });
    kms.fail('deleteAlias', kmsErrors.network, { applied: true });
    kms.fail('scheduleKeyDeletion', kmsErrors.internal, { applied: true });
    kms.fail('cancelKeyDeletion', kmsErrors.network, { applied: true });
    const p = plan(
      { id: 'ca', kind: 'CreateAlias', region: 'us-east-1', keyName: 'cmk', dependsOn: [], aliasName: 'alias/cmk', key: { keyId: key.keyId } },
      { id: 'da', kind: 'DeleteAlias', region: 'us-east-1', keyName: 'old', dependsOn: [], aliasName: 'alias/old' },
      { id: 'sd', kind: 'ScheduleKeyDeletion', region: 'us-east-1', keyName: 'x', dependsOn: [], key: { keyId: doomed.keyId }, pendingWindowInDays: 7 },
      { id: 'cd', kind: 'CancelKeyDeletion', region: 'us-east-1', keyName: 'y', dependsOn: [], key: { keyId: restored.keyId } },
    );

    // Act
    const result = await execute(p, deps);

    // Assess
    expect(statusOf(result.outcomes)).toEqual({ ca: 'done', da: 'done', sd: 'done', cd: 'done' });
    expect(result.retries).toBe(4);
    expect(kms.key('us-east-1', doomed.keyId)?.state).toBe('PendingDeletion');
    expect(kms.key('us-east-1', restored.keyId)?.state).toBe('Disabled');
  });

  it('still fails CreateAlias when the existing alias targets another key, as retryable: the request reads again and plans from what is there', async () => {
    // Prepare
    const { kms, deps } = setup();
    const ours = kms.seedKey('us-east-1');
    const foreign = kms.seedKey('us-east-1');
    kms.seedAlias('us-east-1', 'alias/cmk', foreign.keyId);
    const p = plan({ id: 'ca', kind: 'CreateAlias', region: 'us-east-1', keyName: 'cmk', dependsOn: [], aliasName: 'alias/cmk', key: { keyId: ours.keyId } });

    // Act
    const result = await execute(p, deps);

    // Assess
    expect(result.outcomes[0]).toMatchObject({ status: 'failed', retryable: true });
    expect(result.outcomes[0]?.error).toMatch(/^AlreadyExistsException: alias\/cmk already targets .*the state read before planning was stale/);
  });

  it('counts ReplicateKey → AlreadyExistsException as success when the replica exists', async () => {
    // Prepare
    const { kms, deps } = setup();
    const primary = kms.seedKey('us-east-1', { multiRegion: true });
    const replica = kms.seedKey('eu-west-1', { keyId: primary.keyId, multiRegion: true, role: 'REPLICA', primaryRegion: 'us-east-1' });
    const p = plan(replicateKey('rk', { keyId: primary.keyId }));

    // Act
    const result = await execute(p, deps);

    // Assess
    expect(result.outcomes[0]).toMatchObject({ status: 'done', keyId: primary.keyId, arn: replica.arn });
  });

  it('fails ReplicateKey → AlreadyExistsException when the replica there carries another owner tag', async () => {
    // Prepare: a replica left pending deletion by a renamed resource's hand-over, still tagged for it.
    const { kms, deps } = setup();
    const primary = kms.seedKey('us-east-1', { multiRegion: true });
    kms.seedKey('eu-west-1', {
      keyId: primary.keyId,
      multiRegion: true,
      role: 'REPLICA',
      primaryRegion: 'us-east-1',
      state: 'PendingDeletion',
      tags: { [OWNERSHIP_TAGS.owner]: 'mrkk-sibling' },
    });
    const p = plan(replicateKey('rk', { keyId: primary.keyId }, { tags: { [OWNERSHIP_TAGS.owner]: 'mrkk-self' } }));

    // Act
    const result = await execute(p, deps);

    // Assess
    expect(result.outcomes[0]).toMatchObject({ status: 'failed', retryable: false });
    expect(result.outcomes[0]?.error).toContain(
      `AlreadyExistsException: ${primary.keyId} already has a replica in eu-west-1 that is not this resource's (owner mrkk-sibling)`,
    );
    expect(kms.callsOf('describeKey', 'eu-west-1')).toHaveLength(1);
  });

  it('retries a policy whose principals IAM has not propagated yet', async () => {
    // Prepare
    const { clock, kms, deps } = setup();
    kms.principalsKnownAt.set('arn:aws:iam::111122223333:role/New', clock.now() + 20_000);

    // Act
    const result = await execute(plan(createKey('ck', 'us-east-1')), deps);

    // Assess
    expect(result.outcomes[0]?.status).toBe('done');
    expect(clock.now()).toBeGreaterThanOrEqual(1_020_000);
    expect(result.retries).toBeGreaterThan(0);
  });

  it('gives up on unpropagated principals after timings.principalPropagationMs, naming the principals', async () => {
    // Prepare
    const { clock, kms, deps } = setup();
    const key = kms.seedKey('us-east-1');
    kms.principalsKnownAt.set('arn:aws:iam::111122223333:role/New', Number.MAX_SAFE_INTEGER);
    const p = plan({ id: 'pp', kind: 'PutKeyPolicy', region: 'us-east-1', keyName: 'cmk', dependsOn: [], key: { keyId: key.keyId }, policy: POLICY });

    // Act
    const result = await execute(p, { ...deps, timings: { principalPropagationMs: 30_000 } });

    // Assess
    expect(result.outcomes[0]).toMatchObject({ status: 'failed', retryable: false });
    expect(result.outcomes[0]?.error).toContain('MalformedPolicyDocumentException');
    expect(result.outcomes[0]?.error).toContain('arn:aws:iam::111122223333:role/New, arn:aws:iam::111122223333:root');
    expect(clock.now() - 1_000_000).toBeLessThanOrEqual(30_000);
  });

  it('does not retry past the deadline', async () => {
    // Prepare: the CreateKey is throttled 10 ms before the deadline
    const { clock, kms, deps } = setup();
    const p = plan(createKey('ck', 'us-east-1'), {
      id: 'al',
      kind: 'CreateAlias',
      region: 'us-east-1',
      keyName: 'cmk',
      dependsOn: ['ck'],
      aliasName: 'alias/cmk',
      key: { created: 'ck' },
    });
    kms.fail('createKey', kmsErrors.throttling);
    const deadline = clock.now() + 10;

    // Act
    const result = await execute(p, { ...deps, deadline, random: () => 0.2 });

    // Assess: the retry (backoff 0.2 × 100 ms = 20 ms) would start after the deadline
    expect(result.outcomes[0]).toMatchObject({ status: 'failed', retryable: true });
    expect(result.outcomes[0]?.error).toMatch(/^ThrottlingException/);
    expect(kms.callsOf('createKey')).toHaveLength(1);
    expect(result.outcomes[1]?.status).toBe('skipped');
    expect(kms.callsOf('createAlias')).toHaveLength(0);
  });

  it('reports deadlineReached when a ready action meets the deadline', async () => {
    // Prepare
    const { clock, kms, deps } = setup();
    const key = kms.seedKey('us-east-1');
    const p = plan(
      { id: 'e', kind: 'EnableKey', region: 'us-east-1', keyName: 'cmk', dependsOn: [], key: { keyId: key.keyId } },
      { id: 'd', kind: 'UpdateKeyDescription', region: 'us-east-1', keyName: 'cmk', dependsOn: ['e'], key: { keyId: key.keyId }, description: 'new' },
    );
    const realEnable = kms.factory('us-east-1').enableKey;
    Object.assign(kms.factory('us-east-1'), {
      enableKey: async (id: string) => {
        await realEnable(id);
        clock.advance(5_000);
      },
    });

    // Act
    const result = await execute(p, { ...deps, deadline: clock.now() + 1_000 });

    // Assess
    expect(statusOf(result.outcomes)).toEqual({ e: 'done', d: 'skipped' });
    expect(result.outcomes[1]?.error).toBe('not started: the deadline was reached');
    expect(result.deadlineReached).toBe(true);
    expect(kms.callsOf('updateKeyDescription')).toHaveLength(0);
  });

  it('runs every in-place action kind against the right key', async () => {
    // Prepare
    const { kms, deps } = setup();
    const primary = kms.seedKey('us-east-1', { multiRegion: true, tags: { old: '1' } });
    kms.seedKey('eu-west-1', { keyId: primary.keyId, multiRegion: true, role: 'REPLICA', primaryRegion: 'us-east-1' });
    kms.seedAlias('us-east-1', 'alias/cmk', primary.keyId);
    const other = kms.seedKey('us-east-1');
    const ref = { keyId: primary.keyId };
    const base = { region: 'us-east-1', keyName: 'cmk', dependsOn: [] as string[] };
    const p = plan(
      { ...base, id: '1', kind: 'PutKeyPolicy', key: ref, policy: '{"p":1}' },
      { ...base, id: '2', kind: 'TagResource', key: ref, tags: { new: '2' } },
      { ...base, id: '3', kind: 'UntagResource', key: ref, tagKeys: ['old'] },
      { ...base, id: '4', kind: 'UpdateKeyDescription', key: ref, description: 'desc' },
      { ...base, id: '5', kind: 'EnableKeyRotation', key: ref, rotationPeriodInDays: 90 },
      { ...base, id: '6', kind: 'DisableKey', key: { keyId: other.keyId } },
      { ...base, id: '7', kind: 'EnableKey', key: { keyId: other.keyId }, dependsOn: ['6'] },
      { ...base, id: '8', kind: 'DisableKeyRotation', key: { keyId: other.keyId } },
      { ...base, id: '9', kind: 'UpdateAlias', aliasName: 'alias/cmk', key: { keyId: other.keyId }, dependsOn: ['1', '2', '3', '4', '5'] },
      { ...base, id: '10', kind: 'UpdatePrimaryRegion', key: ref, primaryRegion: 'eu-west-1', dependsOn: ['9'] },
    );

    // Act
    const result = await execute(p, deps);

    // Assess
    expect(result.outcomes.every((o) => o.status === 'done')).toBe(true);
    const key = kms.key('us-east-1', primary.keyId)!;
    expect(key).toMatchObject({ policy: '{"p":1}', tags: { new: '2' }, description: 'desc', rotation: { enabled: true, periodInDays: 90 }, role: 'REPLICA' });
    expect(kms.key('eu-west-1', primary.keyId)?.role).toBe('PRIMARY');
    expect(kms.aliasTarget('us-east-1', 'alias/cmk')).toBe(other.keyId);
    expect(kms.key('us-east-1', other.keyId)?.state).toBe('Enabled');
  });

  it('skips actions of a hand-made plan with unknown dependencies or cycles instead of hanging', async () => {
    // Prepare
    const { kms, deps } = setup();
    const key = kms.seedKey('us-east-1');
    const base = { region: 'us-east-1', keyName: 'cmk', key: { keyId: key.keyId } };
    const p = plan(
      { ...base, id: 'a', kind: 'EnableKey', dependsOn: ['b'] },
      { ...base, id: 'b', kind: 'DisableKey', dependsOn: ['a'] },
      { ...base, id: 'c', kind: 'EnableKey', dependsOn: ['nope'] },
      { ...base, id: 'd', kind: 'EnableKey', dependsOn: ['c'] },
    );

    // Act
    const result = await execute(p, deps);

    // Assess
    expect(statusOf(result.outcomes)).toEqual({ a: 'skipped', b: 'skipped', c: 'skipped', d: 'skipped' });
    const neverReady = 'not started: its dependencies never finished (unknown or circular)';
    expect(result.outcomes.map((o) => o.error)).toEqual([neverReady, 'not started: a skipped', neverReady, 'not started: c skipped']);
  });

  it('paces requests to the quota of each Region and operation', async () => {
    // Prepare: 10 CreateKey in one Region at 5/s (a burst of 4.5) take 1.1 s; 4 in another Region do not wait
    const { clock, deps } = setup();
    const p = plan(
      ...Array.from({ length: 10 }, (_, i) => createKey(`us-${i}`, 'us-east-1')),
      ...Array.from({ length: 4 }, (_, i) => createKey(`eu-${i}`, 'eu-west-1')),
    );
    const start = clock.now();

    // Act
    const result = await execute(p, deps);

    // Assess
    expect(result.outcomes.every((o) => o.status === 'done')).toBe(true);
    expect(clock.now() - start).toBe(1100);
    expect(result.retries).toBe(0);
  });

  it('starts and paces the critical path first: a multi-Region primary and its replication before queued per-Region keys', async () => {
    // Prepare: 8 per-Region keys in each Region come first in the plan; the multi-Region key last
    const { kms, deps } = setup({ replicaCreatingPolls: 0 });
    const local = ['us-east-1', 'eu-west-1'].flatMap((region) => Array.from({ length: 8 }, (_, i) => createKey(`${region}-${i}`, region)));
    const p = plan(...local, createKey('ck', 'us-east-1', { multiRegion: true }), replicateKey('rk', { created: 'ck' }, { dependsOn: ['ck'] }));

    // Act
    const result = await execute(p, deps);

    // Assess: the primary goes in the first burst, the replication before the last per-Region keys of its replica Region
    expect(result.outcomes.every((o) => o.status === 'done')).toBe(true);
    const primary = kms.callsOf('createKey', 'us-east-1').find((c) => (c.args[0] as { multiRegion: boolean }).multiRegion);
    expect(primary?.at).toBe(kms.callsOf('createKey', 'us-east-1')[0]?.at);
    const replicatedAt = kms.callsOf('replicateKey')[0]?.at ?? Number.NaN;
    const euCreates = kms.callsOf('createKey', 'eu-west-1').map((c) => c.at);
    expect(euCreates.filter((at) => at > replicatedAt).length).toBeGreaterThanOrEqual(3);
    expect(result.retries).toBe(0);
  });
});
