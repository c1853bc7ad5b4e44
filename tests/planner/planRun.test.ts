/**
 * What the planner's tests apply plans with (tests/support/planRun.ts): the product's reader and
 * executor against `FakeKms` on virtual time, and the KMS rules `FakeKms` answers with.
 */
import { KmsError } from '../../lib/errors.ts';
import { plan } from '../../lib/planner/index.ts';
import { executePlan, planRun, readPlanInput, resolvedBindings } from '../support/planRun.ts';
import { desiredKey, desiredState } from './fixtures.ts';

/** KMS's error code of a rejected call, or `done`. */
async function codeOf(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return 'done';
  } catch (error) {
    return error instanceof KmsError ? error.code : String(error);
  }
}

describe('Function: executePlan (planner tests through the reader and the executor)', () => {
  it('runs a plan in dependency order, calls finishing out of order, and binds the keys it made', async () => {
    // Prepare
    const run = planRun([3, 0, 1]);
    const desired = desiredState([desiredKey('cmk-mr', { replicaRegions: ['eu-west-1'] })]);
    const read = await readPlanInput(run, desired);

    // Act
    const result = plan(read.desired, read.actual);
    const executed = await executePlan(run, result);
    const again = await readPlanInput(run, desired);

    // Assess
    const { keyId } = resolvedBindings(result.bindings, executed)['cmk-mr'] as { keyId: string };
    expect(keyId).toMatch(/^mrk-/);
    expect(again.actual.keys.map((k) => [k.region, k.keyId, k.role, k.state, k.rotation])).toEqual([
      ['eu-west-1', keyId, 'REPLICA', 'Enabled', { enabled: true, periodInDays: 365 }],
      ['us-east-1', keyId, 'PRIMARY', 'Enabled', { enabled: true, periodInDays: 365 }],
    ]);
    expect(again.actual.aliases).toEqual([
      { region: 'eu-west-1', aliasName: 'alias/cmk-mr', targetKeyId: keyId },
      { region: 'us-east-1', aliasName: 'alias/cmk-mr', targetKeyId: keyId },
    ]);
    expect(plan(again.desired, again.actual).actions).toEqual([]);
  });

  it('rejects naming each action that did not finish, with the error KMS answered', async () => {
    // Prepare
    const run = planRun();
    const broken = {
      actions: [{ kind: 'EnableKey' as const, id: 'EnableKey:us-east-1:k', region: 'us-east-1', keyName: 'k', dependsOn: [], key: { keyId: 'nope' } }],
      refusals: [],
      bindings: {},
    };

    // Act / Assess
    await expect(executePlan(run, broken)).rejects.toThrow('EnableKey:us-east-1:k failed: NotFoundException');
  });
});

describe('Class: FakeKms (KMS rules the planner tests meet)', () => {
  it('answers with KMS error codes where KMS refuses a call', async () => {
    // Prepare
    const { kms } = planRun();
    const east = kms.factory('us-east-1');
    const key = kms.seedKey('us-east-1', { state: 'Disabled' });
    const hmac = kms.seedKey('us-east-1', { spec: 'HMAC_256', keyUsage: 'GENERATE_VERIFY_MAC' });
    const pending = kms.seedKey('us-east-1', { state: 'PendingDeletion' });
    kms.seedAlias('us-east-1', 'alias/taken', key.keyId);

    // Act
    const codes = {
      aliasTaken: await codeOf(() => east.createAlias('alias/taken', key.keyId)),
      aliasAcrossKeyTypes: await codeOf(() => east.updateAlias('alias/taken', hmac.keyId)),
      rotationWhileDisabled: await codeOf(() => east.enableKeyRotation(key.keyId, 365)),
      rotationOfHmac: await codeOf(() => east.disableKeyRotation(hmac.keyId)),
      tagWhilePending: await codeOf(() => east.tagResource(pending.keyId, { a: 'b' })),
      shortWindow: await codeOf(() => east.scheduleKeyDeletion(hmac.keyId, 6)),
      missing: await codeOf(() => east.enableKey('nope')),
    };

    // Assess
    expect(codes).toEqual({
      aliasTaken: 'AlreadyExistsException',
      aliasAcrossKeyTypes: 'ValidationException',
      rotationWhileDisabled: 'DisabledException',
      rotationOfHmac: 'UnsupportedOperationException',
      tagWhilePending: 'KMSInvalidStateException',
      shortWindow: 'ValidationException',
      missing: 'NotFoundException',
    });
  });

  it('keeps rotation on the primary of a multi-Region key and reports it on every replica', async () => {
    // Prepare
    const { kms } = planRun();
    const primary = kms.seedKey('us-east-1', { multiRegion: true });
    kms.seedKey('eu-west-1', { keyId: primary.keyId, multiRegion: true, role: 'REPLICA', primaryRegion: 'us-east-1' });

    // Act
    await kms.factory('us-east-1').enableKeyRotation(primary.keyId, 180);
    const reported = await kms.factory('eu-west-1').getKeyRotationStatus(primary.keyId);
    const onReplica = await codeOf(() => kms.factory('eu-west-1').disableKeyRotation(primary.keyId));

    // Assess
    expect(reported).toEqual({ enabled: true, periodInDays: 180 });
    expect(onReplica).toBe('UnsupportedOperationException');
  });
});
