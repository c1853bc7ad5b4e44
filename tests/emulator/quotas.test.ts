import { CreateKeyCommand, ReplicateKeyCommand, UpdateKeyDescriptionCommand } from '@aws-sdk/client-kms';
import { DEFAULT_KMS_QUOTAS } from '../../lib/kmsApi.ts';
import { TokenBuckets } from '../../local/emulator/quotas.ts';
import { expectKmsError, type Harness, startHarness } from './harness.ts';

describe('Function: request quotas', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'], quotas: { ...DEFAULT_KMS_QUOTAS } });
  });
  beforeEach(async () => {
    await h.control('reset', {});
  });
  afterAll(async () => {
    await h.close();
  });

  it('throttles a burst over the CreateKey quota with ThrottlingException, per Region', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    // Act
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => kms.send(new CreateKeyCommand({}))));
    const otherRegion = await h.kms('eu-west-1').send(new CreateKeyCommand({}));
    // Assess
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const throttled = results.filter((r) => r.status === 'rejected' && (r.reason as Error).name === 'ThrottlingException');
    expect(ok).toBeGreaterThanOrEqual(5);
    expect(ok).toBeLessThanOrEqual(6);
    expect(throttled.length).toBe(10 - ok);
    expect(((throttled[0] as PromiseRejectedResult).reason as Error).message).toBe('Rate exceeded');
    expect(otherRegion.KeyMetadata!.KeyId).toBeDefined();
    expect((await h.control<{ throttled: number }>('counts')).throttled).toBe(10 - ok);
  });

  it('charges 2 CreateKey tokens in the replica Region for each ReplicateKey', async () => {
    // Prepare: CreateKey at 2/s leaves room for exactly one ReplicateKey per Region.
    await h.control('config', { quotas: { CreateKey: 2 } });
    const primary = (await h.kms('us-east-1').send(new CreateKeyCommand({ MultiRegion: true }))).KeyMetadata!.KeyId!;
    // Act
    await h.kms('us-east-1').send(new ReplicateKeyCommand({ KeyId: primary, ReplicaRegion: 'eu-west-1' }));
    // Assess
    await expectKmsError(h.kms('eu-west-1').send(new CreateKeyCommand({})), 'ThrottlingException');
    await h.kms('ap-southeast-2').send(new CreateKeyCommand({}));
    await expectKmsError(h.kms('us-east-1').send(new ReplicateKeyCommand({ KeyId: primary, ReplicaRegion: 'ap-southeast-2' })), 'ThrottlingException');
  });

  it('scales every quota with quotaScale', async () => {
    // Prepare: UpdateKeyDescription 5/s × 0.2 = 1/s
    const keyId = (await h.kms('us-east-1').send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    await h.control('config', { quotaScale: 0.2 });
    const kms = h.kms('us-east-1');
    // Act
    await kms.send(new UpdateKeyDescriptionCommand({ KeyId: keyId, Description: 'a' }));
    // Assess
    await expectKmsError(kms.send(new UpdateKeyDescriptionCommand({ KeyId: keyId, Description: 'b' })), 'ThrottlingException');
  });

  it('lets the SDK succeed after retrying a throttled call', async () => {
    // Prepare
    const kms = h.kms('us-east-1', { maxAttempts: 5 });
    // Act
    const results = await Promise.all(Array.from({ length: 7 }, () => kms.send(new CreateKeyCommand({}))));
    // Assess
    expect(results).toHaveLength(7);
    expect((await h.control<{ throttled: number }>('counts')).throttled).toBeGreaterThan(0);
  });
});

describe('Function: TokenBuckets', () => {
  it('holds one second of tokens and refills continuously', () => {
    // Prepare
    const buckets = new TokenBuckets(() => 5);
    const charge = [{ region: 'r', quota: 'DeleteAlias' as const, tokens: 1 }];
    // Act
    const burst = Array.from({ length: 6 }, () => buckets.tryTake(charge, 1000));
    const afterRefill = buckets.tryTake(charge, 1200);
    // Assess
    expect(burst).toEqual([true, true, true, true, true, false]);
    expect(afterRefill).toBe(true);
  });

  it('takes all charges of a request or none', () => {
    // Prepare
    const buckets = new TokenBuckets(() => 2);
    const replicate = [
      { region: 'a', quota: 'ReplicateKey' as const, tokens: 1 },
      { region: 'b', quota: 'CreateKey' as const, tokens: 2 },
    ];
    // Act
    const first = buckets.tryTake(replicate, 0);
    const second = buckets.tryTake(replicate, 0);
    const oneLeftInA = buckets.tryTake([{ region: 'a', quota: 'ReplicateKey', tokens: 1 }], 0);
    // Assess
    expect([first, second, oneLeftInA]).toEqual([true, false, true]);
  });
});
