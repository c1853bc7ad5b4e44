import { spawn } from 'node:child_process';
import { ListRegionsCommand } from '@aws-sdk/client-account';
import { CreateKeyCommand, DescribeKeyCommand, KMSServiceException, ListKeysCommand, ListResourceTagsCommand } from '@aws-sdk/client-kms';
import { seededRandom } from '../../local/emulator/faults.ts';
import { expectKmsError, type Harness, startHarness } from './harness.ts';

interface StateSnapshot {
  keys: { keyId: string; region: string; keyManager: string; tags: Record<string, string>; keyState: string }[];
  aliases: { region: string; aliasName: string; targetKeyId: string }[];
}

interface Counts {
  byOperation: Record<string, number>;
  byRegionOperation: Record<string, Record<string, number>>;
  throttled: number;
  mutations: number;
  injectedFaults: number;
}

async function customerKeys(h: Harness): Promise<StateSnapshot['keys']> {
  return (await h.control<StateSnapshot>('state')).keys.filter((k) => k.keyManager === 'CUSTOMER');
}

describe('Function: fault injection', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ regions: ['us-east-1', 'eu-west-1'] });
  });
  beforeEach(async () => {
    await h.control('reset', {});
  });
  afterAll(async () => {
    await h.close();
  });

  it('answers 500 KMSInternalException without applying the call when errorRate5xx is 1', async () => {
    // Prepare
    await h.control('config', { errorRate5xx: 1 });
    // Act
    const error = await expectKmsError(h.kms('us-east-1').send(new CreateKeyCommand({})), 'KMSInternalException');
    // Assess
    expect(error).toBeInstanceOf(KMSServiceException);
    expect((error as KMSServiceException).$metadata.httpStatusCode).toBe(500);
    expect(await customerKeys(h)).toEqual([]);
    expect((await h.control<Counts>('counts')).injectedFaults).toBe(1);
  });

  it('fails about errorRate5xx of requests, reproducibly for the same seed', async () => {
    // Prepare
    const run = async () => {
      await h.control('config', { errorRate5xx: 0.5, seed: 42 });
      const kms = h.kms('us-east-1');
      const statuses: string[] = [];
      // Sequential, so the dice are rolled in the same order on both runs.
      for (let i = 0; i < 40; i += 1)
        statuses.push(
          await kms.send(new ListKeysCommand({})).then(
            () => 'ok',
            (e: Error) => e.name,
          ),
        );
      await h.control('config', { errorRate5xx: 0 });
      return statuses;
    };
    // Act
    const first = await run();
    const second = await run();
    // Assess
    const failures = first.filter((s) => s === 'KMSInternalException').length;
    expect(failures + first.filter((s) => s === 'ok').length).toBe(40);
    expect(failures).toBeGreaterThan(8);
    expect(failures).toBeLessThan(32);
    expect(second).toEqual(first);
  });

  it('drops the connection after applying the call when dropRate is 1', async () => {
    // Prepare
    await h.control('config', { dropRate: 1 });
    // Act
    const outcome = await h
      .kms('us-east-1')
      .send(new CreateKeyCommand({}))
      .then(
        () => 'answered',
        (error: Error) => error.name,
      );
    await h.control('config', { dropRate: 0 });
    // Assess
    expect(outcome).not.toBe('answered');
    expect(await customerKeys(h)).toHaveLength(1);
  });

  it('applies latency to KMS and Account requests', async () => {
    // Prepare
    await h.control('config', { latencyMs: 120, latencyJitterMs: 30 });
    // Act
    const started = Date.now();
    await h.kms('us-east-1').send(new ListKeysCommand({}));
    await h.account().send(new ListRegionsCommand({}));
    const elapsed = Date.now() - started;
    // Assess
    expect(elapsed).toBeGreaterThanOrEqual(240);
  });

  it('never injects faults into the control API', async () => {
    // Prepare
    await h.control('config', { errorRate5xx: 0.5, dropRate: 0.5 });
    // Act
    const answers = await Promise.all(Array.from({ length: 10 }, () => h.control<Counts>('counts')));
    // Assess
    expect(answers).toHaveLength(10);
  });

  it('kills the armed process after the Nth mutating call takes effect, and never answers it', async () => {
    // Prepare
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    await h.control('crash', { pid: child.pid, afterMutations: 2 });
    const kms = h.kms('us-east-1', { requestTimeout: 500 });
    // Act
    await kms.send(new ListKeysCommand({}));
    await kms.send(new CreateKeyCommand({ Description: 'first' }));
    const second = await kms.send(new CreateKeyCommand({ Description: 'second' })).then(
      () => 'answered',
      (error: Error) => error.name,
    );
    const signal = await exited;
    // Assess
    expect(second).not.toBe('answered');
    expect(signal).toBe('SIGKILL');
    expect(await customerKeys(h)).toHaveLength(2);
    expect((await kms.send(new CreateKeyCommand({}))).KeyMetadata).toBeDefined();
  });

  it('can disarm a crash point', async () => {
    // Prepare
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 400)']);
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    await h.control('crash', { pid: child.pid, afterMutations: 1 });
    await h.control('crash', { clear: true });
    // Act
    await h.kms('us-east-1').send(new CreateKeyCommand({}));
    // Assess
    expect(await exited).toBeNull();
  });
});

describe('Function: control API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ regions: ['us-east-1', 'eu-west-1'] });
  });
  afterAll(async () => {
    await h.close();
  });

  it('seeds a foreign key with an alias and tags, without counting a request', async () => {
    // Prepare
    await h.control('counts/reset', {});
    // Act
    const seeded = await h.control<{ keyId: string; arn: string }>('seed-key', {
      region: 'eu-west-1',
      aliasName: 'alias/foreign',
      tags: { team: 'other' },
      description: 'not ours',
    });
    const counts = await h.control<Counts>('counts');
    const described = (await h.kms('eu-west-1').send(new DescribeKeyCommand({ KeyId: 'alias/foreign' }))).KeyMetadata!;
    const tags = await h.kms('eu-west-1').send(new ListResourceTagsCommand({ KeyId: seeded.keyId }));
    // Assess
    expect(counts.byOperation).toEqual({});
    expect(described).toMatchObject({ KeyId: seeded.keyId, Arn: seeded.arn, Description: 'not ours', KeyManager: 'CUSTOMER' });
    expect(tags.Tags).toEqual([{ TagKey: 'team', TagValue: 'other' }]);
  });

  it('seeds an AWS managed key only with an alias/aws/ alias', async () => {
    // Prepare
    const request = { region: 'eu-west-1', keyManager: 'AWS' };
    // Act
    const seeded = await h.control<{ keyId: string }>('seed-key', { ...request, aliasName: 'alias/aws/ebs' });
    const described = (await h.kms('eu-west-1').send(new DescribeKeyCommand({ KeyId: 'alias/aws/ebs' }))).KeyMetadata!;
    // Assess
    expect(described).toMatchObject({ KeyId: seeded.keyId, KeyManager: 'AWS' });
    await expect(h.control('seed-key', { ...request, aliasName: 'alias/not-aws' })).rejects.toThrow(/alias\/aws/);
  });

  it('counts requests by operation and Region, mutations and throttles', async () => {
    // Prepare
    await h.control('counts/reset', {});
    // Act
    await h.kms('us-east-1').send(new CreateKeyCommand({}));
    await h.kms('eu-west-1').send(new ListKeysCommand({}));
    await expectKmsError(h.kms('eu-west-1').send(new DescribeKeyCommand({ KeyId: 'alias/none' })), 'NotFoundException');
    const counts = await h.control<Counts>('counts');
    // Assess
    expect(counts).toEqual({
      byOperation: { CreateKey: 1, ListKeys: 1, DescribeKey: 1 },
      byRegionOperation: { 'us-east-1': { CreateKey: 1 }, 'eu-west-1': { ListKeys: 1, DescribeKey: 1 } },
      throttled: 0,
      throttledByOperation: {},
      mutations: 1,
      injectedFaults: 0,
    });
  });

  it('reports every key with tags, policy and state, and every alias', async () => {
    // Prepare
    await h.control('reset', {});
    const { KeyMetadata: m } = await h.kms('us-east-1').send(new CreateKeyCommand({ Tags: [{ TagKey: 'a', TagValue: 'b' }] }));
    // Act
    const state = await h.control<StateSnapshot>('state');
    // Assess
    expect(state.keys.find((k) => k.keyId === m!.KeyId)).toMatchObject({
      region: 'us-east-1',
      keyState: 'Enabled',
      tags: { a: 'b' },
      policy: expect.any(String),
    });
    expect(
      state.aliases
        .filter((a) => a.aliasName === 'alias/aws/s3')
        .map((a) => a.region)
        .sort(),
    ).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('resets keys, aliases and counters, optionally to other Regions', async () => {
    // Prepare
    await h.kms('us-east-1').send(new CreateKeyCommand({}));
    // Act
    await h.control('reset', { regions: ['ap-south-1'] });
    const state = await h.control<StateSnapshot>('state');
    const counts = await h.control<Counts>('counts');
    // Assess
    expect(state.keys.map((k) => [k.region, k.keyManager])).toEqual([['ap-south-1', 'AWS']]);
    expect(counts.byOperation).toEqual({});
    await expectKmsError(h.kms('us-east-1').send(new ListKeysCommand({})), 'UnrecognizedClientException');
    await h.control('reset', {});
  });

  it('refuses unknown fields and bad values with 400', async () => {
    // Act
    const typo = await fetch(`${h.emulator.url}/__emulator/config`, { method: 'POST', body: JSON.stringify({ errorRate: 1 }) });
    const bad = await fetch(`${h.emulator.url}/__emulator/config`, { method: 'POST', body: JSON.stringify({ dropRate: 2 }) });
    const unknownQuota = await fetch(`${h.emulator.url}/__emulator/config`, { method: 'POST', body: JSON.stringify({ quotas: { Frobnicate: 1 } }) });
    // Assess
    expect([typo.status, bad.status, unknownQuota.status]).toEqual([400, 400, 400]);
    expect(((await typo.json()) as { error: string }).error).toMatch(/unknown field\(s\): errorRate/);
  });
});

describe('Function: seededRandom', () => {
  it('repeats its sequence for the same seed and stays in [0, 1)', () => {
    // Act
    const a = Array.from({ length: 100 }, seededRandom(7));
    const b = Array.from({ length: 100 }, seededRandom(7));
    // Assess
    expect(a).toEqual(b);
    expect(a.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
