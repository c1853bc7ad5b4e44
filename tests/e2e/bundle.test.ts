/**
 * End to end: the built bundle (dist/handler/, made by `npm test`'s build step) in a
 * Lambda-like child process, driven by the CloudFormation driver against the KMS emulator, every
 * answer checked as CloudFormation would (one PUT, ≤ 4,096 bytes, PhysicalResourceId rules), with field
 * realism on (fresh keys answering NotFoundException, lagging listings, `Updating` keys: fieldRealism.ts).
 */
import { createDriver, DEFAULT_IDENTITY, type ScenarioResult, Stack, scenarios } from '../../local/driver/index.ts';
import { referenceProperties } from '../properties/fixtures.ts';
import { useDriverEnvironment } from '../support/driverEnvironment.ts';
import { E2E_REALISM, E2E_REQUEST_GAP_MS } from './fieldRealism.ts';

const ACCOUNT_ID = DEFAULT_IDENTITY.accountId;
const PRINCIPALS = ['user/admin', 'user/dev', 'user/qa', 'role/prod-app'].map((p) => `arn:aws:iam::${ACCOUNT_ID}:${p}`);

describe('End to end: the bundle through the CloudFormation driver and the emulator', () => {
  const env = useDriverEnvironment({
    stackPrefix: 'e2e',
    emulator: { principals: PRINCIPALS, replicaCreatingMs: 300, ...E2E_REALISM },
    driver: { requestGapMs: E2E_REQUEST_GAP_MS },
  });
  const { control, newStack } = env;

  const state = () => control().state();
  const expectOk = (result: ScenarioResult) => {
    expect(result.problems).toEqual([]);
    for (const step of result.steps) {
      expect(step.violations).toEqual([]);
      expect(step.putCount).toBe(1);
      expect(step.bodyBytes).toBeLessThanOrEqual(4096);
    }
  };

  it('creates, updates and deletes the reference configuration', async () => {
    // Prepare
    const stack = newStack();
    const reference = referenceProperties('pascal');

    // Act
    const created = await scenarios.create(stack, reference);
    const updated = await scenarios.update(stack, { ...reference, GlobalTags: { Owner: 'platform-team', Reviewed: 'true' } });
    const deleted = await scenarios.remove(stack);

    // Assess
    for (const result of [created, updated, deleted]) expectOk(result);
    expect(created.steps[0]!.data?.['KeyArns.eu-west-1.cmk-prod']).toMatch(/:key\/mrk-[0-9a-f]{32}$/);
    const owner = created.steps[0]!.physicalResourceId;
    const ours = (await state()).keys.filter((k) => k.tags['MultiRegionKmsKeys:Owner'] === owner);
    expect(ours.map((k) => k.keyState).sort()).toEqual(['PendingDeletion', 'PendingDeletion', 'PendingDeletion', 'PendingReplicaDeletion']);
  });

  it('answers a duplicated Create delivery twice alike, with one set of keys', async () => {
    // Prepare
    const stack = newStack();
    const properties = { AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: { 'cmk-dup': { Region: 'us-east-1' } } };

    // Act
    const result = await scenarios.duplicateDelivery(stack, 'Create', properties);

    // Assess
    expectOk(result);
    const owner = result.steps[0]!.physicalResourceId;
    expect((await state()).keys.filter((k) => k.tags['MultiRegionKmsKeys:Owner'] === owner)).toHaveLength(1);
  });

  it('restores a removed key on the rollback of an Update: same key, enabled, alias back', async () => {
    // Prepare
    const stack = newStack();
    const both = { AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: { 'cmk-keep': { Region: 'us-east-1' }, 'cmk-back': { Region: 'us-east-1' } } };
    expectOk(await scenarios.create(stack, both));
    const before = stack.history[0]!.data?.['KeyIds.us-east-1.cmk-back'];

    // Act: the Update removes cmk-back (scheduled for deletion), then CloudFormation rolls it back
    const result = await scenarios.updateThenRollback(
      stack,
      { AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: { 'cmk-keep': { Region: 'us-east-1' } } },
      { rollback: true },
    );

    // Assess
    expectOk(result);
    const after = await state();
    const key = after.keys.find((k) => k.keyId === before);
    expect(key?.keyState).toBe('Enabled');
    expect(after.aliases.find((a) => a.region === 'us-east-1' && a.aliasName === 'alias/cmk-back')?.targetKeyId).toBe(before);
  });

  it('answers FAILED for invalid properties, then deletes cleanly after the failed Create', async () => {
    // Prepare
    const stack = newStack();
    await control().resetCounts();

    // Act
    const result = await scenarios.failedCreateThenDelete(stack, { AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: { 'cmk-x': { DeletionWindowInDays: '3' } } });

    // Assess
    expectOk(result);
    expect(result.steps[0]!.reason).toContain('CustomerMasterKeys.cmk-x.DeletionWindowInDays');
    expect((await control().counts()).mutations).toBe(0);
  });

  it('refuses another account and a response over 4,096 bytes before any KMS mutation', async () => {
    // Prepare
    await control().resetCounts();
    const perRegion = Object.fromEntries(['a', 'b', 'c'].map((n) => [`cmk-${n}`, {}]));

    // Act
    const otherAccount = await scenarios.create(newStack(), { AwsAccountId: '444455556666', CustomerMasterKeys: { k: { Region: 'us-east-1' } } }, 'FAILED');
    const tooLarge = await scenarios.create(newStack(), { AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: perRegion }, 'FAILED');

    // Assess
    expectOk(otherAccount);
    expectOk(tooLarge);
    expect(otherAccount.steps[0]!.reason).toContain('AwsAccountId');
    expect(tooLarge.steps[0]!.reason).toMatch(/ReturnAttributes: the response would be \d+ bytes/);
    expect((await control().counts()).mutations).toBe(0);
  });

  it('answers FAILED before the Lambda deadline when KMS is too slow, and a retry converges', async () => {
    // Prepare: every KMS call takes ~600 ms; the function has 6 s and answers 3 s before the end
    const stack = newStack();
    const keys = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`cmk-slow-${i}`, { Region: 'us-east-1' }]));
    const properties = { AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: keys, ReturnAttributes: ['KeyArns.*'] };
    await control().config({ latencyMs: 600 });
    const slowDriver = await createDriver({
      endpointUrl: env.emulator.url,
      requestGapMs: E2E_REQUEST_GAP_MS,
      timeoutMs: 6_000,
      env: { DEADLINE_MARGIN_MS: '3000' },
    });
    const slowStack = new Stack(slowDriver, stack.resource);

    // Act
    const slow = await slowStack.create(properties);
    await control().config({ latencyMs: 0 });
    const retry = await slowStack.create(properties);
    await slowDriver.close();

    // Assess
    expect(slow.violations).toEqual([]);
    expect(slow.status).toBe('FAILED');
    expect(slow.exit.outcome).toBe('returned');
    expect(slow.reason).toMatch(/re-running|resume/i);
    expect(retry.status).toBe('SUCCESS');
    expect(retry.violations).toEqual([]);
  });
});
