/**
 * End to end for `Grants` (docs/behaviour.md §12): the built bundle through the CloudFormation driver
 * against the KMS emulator. Create makes each grant in every Region of the key; Update adds, changes
 * (new grant first, then the old one revoked) and removes grants; a duplicated delivery makes no
 * second grant; Delete takes the grants with the keys; snake_case input works the same.
 */
import { DEFAULT_IDENTITY, type ScenarioResult, scenarios } from '../../local/driver/index.ts';
import type { SnapshotKey } from '../../local/emulator/client.ts';
import { useDriverEnvironment } from '../support/driverEnvironment.ts';

const ACCOUNT_ID = DEFAULT_IDENTITY.accountId;
/** Another account's Auto Scaling service-linked role: the AMI/EBS-sharing grantee. */
const ASG_ROLE = 'arn:aws:iam::444455556666:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling';
const APP_ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/app`;
const EBS_OPERATIONS = ['Decrypt', 'DescribeKey', 'Encrypt', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo', 'CreateGrant'];

function properties(grants: Record<string, unknown>): Record<string, unknown> {
  return {
    AwsAccountId: ACCOUNT_ID,
    CustomerMasterKeys: { 'cmk-ami': { Region: 'us-east-1', ReplicaRegions: ['eu-west-1'], Grants: grants } },
  };
}

describe('End to end: grants through the bundle, the driver and the emulator', () => {
  const env = useDriverEnvironment({ stackPrefix: 'grants', emulator: { replicaCreatingMs: 200 } });
  const { control, newStack } = env;
  const expectOk = (result: ScenarioResult) => {
    expect(result.problems).toEqual([]);
    for (const step of result.steps) {
      expect(step.violations).toEqual([]);
      expect(step.putCount).toBe(1);
    }
  };
  const ourKeys = async (owner: string): Promise<SnapshotKey[]> =>
    (await control().state()).keys.filter((k) => k.tags['MultiRegionKmsKeys:Owner'] === owner).sort((a, b) => (a.region < b.region ? -1 : 1));
  /** Region → sorted `granteePrincipal operations` of the grants on our key there. */
  const grantsByRegion = async (owner: string) =>
    Object.fromEntries(
      (await ourKeys(owner)).map((k) => [k.region, (k.grants ?? []).map((g) => `${g.granteePrincipal} ${[...g.operations].sort().join(',')}`).sort()]),
    );

  it('creates a grant in every Region of the key, updates (add, change, remove) and deletes', async () => {
    // Prepare
    const stack = newStack();
    const ami = { GranteePrincipal: ASG_ROLE, GrantedOperations: EBS_OPERATIONS };

    // Act
    const created = await scenarios.create(stack, properties({ 'asg-ami': ami }));
    const owner = created.steps[0]!.physicalResourceId!;
    const afterCreate = await grantsByRegion(owner);
    const firstId = created.steps[0]!.data?.['GrantIds.eu-west-1.cmk-ami.asg-ami'];
    const added = await scenarios.update(
      stack,
      properties({ 'asg-ami': ami, app: { GranteePrincipal: APP_ROLE, GrantedOperations: ['Decrypt'], Regions: ['us-east-1'] } }),
    );
    const afterAdd = await grantsByRegion(owner);
    const changed = await scenarios.update(
      stack,
      properties({ 'asg-ami': ami, app: { GranteePrincipal: APP_ROLE, GrantedOperations: ['Decrypt', 'Encrypt'], Regions: ['us-east-1'] } }),
    );
    const afterChange = await grantsByRegion(owner);
    const removed = await scenarios.update(
      stack,
      properties({ app: { GranteePrincipal: APP_ROLE, GrantedOperations: ['Decrypt', 'Encrypt'], Regions: ['us-east-1'] } }),
    );
    const afterRemove = await grantsByRegion(owner);
    const deleted = await scenarios.remove(stack);

    // Assess
    for (const result of [created, added, changed, removed, deleted]) expectOk(result);
    const ebs = `${ASG_ROLE} ${[...EBS_OPERATIONS].sort().join(',')}`;
    expect(afterCreate).toEqual({ 'eu-west-1': [ebs], 'us-east-1': [ebs] });
    expect(firstId).toMatch(/^[0-9a-f]{64}$/);
    expect(created.steps[0]!.data?.['GrantIds.us-east-1.cmk-ami.asg-ami']).toMatch(/^[0-9a-f]{64}$/);
    expect(added.steps[0]!.data?.['GrantIds.eu-west-1.cmk-ami.asg-ami']).toBe(firstId);
    expect(afterAdd).toEqual({ 'eu-west-1': [ebs], 'us-east-1': [`${APP_ROLE} Decrypt`, ebs].sort() });
    expect(afterChange).toEqual({ 'eu-west-1': [ebs], 'us-east-1': [`${APP_ROLE} Decrypt,Encrypt`, ebs].sort() });
    expect(changed.steps[0]!.data?.['GrantIds.us-east-1.cmk-ami.app']).not.toBe(added.steps[0]!.data?.['GrantIds.us-east-1.cmk-ami.app']);
    expect(afterRemove).toEqual({ 'eu-west-1': [], 'us-east-1': [`${APP_ROLE} Decrypt,Encrypt`] });
    expect(removed.steps[0]!.data?.['GrantIds.eu-west-1.cmk-ami.asg-ami']).toBeUndefined();
    expect((await ourKeys(owner)).map((k) => k.keyState).sort()).toEqual(['PendingDeletion', 'PendingReplicaDeletion']);
  });

  it('makes no second grant when a Create is delivered twice, and answers the same GrantIds', async () => {
    // Prepare
    const stack = newStack();
    const props = properties({ 'asg-ami': { GranteePrincipal: ASG_ROLE, GrantedOperations: EBS_OPERATIONS } });

    // Act
    const result = await scenarios.duplicateDelivery(stack, 'Create', props);

    // Assess
    expectOk(result);
    const owner = result.steps[0]!.physicalResourceId!;
    for (const key of await ourKeys(owner)) expect(key.grants).toHaveLength(1);
    expect(result.steps[1]!.data?.['GrantIds.us-east-1.cmk-ami.asg-ami']).toBe(result.steps[0]!.data?.['GrantIds.us-east-1.cmk-ami.asg-ami']);
  });

  it('accepts the Terraform spellings and leaves grants it did not make alone', async () => {
    // Prepare
    const stack = newStack();
    const snake = {
      aws_account_id: ACCOUNT_ID,
      customer_master_keys: {
        'cmk-tf': {
          region: 'us-east-1',
          grants: { app: { grantee_principal: APP_ROLE, granted_operations: ['kms:Decrypt'], constraints: { encryption_context_subset: { team: 'a' } } } },
        },
      },
    };

    // Act
    const created = await scenarios.create(stack, snake);
    const owner = created.steps[0]!.physicalResourceId!;
    const again = await scenarios.update(stack, snake);

    // Assess
    expectOk(created);
    expectOk(again);
    const [key] = await ourKeys(owner);
    expect(key!.grants!.map((g) => `${g.granteePrincipal} ${g.operations.join(',')}`)).toEqual([`${APP_ROLE} Decrypt`]);
    expect(key!.grants![0]!.name).toMatch(new RegExp(`^MultiRegionKmsKeys:${owner}:app:[0-9a-f]{16}$`));
    expect(again.steps[0]!.data?.['GrantIds.us-east-1.cmk-tf.app']).toBe(created.steps[0]!.data?.['GrantIds.us-east-1.cmk-tf.app']);
  });

  it('refuses an operation the key usage cannot do, naming the path, before any KMS call', async () => {
    // Prepare
    const stack = newStack();
    await control().resetCounts();

    // Act
    const result = await scenarios.failedCreateThenDelete(stack, properties({ bad: { GranteePrincipal: APP_ROLE, GrantedOperations: ['Sign'] } }));

    // Assess
    expectOk(result);
    expect(result.steps[0]!.reason).toContain('CustomerMasterKeys.cmk-ami.Grants.bad.GrantedOperations[0]: Sign is not allowed');
    expect((await control().counts()).mutations).toBe(0);
  });
});
