import { type ExecuteDeps, execute } from '../../lib/executor/index.ts';
import { createLogger } from '../../lib/logger.ts';
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

  const PARAMETERS = { granteePrincipal: GRANTEE, operations: ['Decrypt'], retiringPrincipal: null, constraints: null };
  const KMS_NAME = 'MultiRegionKmsKeys:mrkk-00000000000000000000000000000000:asg:0123456789abcdef';

  /** A RevokeGrant: of a listed grant (`grantId`), or of one the previous properties named and ListGrants does not list (null). */
  function revokeOf(keyId: string, grantId: string | null, withParameters = true): Action {
    return {
      id: 'r',
      kind: 'RevokeGrant',
      region: 'us-east-1',
      keyName: 'cmk',
      dependsOn: [],
      key: { keyId },
      grantId,
      grantName: 'asg',
      kmsName: KMS_NAME,
      parameters: withParameters ? { ...PARAMETERS, operations: [...PARAMETERS.operations] } : null,
    };
  }

  /** The grant CreateGrant made for revokeOf's parameters (the FakeKms compares parameters as JSON). */
  const grantOfParameters = (grantId: string) => ({ grantId, name: KMS_NAME, parameters: JSON.stringify(PARAMETERS) });

  it('revokes a grant not listed yet by making it again by name: KMS answers its GrantId, which is revoked', async () => {
    // Prepare: the grant exists (made moments ago), but the plan came from a listing that did not show it
    const { kms, deps } = setup();
    const key = kms.seedKey('us-east-1');
    key.grants = [grantOfParameters('g-lagging')];

    // Act
    const result = await execute(plan(revokeOf(key.keyId, null)), deps);

    // Assess: CreateGrant answered the existing grant, no second one was made, and that one was revoked
    expect(result.outcomes).toMatchObject([{ status: 'done' }]);
    expect(key.grants).toEqual([]);
    expect(kms.callsOf('createGrant')).toHaveLength(1);
    expect(kms.callsOf('revokeGrant').map((c) => c.args[1])).toEqual(['g-lagging']);
  });

  it('makes and revokes a grant the previous properties named that was never made (a rollback), leaving none', async () => {
    // Prepare
    const { kms, deps } = setup();
    const key = kms.seedKey('us-east-1');

    // Act
    const result = await execute(plan(revokeOf(key.keyId, null)), deps);

    // Assess
    expect(result.outcomes).toMatchObject([{ status: 'done' }]);
    expect(key.grants).toEqual([]);
    expect(kms.callsOf('createGrant')).toHaveLength(1);
    expect(kms.callsOf('revokeGrant')).toHaveLength(1);
  });

  it('looks again and revokes a grant whose RevokeGrant answers NotFound while KMS catches up', async () => {
    // Prepare
    const { kms, deps } = setup();
    const key = kms.seedKey('us-east-1');
    key.grants = [grantOfParameters('g-fresh')];
    kms.fail('revokeGrant', () => kmsErrors.notFound('Grant g-fresh'), { times: 5 });

    // Act
    const result = await execute(plan(revokeOf(key.keyId, 'g-fresh')), deps);

    // Assess: each NotFound made it again by name (the same GrantId) and tried again
    expect(result.outcomes).toMatchObject([{ status: 'done' }]);
    expect(key.grants).toEqual([]);
    expect(kms.callsOf('revokeGrant')).toHaveLength(6);
    expect(new Set(kms.callsOf('revokeGrant').map((c) => c.args[1]))).toEqual(new Set(['g-fresh']));
  });

  it('revokes a listed grant whose RevokeGrant answers NotFound because an earlier attempt revoked it: made again, revoked again', async () => {
    // Prepare: listed when read, then revoked by an attempt whose answer was lost
    const { kms, deps } = setup();
    const key = kms.seedKey('us-east-1');
    key.grants = [grantOfParameters('g-listed')];
    kms.fail('revokeGrant', kmsErrors.network, { applied: true });

    // Act
    const result = await execute(plan(revokeOf(key.keyId, 'g-listed')), deps);

    // Assess: reported only after a RevokeGrant succeeded; nothing of that name is left
    expect(result.outcomes).toMatchObject([{ status: 'done' }]);
    expect(key.grants).toEqual([]);
    expect(kms.callsOf('createGrant')).toHaveLength(1);
  });

  it('fails naming key, Region and grant when RevokeGrant answers NotFound until the deadline; a second request finishes it', async () => {
    // Prepare
    const { kms, deps } = setup();
    const key = kms.seedKey('us-east-1');
    kms.fail('revokeGrant', () => kmsErrors.notFound('Grant'), { times: 100_000 });
    const deadline = (deps.clock as VirtualClock).now() + 60_000;

    // Act
    const first = await execute(plan(revokeOf(key.keyId, null)), { ...deps, deadline });
    kms.clearFaults();
    const second = await execute(plan(revokeOf(key.keyId, null)), deps);

    // Assess: never reported revoked; retryable; the grant made to learn its id is revoked by the second request
    expect(first.outcomes).toMatchObject([{ status: 'failed', retryable: true }]);
    const failure = first.outcomes[0]!.error!;
    expect(failure).toContain(`grant asg (not listed yet) of key ${key.keyId} in us-east-1 was not revoked: RevokeGrant answers NotFoundException`);
    expect(failure).toContain('a retry of the stack operation, or a later Update, finishes it');
    expect(key.grants ?? []).toEqual([]);
    expect(second.outcomes).toMatchObject([{ status: 'done' }]);
  });

  it('fails naming key, Region and grant when RevokeGrant keeps answering AccessDenied, never reporting it revoked', async () => {
    // Prepare
    const { kms, deps } = setup();
    const key = kms.seedKey('us-east-1');
    key.grants = [grantOfParameters('g-denied')];
    kms.fail('revokeGrant', kmsErrors.accessDenied, { times: 100_000 });

    // Act
    const result = await execute(plan(revokeOf(key.keyId, 'g-denied')), deps);

    // Assess
    expect(result.outcomes).toMatchObject([{ status: 'failed' }]);
    expect(result.outcomes[0]!.error).toContain(
      `grant asg (g-denied) of key ${key.keyId} in us-east-1 was not revoked: RevokeGrant answers AccessDeniedException`,
    );
    expect(key.grants).toHaveLength(1);
  });

  it('revokes by id a grant not listed when read on a Disabled key, once ListGrants shows it (CreateGrant refused)', async () => {
    // Prepare: KMS refuses CreateGrant on a Disabled key; RevokeGrant works in every state
    const { kms, deps } = setup();
    const key = kms.seedKey('us-east-1', { state: 'Disabled' });
    key.grants = [grantOfParameters('g-on-disabled')];

    // Act
    const result = await execute(plan(revokeOf(key.keyId, null)), deps);

    // Assess
    expect(result.outcomes).toMatchObject([{ status: 'done' }]);
    expect(key.grants).toEqual([]);
    expect(kms.callsOf('revokeGrant').map((c) => c.args[1])).toEqual(['g-on-disabled']);
  });

  it('leaves, with a warning and not as revoked, a grant not found on a key that is Disabled (CreateGrant refused)', async () => {
    // Prepare: the rollback of an update refused before making the grant on a Disabled key
    const { kms, deps } = setup();
    const key = kms.seedKey('us-east-1', { state: 'Disabled' });
    const lines: Record<string, unknown>[] = [];
    const log = createLogger({ level: 'debug', write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });

    // Act
    const result = await execute(plan(revokeOf(key.keyId, null)), { ...deps, log });

    // Assess: looked for through the window, then left with a warning naming key, Region and grant
    expect(result.outcomes).toMatchObject([{ status: 'done' }]);
    expect(kms.callsOf('revokeGrant')).toHaveLength(0);
    expect(kms.callsOf('listGrants').length).toBeGreaterThan(1);
    const warning = lines.find((line) => String(line.message).includes('not revoked'));
    expect(warning).toMatchObject({ region: 'us-east-1', keyId: key.keyId, grant: `asg (${KMS_NAME})` });
  });

  it('counts a RevokeGrant of a listed grant no properties describe, no longer listed, as done', async () => {
    // Prepare
    const { kms, deps } = setup();
    const key = kms.seedKey('us-east-1');

    // Act
    const result = await execute(plan(revokeOf(key.keyId, 'g-gone', false)), deps);

    // Assess
    expect(result.outcomes).toMatchObject([{ status: 'done' }]);
    expect(kms.callsOf('createGrant')).toHaveLength(0);
  });
});
