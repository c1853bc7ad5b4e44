import { KmsError } from '../../lib/errors.ts';
import { plan } from '../../lib/planner/index.ts';
import { executePlan, MemoryKms } from '../support/memoryKms.ts';
import { desiredKey, desiredState } from './fixtures.ts';

describe('Class: MemoryKms', () => {
  it('runs a plan in dependency order and resolves created key ids for replicas and aliases', () => {
    // Prepare
    const kms = new MemoryKms();
    const result = plan(desiredState([desiredKey('cmk-mr', { replicaRegions: ['eu-west-1'] })]), kms.state());

    // Act
    executePlan(kms, result, (n) => n - 1);

    // Assess
    const keyId = kms.resolve(result.bindings['cmk-mr']!);
    expect(keyId).toMatch(/^mrk-/);
    expect(kms.state().keys.map((k) => [k.region, k.keyId, k.role, k.rotation])).toEqual([
      ['eu-west-1', keyId, 'REPLICA', { enabled: true, periodInDays: 365 }],
      ['us-east-1', keyId, 'PRIMARY', { enabled: true, periodInDays: 365 }],
    ]);
    expect(kms.state().aliases).toEqual([
      { region: 'eu-west-1', aliasName: 'alias/cmk-mr', targetKeyId: keyId },
      { region: 'us-east-1', aliasName: 'alias/cmk-mr', targetKeyId: keyId },
    ]);
  });

  it('answers with KMS error codes where KMS refuses a call', () => {
    // Prepare
    const kms = new MemoryKms();
    const key = kms.seedKey({ region: 'us-east-1', aliasName: 'alias/taken' });
    const base = { region: 'us-east-1', keyName: 'k', dependsOn: [], key: { keyId: key.keyId } };
    const codeOf = (fn: () => void): string | undefined => {
      try {
        fn();
        return undefined;
      } catch (error) {
        return error instanceof KmsError ? error.code : String(error);
      }
    };

    // Act
    const taken = codeOf(() => kms.apply({ ...base, kind: 'CreateAlias', id: 'a', aliasName: 'alias/taken' }));
    kms.apply({ ...base, kind: 'DisableKey', id: 'b' });
    const rotationWhileDisabled = codeOf(() => kms.apply({ ...base, kind: 'EnableKeyRotation', id: 'c', rotationPeriodInDays: 365 }));
    kms.apply({ ...base, kind: 'ScheduleKeyDeletion', id: 'd', pendingWindowInDays: 7 });
    const tagWhilePending = codeOf(() => kms.apply({ ...base, kind: 'TagResource', id: 'e', tags: { a: 'b' } }));
    const missing = codeOf(() => kms.apply({ ...base, kind: 'EnableKey', id: 'f', key: { keyId: 'nope' } }));

    // Assess
    expect([taken, rotationWhileDisabled, tagWhilePending, missing]).toEqual([
      'AlreadyExistsException',
      'DisabledException',
      'KMSInvalidStateException',
      'NotFoundException',
    ]);
  });

  it('refuses a plan whose dependencies are not in it', () => {
    // Prepare
    const kms = new MemoryKms();
    const broken = {
      actions: [{ kind: 'EnableKey' as const, id: 'x', region: 'us-east-1', keyName: 'k', dependsOn: ['missing'], key: { keyId: 'k' } }],
      refusals: [],
      bindings: {},
    };

    // Act / Assess
    expect(() => executePlan(kms, broken)).toThrow('x depends on missing, which is not in the plan');
  });
});
