import { type ExecuteDeps, execute } from '../../lib/executor/index.ts';
import type { Action, Plan } from '../../lib/types.ts';
import { FakeKms, kmsErrors } from '../support/fakeKmsApi.ts';
import { VirtualClock } from '../support/virtualClock.ts';

const GRANTEE = 'arn:aws:iam::444455556666:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling';

function setup() {
  const clock = new VirtualClock(1_000_000);
  const kms = new FakeKms({ now: clock.now });
  const deps: ExecuteDeps = { kms: kms.factory, clock, random: () => 0.5 };
  return { kms, deps };
}

function createGrant(keyId: string): Action {
  return {
    id: 'CreateGrant:us-east-1:cmk:asg',
    kind: 'CreateGrant',
    region: 'us-east-1',
    keyName: 'cmk',
    dependsOn: [],
    key: { keyId },
    grantName: 'asg',
    kmsName: 'MultiRegionKmsKeys:mrkk-00000000000000000000000000000000:asg:0123456789abcdef',
    granteePrincipal: GRANTEE,
    operations: ['Decrypt'],
    retiringPrincipal: null,
    constraints: null,
  };
}

const plan = (...actions: Action[]): Plan => ({ actions, refusals: [], bindings: {} });

describe('Function: execute (grants)', () => {
  it('repeats a CreateGrant whose answer was lost and gets the same grant, not a second one', async () => {
    // Prepare
    const { kms, deps } = setup();
    const key = kms.seedKey('us-east-1');
    kms.fail('createGrant', kmsErrors.network, { applied: true });

    // Act
    const result = await execute(plan(createGrant(key.keyId)), deps);

    // Assess
    expect(result.outcomes).toMatchObject([{ status: 'done', grantId: key.grants![0]!.grantId }]);
    expect(key.grants).toHaveLength(1);
    expect(kms.callsOf('createGrant')).toHaveLength(2);
  });

  function revokeOf(keyId: string, grantId: string): Action {
    return { id: 'r', kind: 'RevokeGrant', region: 'us-east-1', keyName: 'cmk', dependsOn: [], key: { keyId }, grantId, grantName: 'asg' };
  }

  it('looks again and revokes a listed grant whose RevokeGrant answers NotFound while KMS catches up', async () => {
    // Prepare
    const { kms, deps } = setup();
    const key = kms.seedKey('us-east-1');
    key.grants = [{ grantId: 'g-fresh', name: 'n', parameters: '{}' }];
    kms.fail('revokeGrant', () => kmsErrors.notFound('Grant g-fresh'), { times: 40 });

    // Act
    const result = await execute(plan(revokeOf(key.keyId, 'g-fresh')), deps);

    // Assess
    expect(result.outcomes).toMatchObject([{ status: 'done' }]);
    expect(key.grants).toEqual([]);
    expect(kms.callsOf('revokeGrant').length).toBeGreaterThan(40);
    expect(kms.callsOf('listGrants').length).toBeGreaterThan(0);
  });

  it('fails naming key, Region and grant when RevokeGrant keeps answering AccessDenied, never reporting it revoked', async () => {
    // Prepare
    const { kms, deps } = setup();
    const key = kms.seedKey('us-east-1');
    key.grants = [{ grantId: 'g-denied', name: 'n', parameters: '{}' }];
    kms.fail('revokeGrant', kmsErrors.accessDenied, { times: 100_000 });

    // Act
    const result = await execute(plan(revokeOf(key.keyId, 'g-denied')), deps);

    // Assess
    expect(result.outcomes).toMatchObject([{ status: 'failed' }]);
    const failure = JSON.stringify(result.outcomes[0]);
    expect(failure).toContain(`grant asg (g-denied) of key ${key.keyId} in us-east-1`);
    expect(failure).toContain('it was not revoked');
    expect(key.grants).toHaveLength(1);
  });

  it('counts a RevokeGrant of a grant already gone as done', async () => {
    // Prepare
    const { kms, deps } = setup();
    const key = kms.seedKey('us-east-1');
    const revoke: Action = {
      id: 'r',
      kind: 'RevokeGrant',
      region: 'us-east-1',
      keyName: 'cmk',
      dependsOn: [],
      key: { keyId: key.keyId },
      grantId: 'g-gone',
      grantName: 'asg',
    };

    // Act
    const result = await execute(plan(revoke), deps);

    // Assess
    expect(result.outcomes).toMatchObject([{ status: 'done' }]);
  });
});
