import { desiredGrantsOf } from '../../lib/desired/grants.ts';
import { plan } from '../../lib/planner/index.ts';
import type { ActualGrant, ActualState, DesiredKey, GrantProperties } from '../../lib/types.ts';
import { actualKey, alias, desiredKey, desiredState, OWNER, replicaOf } from './fixtures.ts';

const ASG_ROLE = 'arn:aws:iam::444455556666:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling';
const MRK = 'mrk-00000000000000000000000000000001';

function grant(name: string, overrides: Partial<GrantProperties> = {}): GrantProperties {
  return { name, granteePrincipal: ASG_ROLE, operations: ['Decrypt', 'DescribeKey'], retiringPrincipal: null, constraints: null, regions: null, ...overrides };
}

function withGrants(key: DesiredKey, grants: GrantProperties[]): DesiredKey {
  return { ...key, grants: desiredGrantsOf(grants, [key.primaryRegion, ...key.replicaRegions], OWNER.ownerId) };
}

/** A multi-Region key (us-east-1 + eu-west-1) that exists exactly as desired, with `grants` in place. */
function existing(key: DesiredKey, grants: ActualGrant[]): ActualState {
  const primary = actualKey(key, MRK);
  return {
    keys: [primary, replicaOf(primary, 'eu-west-1')],
    aliases: [alias('us-east-1', key.aliasName, MRK), alias('eu-west-1', key.aliasName, MRK)],
    grants,
  };
}

function actualGrant(key: DesiredKey, region: string, name: string, grantId: string): ActualGrant {
  const wanted = key.grants!.find((g) => g.name === name)!;
  return { region, keyId: MRK, grantId, kmsName: wanted.kmsName, name };
}

describe('Function: plan (grants)', () => {
  const base = desiredKey('cmk-ami', { replicaRegions: ['eu-west-1'] });

  it('creates each grant in the primary and every replica Region once the key exists there', () => {
    // Prepare
    const key = withGrants(base, [grant('asg')]);

    // Act
    const result = plan(desiredState([key]), { keys: [], aliases: [] });

    // Assess
    const grants = result.actions.filter((a) => a.kind === 'CreateGrant');
    expect(grants.map((a) => [a.id, a.dependsOn])).toEqual([
      ['CreateGrant:eu-west-1:cmk-ami:asg', ['ReplicateKey:us-east-1:cmk-ami:eu-west-1']],
      ['CreateGrant:us-east-1:cmk-ami:asg', ['CreateKey:us-east-1:cmk-ami']],
    ]);
    expect(grants[0]).toEqual({
      kind: 'CreateGrant',
      id: 'CreateGrant:eu-west-1:cmk-ami:asg',
      region: 'eu-west-1',
      keyName: 'cmk-ami',
      dependsOn: ['ReplicateKey:us-east-1:cmk-ami:eu-west-1'],
      key: { created: 'CreateKey:us-east-1:cmk-ami' },
      grantName: 'asg',
      kmsName: key.grants![0]!.kmsName,
      granteePrincipal: ASG_ROLE,
      operations: ['Decrypt', 'DescribeKey'],
      retiringPrincipal: null,
      constraints: null,
    });
    expect(result.grants).toEqual({
      'cmk-ami': {
        'eu-west-1': { asg: { created: 'CreateGrant:eu-west-1:cmk-ami:asg' } },
        'us-east-1': { asg: { created: 'CreateGrant:us-east-1:cmk-ami:asg' } },
      },
    });
  });

  it('narrows a grant to its Regions', () => {
    // Prepare
    const key = withGrants(base, [grant('asg', { regions: ['eu-west-1'] })]);

    // Act
    const result = plan(desiredState([key]), { keys: [], aliases: [] });

    // Assess
    expect(result.actions.filter((a) => a.kind === 'CreateGrant').map((a) => a.region)).toEqual(['eu-west-1']);
  });

  it('plans nothing when every grant exists, and binds their GrantIds', () => {
    // Prepare
    const key = withGrants(base, [grant('asg')]);
    const actual = existing(key, [actualGrant(key, 'us-east-1', 'asg', 'g-1'), actualGrant(key, 'eu-west-1', 'asg', 'g-2')]);

    // Act
    const result = plan(desiredState([key]), actual);

    // Assess
    expect(result.actions).toEqual([]);
    expect(result.grants).toEqual({ 'cmk-ami': { 'eu-west-1': { asg: { grantId: 'g-2' } }, 'us-east-1': { asg: { grantId: 'g-1' } } } });
  });

  it('replaces a changed grant: the new one first, then the old one revoked', () => {
    // Prepare
    const before = withGrants(base, [grant('asg')]);
    const after = withGrants(base, [grant('asg', { operations: ['Decrypt', 'DescribeKey', 'Encrypt'] })]);
    const actual = existing(before, [actualGrant(before, 'us-east-1', 'asg', 'g-1'), actualGrant(before, 'eu-west-1', 'asg', 'g-2')]);

    // Act
    const result = plan(desiredState([after]), actual);

    // Assess
    expect(result.actions.map((a) => [a.id, a.dependsOn])).toEqual([
      ['CreateGrant:eu-west-1:cmk-ami:asg', []],
      ['CreateGrant:us-east-1:cmk-ami:asg', []],
      ['RevokeGrant:eu-west-1:cmk-ami:g-2', ['CreateGrant:eu-west-1:cmk-ami:asg']],
      ['RevokeGrant:us-east-1:cmk-ami:g-1', ['CreateGrant:us-east-1:cmk-ami:asg']],
    ]);
    expect(after.grants![0]!.kmsName).not.toBe(before.grants![0]!.kmsName);
  });

  it('revokes a removed grant, and only grants of its own', () => {
    // Prepare
    const before = withGrants(base, [grant('asg')]);
    const actual = existing(before, [actualGrant(before, 'us-east-1', 'asg', 'g-1')]);

    // Act
    const result = plan(desiredState([base]), actual);

    // Assess
    expect(result.actions).toEqual([
      {
        kind: 'RevokeGrant',
        id: 'RevokeGrant:us-east-1:cmk-ami:g-1',
        region: 'us-east-1',
        keyName: 'cmk-ami',
        dependsOn: [],
        key: { keyId: MRK },
        grantId: 'g-1',
        grantName: 'asg',
        kmsName: before.grants![0]!.kmsName,
        parameters: null,
      },
    ]);
  });

  /** `key` whose previous properties gave it `grants`, which it no longer wants (lib/desired/grants.ts). */
  function retiring(key: DesiredKey, grants: GrantProperties[]): DesiredKey {
    return { ...key, retiredGrants: desiredGrantsOf(grants, [key.primaryRegion, ...key.replicaRegions], OWNER.ownerId) };
  }

  it('revokes a grant the previous properties named, listed, carrying its parameters', () => {
    // Prepare
    const before = withGrants(base, [grant('asg')]);
    const after = retiring(base, [grant('asg', { regions: ['us-east-1'] })]);
    const actual = existing(before, [actualGrant(before, 'us-east-1', 'asg', 'g-1')]);

    // Act
    const result = plan(desiredState([after]), actual);

    // Assess
    expect(result.actions).toEqual([
      expect.objectContaining({
        id: 'RevokeGrant:us-east-1:cmk-ami:g-1',
        grantId: 'g-1',
        parameters: { granteePrincipal: ASG_ROLE, operations: ['Decrypt', 'DescribeKey'], retiringPrincipal: null, constraints: null },
      }),
    ]);
  });

  it('revokes a grant the previous properties named that ListGrants does not list yet: no GrantId, its parameters to make it again by name', () => {
    // Prepare: the grant was made moments ago (or never: a rollback) and the listing does not show it
    const after = retiring(base, [grant('asg')]);
    const actual = existing(base, []);

    // Act
    const result = plan(desiredState([after]), actual);

    // Assess
    const kmsName = after.retiredGrants![0]!.kmsName;
    expect(result.actions).toEqual(
      ['eu-west-1', 'us-east-1'].map((region) => ({
        kind: 'RevokeGrant',
        id: `RevokeGrant:${region}:cmk-ami:unlisted:asg`,
        region,
        keyName: 'cmk-ami',
        dependsOn: [],
        key: { keyId: MRK },
        grantId: null,
        grantName: 'asg',
        kmsName,
        parameters: { granteePrincipal: ASG_ROLE, operations: ['Decrypt', 'DescribeKey'], retiringPrincipal: null, constraints: null },
      })),
    );
  });

  it('revokes a changed grant not listed yet after its replacement is made', () => {
    // Prepare
    const after = retiring(withGrants(base, [grant('asg', { operations: ['Decrypt'], regions: ['us-east-1'] })]), [grant('asg', { regions: ['us-east-1'] })]);
    const actual = existing(base, []);

    // Act
    const result = plan(desiredState([after]), actual);

    // Assess
    expect(result.actions.map((a) => [a.id, a.dependsOn])).toEqual([
      ['CreateGrant:us-east-1:cmk-ami:asg', []],
      ['RevokeGrant:us-east-1:cmk-ami:unlisted:asg', ['CreateGrant:us-east-1:cmk-ami:asg']],
    ]);
  });

  it('revokes a grant not listed yet before disabling the key (making it again by name needs an Enabled key)', () => {
    // Prepare
    const after = retiring({ ...base, enabled: false }, [grant('asg', { regions: ['us-east-1'] })]);
    const actual = existing(base, []);

    // Act
    const result = plan(desiredState([after]), actual);

    // Assess
    const disable = result.actions.find((a) => a.kind === 'DisableKey' && a.region === 'us-east-1')!;
    expect(disable.dependsOn).toContain('RevokeGrant:us-east-1:cmk-ami:unlisted:asg');
  });

  it('revokes no grant not listed on a key this plan makes (a new key has none)', () => {
    // Prepare
    const after = retiring(base, [grant('asg')]);

    // Act
    const result = plan(desiredState([after]), { keys: [], aliases: [] });

    // Assess
    expect(result.actions.filter((a) => a.kind === 'RevokeGrant')).toEqual([]);
  });

  it('revokes nothing when the key itself is removed (its grants go with it) or retained', () => {
    // Prepare
    const before = withGrants(base, [grant('asg')]);
    const actual = existing(before, [actualGrant(before, 'us-east-1', 'asg', 'g-1')]);
    const retained = existing(before, [actualGrant(before, 'us-east-1', 'asg', 'g-1')]);
    for (const k of retained.keys) k.tags['MultiRegionKmsKeys:RemovalPolicy'] = 'Retain';

    // Act
    const removed = plan(desiredState([]), actual);
    const kept = plan(desiredState([]), retained);

    // Assess
    expect(removed.actions.map((a) => a.kind).sort()).toEqual(['DeleteAlias', 'DeleteAlias', 'ScheduleKeyDeletion', 'ScheduleKeyDeletion']);
    expect(kept.actions.map((a) => a.kind)).toEqual(['UntagResource', 'UntagResource']);
  });

  it('enables a restored key before granting on it (CancelKeyDeletion leaves it Disabled)', () => {
    // Prepare
    const key = withGrants(desiredKey('cmk-one'), [grant('asg')]);
    const actual: ActualState = { keys: [actualKey(key, 'k-1', { state: 'PendingDeletion' })], aliases: [alias('us-east-1', key.aliasName, 'k-1')] };

    // Act
    const result = plan(desiredState([key]), actual);

    // Assess
    expect(result.actions.find((a) => a.kind === 'CreateGrant')?.dependsOn).toEqual([
      'CancelKeyDeletion:us-east-1:cmk-one:k-1',
      'EnableKey:us-east-1:cmk-one:k-1',
    ]);
    expect(result.actions.find((a) => a.kind === 'EnableKey')?.dependsOn).toEqual(['CancelKeyDeletion:us-east-1:cmk-one:k-1']);
  });

  it('makes the grants of a new key declared disabled before disabling the key and each replica', () => {
    // Prepare
    const key = withGrants({ ...base, enabled: false }, [grant('asg')]);

    // Act
    const result = plan(desiredState([key]), { keys: [], aliases: [] });

    // Assess
    const disables = result.actions.filter((a) => a.kind === 'DisableKey').map((a) => [a.id, a.dependsOn]);
    expect(disables).toEqual([
      ['DisableKey:eu-west-1:cmk-ami', ['CreateGrant:eu-west-1:cmk-ami:asg', 'ReplicateKey:us-east-1:cmk-ami:eu-west-1']],
      [
        'DisableKey:us-east-1:cmk-ami',
        ['CreateGrant:us-east-1:cmk-ami:asg', 'CreateKey:us-east-1:cmk-ami', 'EnableKeyRotation:us-east-1:cmk-ami', 'ReplicateKey:us-east-1:cmk-ami:eu-west-1'],
      ],
    ]);
  });

  it('makes a new grant before disabling an enabled key in the same update', () => {
    // Prepare
    const key = withGrants({ ...base, enabled: false }, [grant('asg')]);
    const actual = existing({ ...key, enabled: true }, []);

    // Act
    const result = plan(desiredState([key]), actual);

    // Assess
    expect(result.refusals).toEqual([]);
    const disables = result.actions.filter((a) => a.kind === 'DisableKey').map((a) => [a.id, a.dependsOn]);
    expect(disables).toEqual([
      [`DisableKey:eu-west-1:cmk-ami:${MRK}`, ['CreateGrant:eu-west-1:cmk-ami:asg']],
      [`DisableKey:us-east-1:cmk-ami:${MRK}`, ['CreateGrant:us-east-1:cmk-ami:asg']],
    ]);
  });

  it('refuses, before any call, a grant to make on a key that is Disabled and stays so', () => {
    // Prepare
    const key = withGrants({ ...base, enabled: false }, [grant('asg')]);
    const actual = existing(key, [actualGrant(key, 'eu-west-1', 'asg', 'g-eu')]);
    actual.keys = actual.keys.map((k) => ({ ...k, state: 'Disabled' as const }));

    // Act
    const result = plan(desiredState([key]), actual);

    // Assess
    expect(result.actions).toEqual([]);
    expect(result.refusals).toHaveLength(1);
    expect(result.refusals[0]).toMatchObject({ keyName: 'cmk-ami', region: 'us-east-1' });
    expect(result.refusals[0]!.reason).toMatch(
      /asg cannot be made in us-east-1: the key is Disabled and stays so .*DisabledException.*Nothing was changed.*set Enabled: true/,
    );
  });
});
