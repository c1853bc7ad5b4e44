/**
 * End to end: template.yaml's `CreateReplicaKeys` statement allows the replica-side kms:CreateKey
 * of ReplicateKey only with `kms:MultiRegionKeyType = REPLICA`, a context key AWS does not document
 * for that check. Should it not hold, every ReplicateKey is denied: the FAILED reason names the
 * parameter `RelaxReplicaKeyTypeCondition`, and the function deployed with it replicates.
 */
import { DEFAULT_IDENTITY } from '../../local/driver/index.ts';
import { emulatorControl } from '../../local/emulator/client.ts';
import { useDriverEnvironment } from '../support/driverEnvironment.ts';
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
  const env = useDriverEnvironment({
    stackPrefix: 'replica-condition',
    emulator: { replicaCreatingMs: 200, ...iamRealism(), identityPolicy: policyWhereTheConditionFails({}) },
    // A denial no SCP made is retried for IAM_PROPAGATION_MS (60 s by default): 2 s keeps the test quick.
    driver: { requestGapMs: E2E_REQUEST_GAP_MS, env: { IAM_PROPAGATION_MS: '2000' } },
  });
  const { newStack } = env;
  const properties = (name: string) => ({ AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: { [name]: { Region: 'us-east-1', ReplicaRegions: ['eu-west-1'] } } });

  it('names the parameter when ReplicateKey is denied kms:CreateKey, and replicates once the function is deployed with it', async () => {
    // Act: the template as it ships, then deployed with RelaxReplicaKeyTypeCondition=true
    const denied = await newStack().create(properties('cmk-strict'));
    await emulatorControl(env.emulator.url).config({ identityPolicy: policyWhereTheConditionFails({ RelaxReplicaKeyTypeCondition: 'true' }) });
    const relaxed = await newStack().create(properties('cmk-relaxed'));

    // Assess
    expect(denied.status).toBe('FAILED');
    expect(denied.reason).toMatch(/kms:CreateKey/);
    expect(denied.reason).toMatch(/still after \d+ s of retries \(IAM changes take a while to propagate\)/);
    expect(denied.reason).toMatch(/RelaxReplicaKeyTypeCondition=true/);
    expect(relaxed.reason ?? '').toBe('');
    expect(relaxed.status).toBe('SUCCESS');
    expect(relaxed.data?.['ReplicaKeyIds.eu-west-1.cmk-relaxed']).toBe(relaxed.data?.['KeyIds.us-east-1.cmk-relaxed']);
  });
});
