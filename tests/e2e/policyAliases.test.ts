/**
 * End to end: a key with the user's own statements (an organization-wide Deny of decryption and
 * CloudTrail's statements) and two extra aliases, through the built bundle, the CloudFormation driver
 * and the emulator: Create, Update (an alias renamed, a statement changed), rollback, Delete; and a
 * statement that would lock the function out, refused with its reason before any KMS call.
 */
import { DEFAULT_IDENTITY, type ScenarioResult, type Stack, scenarios } from '../../local/driver/index.ts';
import type { Snapshot } from '../../local/emulator/client.ts';
import { useDriverEnvironment } from '../support/driverEnvironment.ts';
import { CLOUDTRAIL_DESCRIBE, CLOUDTRAIL_ENCRYPT, ORG_DENY } from '../support/userStatements.ts';

const ACCOUNT_ID = DEFAULT_IDENTITY.accountId;
const ADMIN = `arn:aws:iam::${ACCOUNT_ID}:user/admin`;
const REGIONS = ['us-east-1', 'eu-west-1'];

/** Version 1: the key `trail` with two extra aliases; the org-wide Deny for every key. */
const v1 = {
  AwsAccountId: ACCOUNT_ID,
  DefaultPolicyStatements: [ORG_DENY],
  CustomerMasterKeys: {
    trail: {
      Region: 'us-east-1',
      ReplicaRegions: ['eu-west-1'],
      CmkAdministratorIamArns: [ADMIN],
      Aliases: ['trail-v1', 'audit'],
      PolicyStatements: [CLOUDTRAIL_ENCRYPT, CLOUDTRAIL_DESCRIBE],
    },
  },
};

/** Version 2: `trail-v1` renamed to `trail-v2`, CloudTrail's statement for another trail. */
const OTHER_TRAIL = `arn:aws:cloudtrail:us-east-1:${ACCOUNT_ID}:trail/security-trail`;
const v2 = {
  ...v1,
  CustomerMasterKeys: {
    trail: {
      ...v1.CustomerMasterKeys.trail,
      Aliases: ['trail-v2', 'audit'],
      PolicyStatements: [
        { ...CLOUDTRAIL_ENCRYPT, Condition: { ...CLOUDTRAIL_ENCRYPT.Condition, StringEquals: { 'aws:SourceArn': OTHER_TRAIL } } },
        CLOUDTRAIL_DESCRIBE,
      ],
    },
  },
};

describe('End to end: PolicyStatements and Aliases through the bundle', () => {
  const env = useDriverEnvironment({ stackPrefix: 'e2e-policy', emulator: { principals: [ADMIN], replicaCreatingMs: 300 } });
  const { control, newStack } = env;

  const expectOk = (result: ScenarioResult) => {
    expect(result.problems).toEqual([]);
    for (const step of result.steps) {
      expect(step.violations).toEqual([]);
      expect(step.putCount).toBe(1);
    }
  };
  /** Per Region, the sorted alias names targeting `keyId`. */
  const aliasesOf = (state: Snapshot, keyId: string) =>
    Object.fromEntries(
      REGIONS.map((region) => [
        region,
        state.aliases
          .filter((a) => a.region === region && a.targetKeyId === keyId)
          .map((a) => a.aliasName)
          .sort(),
      ]),
    );
  /** Per Region, the Sids of the key's policy and the SourceArn of CloudTrail's statement. */
  const policiesOf = (state: Snapshot, keyId: string) =>
    REGIONS.map((region) => {
      const policy = JSON.parse(state.keys.find((k) => k.region === region && k.keyId === keyId)!.policy) as {
        Statement: { Sid: string; Condition?: { StringEquals?: Record<string, string[]> } }[];
      };
      const cloudTrail = policy.Statement.find((s) => s.Sid === CLOUDTRAIL_ENCRYPT.Sid);
      return { region, sids: policy.Statement.map((s) => s.Sid), sourceArn: cloudTrail?.Condition?.StringEquals?.['aws:SourceArn'] };
    });

  it('creates, updates (alias renamed, statement changed), rolls back and deletes a key with its own statements and two extra aliases', async () => {
    // Prepare
    const stack = newStack();

    // Act: Create
    const created = await scenarios.create(stack, v1);
    const keyId = String(created.steps[0]!.data?.['KeyIds.us-east-1.trail']);
    const afterCreate = await control().state();
    // Act: Update to v2, then CloudFormation rolls it back to v1 (another resource failed)
    const rolledBack = await scenarios.updateThenRollback(stack, v2, { rollback: true });
    const afterRollback = await control().state();
    // Act: Update to v2 for good
    const updated = await scenarios.update(stack, v2);
    const afterUpdate = await control().state();
    // Act: Delete
    const deleted = await scenarios.remove(stack);
    const afterDelete = await control().state();

    // Assess: Create
    for (const result of [created, rolledBack, updated, deleted]) expectOk(result);
    expect(created.steps[0]!.data).toMatchObject({
      'KeyAliases.us-east-1.trail': 'alias/trail',
      'ExtraKeyAliases.us-east-1.trail': 'alias/trail-v1,alias/audit',
      'ExtraKeyAliases.eu-west-1.trail': 'alias/trail-v1,alias/audit',
    });
    const v1Aliases = ['alias/audit', 'alias/trail', 'alias/trail-v1'];
    expect(aliasesOf(afterCreate, keyId)).toEqual({ 'us-east-1': v1Aliases, 'eu-west-1': v1Aliases });
    const v1Sids = [
      'FunctionExecutionRoleManagesKey',
      'FunctionRoleSuccessorsManageKey',
      'KeyAdministrators',
      ORG_DENY.Sid,
      CLOUDTRAIL_ENCRYPT.Sid,
      CLOUDTRAIL_DESCRIBE.Sid,
    ];
    const v1Policies = REGIONS.map((region) => ({ region, sids: v1Sids, sourceArn: [CLOUDTRAIL_ENCRYPT.Condition.StringEquals['aws:SourceArn']] }));
    expect(policiesOf(afterCreate, keyId)).toEqual(v1Policies);

    // Assess: the rollback restored v1's aliases and statements on the same key
    expect(rolledBack.steps[0]!.data?.['ExtraKeyAliases.eu-west-1.trail']).toBe('alias/trail-v2,alias/audit');
    expect(rolledBack.steps[1]!.data?.['KeyIds.us-east-1.trail']).toBe(keyId);
    expect(aliasesOf(afterRollback, keyId)).toEqual({ 'us-east-1': v1Aliases, 'eu-west-1': v1Aliases });
    expect(policiesOf(afterRollback, keyId)).toEqual(v1Policies);

    // Assess: the Update renamed the alias and changed the statement in both Regions, same key
    expect(updated.steps[0]!.data?.['KeyIds.eu-west-1.trail']).toBe(keyId);
    const v2Aliases = ['alias/audit', 'alias/trail', 'alias/trail-v2'];
    expect(aliasesOf(afterUpdate, keyId)).toEqual({ 'us-east-1': v2Aliases, 'eu-west-1': v2Aliases });
    expect(policiesOf(afterUpdate, keyId)).toEqual(REGIONS.map((region) => ({ region, sids: v1Sids, sourceArn: [OTHER_TRAIL] })));

    // Assess: Delete removed every alias and scheduled both keys' deletion
    expect(aliasesOf(afterDelete, keyId)).toEqual({ 'us-east-1': [], 'eu-west-1': [] });
    expect(
      afterDelete.keys
        .filter((k) => k.keyId === keyId)
        .map((k) => k.keyState)
        .sort(),
    ).toEqual(['PendingDeletion', 'PendingReplicaDeletion']);
  });

  it('refuses a statement that would lock the function out, on Create and on Update, with nothing changed', async () => {
    // Prepare
    const stack = newStack();
    const lockout = { Sid: 'NoDeletion', Effect: 'Deny', Principal: '*', Action: ['kms:ScheduleKeyDeletion', 'kms:Decrypt'], Resource: '*' };
    const withLockout = { ...v1, CustomerMasterKeys: { trail: { ...v1.CustomerMasterKeys.trail, PolicyStatements: [CLOUDTRAIL_DESCRIBE, lockout] } } };
    await control().resetCounts();

    // Act
    const refusedCreate = await scenarios.failedCreateThenDelete(stack, withLockout);
    const mutationsOnCreate = (await control().counts()).mutations;
    const other = newStack();
    expectOk(await scenarios.create(other, v1));
    const before = await control().state();
    await control().resetCounts();
    const refusedUpdate = await scenarios.update(other, withLockout, 'FAILED');
    const after = await control().state();
    const mutationsOnUpdate = (await control().counts()).mutations;
    const removed = await scenarios.remove(other);

    // Assess
    expectOk(refusedCreate);
    expectOk(refusedUpdate);
    expectOk(removed);
    for (const reason of [refusedCreate.steps[0]!.reason, refusedUpdate.steps[0]!.reason]) {
      expect(reason).toContain('CustomerMasterKeys.trail.PolicyStatements[1].Action: a Deny of kms:ScheduleKeyDeletion');
      expect(reason).toContain("would also deny the function's execution role");
    }
    expect(mutationsOnCreate).toBe(0);
    expect(mutationsOnUpdate).toBe(0);
    expect(after).toEqual(before);
  });

  it('converges after a crash at every mutation of the Update that renames an alias and changes a statement', async () => {
    // Prepare: the clean run says how many mutating calls the Update makes and where it ends
    const clean = newStack();
    expectOk(await scenarios.create(clean, v1));
    await control().resetCounts();
    expectOk(await scenarios.update(clean, v2));
    const mutations = (await control().counts()).mutations;
    const keyOf = (stack: Stack) => String(stack.history[0]!.data?.['KeyIds.us-east-1.trail']);
    const expected = { aliases: aliasesOf(await control().state(), keyOf(clean)), policies: policiesOf(await control().state(), keyOf(clean)) };
    expectOk(await scenarios.remove(clean));

    // Act: for every N, a fresh stack whose Update is killed right after its Nth mutation, then redelivered
    const results: { n: number; problems: string[]; aliases: unknown; policies: unknown }[] = [];
    for (let n = 1; n <= mutations; n++) {
      const stack = newStack();
      expectOk(await scenarios.create(stack, v1));
      const run = await scenarios.crashAndRedeliver(stack, 'Update', v2, scenarios.emulatorCrash(env.emulator.url, n));
      const state = await control().state();
      results.push({ n, problems: run.problems, aliases: aliasesOf(state, keyOf(stack)), policies: policiesOf(state, keyOf(stack)) });
      expectOk(await scenarios.remove(stack));
    }

    // Assess
    expect(mutations).toBeGreaterThanOrEqual(6);
    expect(results).toEqual(Array.from({ length: mutations }, (_, i) => ({ n: i + 1, problems: [], ...expected })));
  });

  it("refuses an extra alias that targets somebody else's key, naming the Region, alias and key", async () => {
    // Prepare
    const foreign = await control().seedKey({ region: 'eu-west-1', aliasName: 'alias/audit' });
    await control().resetCounts();

    // Act
    const result = await scenarios.failedCreateThenDelete(newStack(), v1);

    // Assess
    expectOk(result);
    expect(result.steps[0]!.reason).toContain(`alias/audit in eu-west-1 already targets key ${foreign.keyId}, which this resource does not own`);
    expect((await control().counts()).mutations).toBe(0);
  });
});
