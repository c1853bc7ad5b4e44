import { AccountClient, ListRegionsCommand } from '@aws-sdk/client-account';
import { CreateAliasCommand, CreateKeyCommand, DescribeKeyCommand, KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { type RecordedExchange, type Recorder, startRecorder } from '../../bench/recorder.ts';
import { measureSdkReplay, replayOnce } from '../../bench/sdkReplay.ts';
import { type RunningEmulator, startEmulator } from '../../local/emulator/index.ts';
import { CREDENTIALS, UNLIMITED_QUOTAS } from '../emulator/harness.ts';

/** A recorded throttled attempt (the bench replays those as recorded: they were requests too). */
const THROTTLED: RecordedExchange = {
  region: 'eu-west-1',
  target: 'TrentService.DescribeKey',
  requestBody: '{"KeyId":"alias/throttled"}',
  status: 400,
  headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'r-1', 'x-amzn-errortype': 'ThrottlingException' },
  responseBody: '{"__type":"ThrottlingException","message":"Rate exceeded"}',
};

const countOf = (targets: string[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const t of targets) counts[t] = (counts[t] ?? 0) + 1;
  return counts;
};

describe('Function: replayOnce', () => {
  let emulator: RunningEmulator;
  let recorder: Recorder;
  let recorded: RecordedExchange[];

  beforeAll(async () => {
    emulator = await startEmulator({ quotas: UNLIMITED_QUOTAS });
    recorder = await startRecorder(emulator.url, { keepBodies: true });
    const kms = (region: string) => new KMSClient({ region, endpoint: recorder.url, credentials: CREDENTIALS, maxAttempts: 1 });
    const east = kms('us-east-1');
    const west = kms('eu-west-1');
    const account = new AccountClient({ region: 'us-east-1', endpoint: recorder.url, credentials: CREDENTIALS, maxAttempts: 1 });
    recorder.reset();
    await account.send(new ListRegionsCommand({ MaxResults: 50 }));
    const key = await east.send(new CreateKeyCommand({ Description: 'replayed', Tags: [{ TagKey: 'team', TagValue: 'bench' }] }));
    await east.send(new CreateAliasCommand({ AliasName: 'alias/replayed', TargetKeyId: key.KeyMetadata!.KeyId! }));
    await west.send(new CreateKeyCommand({ MultiRegion: true }));
    // Two identical requests: each gets its own recorded answer.
    await west.send(new ListKeysCommand({}));
    await west.send(new ListKeysCommand({}));
    await east.send(new DescribeKeyCommand({ KeyId: 'alias/missing' })).catch(() => undefined);
    recorded = [...recorder.snapshot().exchanges, THROTTLED];
    for (const client of [east, west, account]) client.destroy();
  });

  afterAll(async () => {
    await recorder.close();
    await emulator.close();
  });

  it('records every exchange whole: Region, target, bodies, status and the headers that matter', () => {
    // Assess
    expect(recorded.map((e) => `${e.region} ${e.target} ${e.status}`)).toEqual([
      'us-east-1 /listRegions 200',
      'us-east-1 TrentService.CreateKey 200',
      'us-east-1 TrentService.CreateAlias 200',
      'eu-west-1 TrentService.CreateKey 200',
      'eu-west-1 TrentService.ListKeys 200',
      'eu-west-1 TrentService.ListKeys 200',
      'us-east-1 TrentService.DescribeKey 400',
      'eu-west-1 TrentService.DescribeKey 400',
    ]);
    expect(JSON.parse(recorded[1]!.requestBody)).toMatchObject({ Description: 'replayed', Tags: [{ TagKey: 'team', TagValue: 'bench' }] });
    expect(JSON.parse(recorded[1]!.responseBody)).toHaveProperty('KeyMetadata.Description', 'replayed');
    expect(recorded[1]!.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(recorded[6]!.responseBody).toContain('NotFoundException');
  });

  it('sends exactly the recorded requests with the bare SDK and counts them', async () => {
    // Act
    const run = await replayOnce(recorded, { latencyMs: 5, latencyJitterMs: 5 });

    // Assess: every recorded request sent once, each answered from the recording
    const expected = countOf(recorded.map((e) => e.target));
    expect(run.requests).toBe(recorded.length);
    expect(run.answered).toBe(recorded.length);
    expect(run.byTarget).toEqual(expected);
    expect(run.served).toEqual(expected);
    expect(run.unmatched).toBe(0);
    expect(run.errors).toEqual({ NotFoundException: 1, ThrottlingException: 1 });
    expect(run.cpuMs).toBeGreaterThan(0);
  });

  it('reports the median CPU per request of fresh processes', async () => {
    // Act
    const figures = await measureSdkReplay(recorded, { latencyMs: 0, latencyJitterMs: 0 }, 3);

    // Assess
    expect(figures).toMatchObject({ requests: recorded.length, runs: 3 });
    expect(figures.run_cpu_ms_per_request).toHaveLength(3);
    expect([...figures.run_cpu_ms_per_request].sort((a, b) => a - b)[1]).toBe(figures.cpu_ms_per_request);
  });
});

describe('Function: startRecorder (bodies)', () => {
  it('keeps no exchange unless asked, and one session per reset once asked', async () => {
    // Prepare
    const emulator = await startEmulator({ quotas: UNLIMITED_QUOTAS });
    const recorder = await startRecorder(emulator.url);
    const client = new KMSClient({ region: 'us-east-1', endpoint: recorder.url, credentials: CREDENTIALS, maxAttempts: 1 });
    try {
      // Act
      await client.send(new ListKeysCommand({}));
      const unkept = recorder.snapshot();
      recorder.keepBodies(true);
      await client.send(new ListKeysCommand({ Limit: 10 }));
      recorder.reset();
      recorder.reset();
      await client.send(new ListKeysCommand({ Limit: 20 }));
      const sessions = recorder.sessions();
      recorder.keepBodies(false);

      // Assess
      expect(unkept.total).toBe(1);
      expect(unkept.exchanges).toEqual([]);
      expect(sessions.map((s) => s.map((e) => JSON.parse(e.requestBody).Limit))).toEqual([[10], [20]]);
      expect(recorder.sessions()).toEqual([]);
    } finally {
      client.destroy();
      await recorder.close();
      await emulator.close();
    }
  });
});
