/**
 * End to end: template.yaml's `CreateReplicaKeys` statement allows the replica-side kms:CreateKey
 * of ReplicateKey only with `kms:MultiRegionKeyType = REPLICA`, a context key AWS does not document
 * for that check. Should it not hold, every ReplicateKey is denied: the FAILED reason names the
 * parameter `RelaxReplicaKeyTypeCondition`, and the function deployed with it replicates.
 */
import { existsSync } from 'node:fs';
import { createDriver, DEFAULT_BUNDLE_PATH, DEFAULT_IDENTITY, type Driver, functionArnOf, Stack, stackIdOf } from '../../local/driver/index.ts';
import { emulatorControl } from '../../local/emulator/client.ts';
import { startEmulator } from '../../local/emulator/index.ts';
import { E2E_REQUEST_GAP_MS, iamRealism } from './fieldRealism.ts';

const ACCOUNT_ID = DEFAULT_IDENTITY.accountId;

/** template.yaml's identity policy, with CreateReplicaKeys' condition value one AWS never sends: the condition does not hold. */
function policyWhereTheConditionFails(parameters: Record<string, string>): Record<string, unknown> {
  const policy = structuredClone(iamRealism(parameters).identityPolicy) as { Statement: { Sid?: string; Condition?: unknown }[] };
  for (const statement of policy.Statement) {
    if (statement.Sid === 'CreateReplicaKeys' && statement.Condition !== undefined) {
      statement.Condition = { StringEquals: { 'kms:MultiRegionKeyType': 'NOT-SET-ON-THIS-CHECK' } };
    }
  }
  return policy as unknown as Record<string, unknown>;
}

describe('End to end: the CreateReplicaKeys condition and RelaxReplicaKeyTypeCondition', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let driver: Driver;
  let stackCount = 0;
  const newStack = () =>
    new Stack(driver, {
      stackId: stackIdOf({ ...DEFAULT_IDENTITY, stackName: `replica-condition-${++stackCount}` }),
      logicalResourceId: 'Keys',
      resourceType: 'Custom::MultiRegionKmsKeys',
      serviceToken: functionArnOf(DEFAULT_IDENTITY, 'multi-region-kms-keys'),
    });
  const properties = (name: string) => ({ AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: { [name]: { Region: 'us-east-1', ReplicaRegions: ['eu-west-1'] } } });

  beforeAll(async () => {
    if (!existsSync(DEFAULT_BUNDLE_PATH)) throw new Error(`${DEFAULT_BUNDLE_PATH} is missing: run npm run build (npm test does)`);
    emulator = await startEmulator({ port: 0, replicaCreatingMs: 200, ...iamRealism(), identityPolicy: policyWhereTheConditionFails({}) });
    driver = await createDriver({ endpointUrl: emulator.url, requestGapMs: E2E_REQUEST_GAP_MS });
  });
  afterAll(async () => {
    await driver?.close();
    await emulator?.close();
  });

  it('names the parameter when ReplicateKey is denied kms:CreateKey, and replicates once the function is deployed with it', async () => {
    // Act: the template as it ships, then deployed with RelaxReplicaKeyTypeCondition=true
    const denied = await newStack().create(properties('cmk-strict'));
    await emulatorControl(emulator.url).config({ identityPolicy: policyWhereTheConditionFails({ RelaxReplicaKeyTypeCondition: 'true' }) });
    const relaxed = await newStack().create(properties('cmk-relaxed'));

    // Assess
    expect(denied.status).toBe('FAILED');
    expect(denied.reason).toMatch(/kms:CreateKey/);
    expect(denied.reason).toMatch(/RelaxReplicaKeyTypeCondition=true/);
    expect(relaxed.reason ?? '').toBe('');
    expect(relaxed.status).toBe('SUCCESS');
    expect(relaxed.data?.['ReplicaKeyIds.eu-west-1.cmk-relaxed']).toBe(relaxed.data?.['KeyIds.us-east-1.cmk-relaxed']);
  });
});
