/**
 * End to end, grants on real KMS terms (issue: key states and grant consistency): the built bundle
 * through the CloudFormation driver against the emulator with field realism, the emulator following
 * KMS's key-state table (CreateGrant refused on a key that is not Enabled) and lagging grants.
 * - A new key and replica declared disabled get their grants, then are disabled.
 * - An Update that disables a key and adds a grant makes the grant first.
 * - A restored key is enabled before its grants are made.
 * - A grant to make on a key that is and stays Disabled is refused before any call, and the rollback
 *   of that refusal succeeds: the grant its previous properties name is looked for, never made.
 * - A grant an Update made and the next Update (or its rollback) removes is revoked, though KMS
 *   does not list it yet; the rollback of an Update refused before making a grant makes it by name
 *   and revokes it; a revocation that keeps missing fails the request naming key, Region and grant,
 *   and a second request finishes it.
 */
import { existsSync } from 'node:fs';
import {
  createDriver,
  DEFAULT_BUNDLE_PATH,
  DEFAULT_IDENTITY,
  type Driver,
  functionArnOf,
  type RequestResult,
  Stack,
  scenarios,
  stackIdOf,
} from '../../local/driver/index.ts';
import { emulatorControl, type SnapshotKey } from '../../local/emulator/client.ts';
import { startEmulator } from '../../local/emulator/index.ts';
import { E2E_REALISM, E2E_REQUEST_GAP_MS } from './fieldRealism.ts';

const ACCOUNT_ID = DEFAULT_IDENTITY.accountId;
/** Both keys stay Updating after UpdatePrimaryRegion for seconds, as on AWS. */
const UPDATING_MS = 3_000;
const APP_ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/app`;
const OTHER_ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/other`;

let keyCount = 0;
/** The properties of one key (us-east-1 + eu-west-1) named for the test: each test deploys its own alias. */
function propertiesFor(name: string) {
  return (key: Record<string, unknown>): Record<string, unknown> => ({
    AwsAccountId: ACCOUNT_ID,
    CustomerMasterKeys: { [name]: { Region: 'us-east-1', ReplicaRegions: ['eu-west-1'], ...key } },
  });
}
const grant = (role: string, operations = ['Decrypt']) => ({ GranteePrincipal: role, GrantedOperations: operations });

/** The emulator with field realism; `consistencyDelayMs` (and `updatingMs`) longer than the gap between two requests when asked. */
function suite(name: string, consistencyDelayMs: number, body: (context: () => { driver: Driver; url: string; newStack: () => Stack }) => void) {
  describe(name, () => {
    let emulator: Awaited<ReturnType<typeof startEmulator>>;
    let driver: Driver;
    let stackCount = 0;
    beforeAll(async () => {
      if (!existsSync(DEFAULT_BUNDLE_PATH)) throw new Error(`${DEFAULT_BUNDLE_PATH} is missing: run npm run build (npm test does)`);
      emulator = await startEmulator({ port: 0, replicaCreatingMs: 200, ...E2E_REALISM, consistencyDelayMs, updatingMs: UPDATING_MS });
      driver = await createDriver({ endpointUrl: emulator.url, requestGapMs: E2E_REQUEST_GAP_MS });
    });
    afterAll(async () => {
      await driver?.close();
      await emulator?.close();
    });
    body(() => ({
      driver,
      url: emulator.url,
      newStack: () =>
        new Stack(driver, {
          stackId: stackIdOf({ ...DEFAULT_IDENTITY, stackName: `grant-states-${consistencyDelayMs}-${++stackCount}` }),
          logicalResourceId: 'Keys',
          resourceType: 'Custom::MultiRegionKmsKeys',
          serviceToken: functionArnOf(DEFAULT_IDENTITY, 'multi-region-kms-keys'),
        }),
    }));
  });
}

const answered = (result: RequestResult, status: 'SUCCESS' | 'FAILED') => {
  expect(result.violations).toEqual([]);
  expect(result.putCount).toBe(1);
  if (result.status !== status) throw new Error(`expected ${status}, got ${result.status}: ${result.reason ?? ''}`);
};

/** Our key's members, by Region: state and the grantees of their grants. */
async function members(url: string, owner: string): Promise<Record<string, { state: string; grantees: string[] }>> {
  const keys: SnapshotKey[] = (await emulatorControl(url).state()).keys.filter((k) => k.tags['MultiRegionKmsKeys:Owner'] === owner);
  return Object.fromEntries(keys.map((k) => [k.region, { state: k.keyState, grantees: (k.grants ?? []).map((g) => g.granteePrincipal).sort() }]));
}

suite('End to end: grants on keys that are not Enabled', E2E_REALISM.consistencyDelayMs, (context) => {
  it('makes the grants of a new key and replica declared disabled before disabling them', async () => {
    // Prepare
    const { newStack, url } = context();
    const stack = newStack();
    const properties = propertiesFor(`cmk-grants-${++keyCount}`);

    // Act
    const created = await stack.create(properties({ Enabled: false, Grants: { app: grant(APP_ROLE) } }));

    // Assess
    answered(created, 'SUCCESS');
    expect(await members(url, created.physicalResourceId!)).toEqual({
      'eu-west-1': { state: 'Disabled', grantees: [APP_ROLE] },
      'us-east-1': { state: 'Disabled', grantees: [APP_ROLE] },
    });
  });

  it('makes the grant first when an Update disables the key and adds a grant; refuses a grant on a key that stays Disabled, changing nothing', async () => {
    // Prepare
    const { newStack, url } = context();
    const stack = newStack();
    const properties = propertiesFor(`cmk-grants-${++keyCount}`);
    const created = await stack.create(properties({}));
    answered(created, 'SUCCESS');
    const owner = created.physicalResourceId!;

    // Act
    const disabled = await stack.update(properties({ Enabled: false, Grants: { app: grant(APP_ROLE) } }));
    const before = await members(url, owner);
    await emulatorControl(url).resetCounts();
    const refused = await stack.update(properties({ Enabled: false, Grants: { app: grant(APP_ROLE), other: grant(OTHER_ROLE) } }));
    const counts = await emulatorControl(url).counts();

    // Assess
    answered(disabled, 'SUCCESS');
    expect(before).toEqual({ 'eu-west-1': { state: 'Disabled', grantees: [APP_ROLE] }, 'us-east-1': { state: 'Disabled', grantees: [APP_ROLE] } });
    answered(refused, 'FAILED');
    expect(refused.reason).toMatch(/other cannot be made in (eu-west-1|us-east-1): the key is Disabled and stays so/);
    expect(refused.reason).toMatch(/set Enabled: true/);
    expect(counts.mutations).toBe(0);
    expect(await members(url, owner)).toEqual(before);
  });

  it('rolls back an Update refused for a grant on a Disabled key: the grant, never made, is looked for and left with a warning', async () => {
    // Prepare
    const { newStack, url } = context();
    const stack = newStack();
    const properties = propertiesFor(`cmk-grants-${++keyCount}`);
    answered(await stack.create(properties({ Enabled: false, Grants: { app: grant(APP_ROLE) } })), 'SUCCESS');
    const owner = stack.physicalResourceId!;
    answered(await stack.update(properties({ Enabled: false, Grants: { app: grant(APP_ROLE), other: grant(OTHER_ROLE) } })), 'FAILED');

    // Act: the rollback names other, which KMS will not make again on a Disabled key (20 s function, 10 s of it for work)
    const rollback = await stack.rollbackUpdate({ timeoutMs: 20_000 });

    // Assess: SUCCESS, nothing reported revoked, nothing granted, the warning names the grant in each Region
    answered(rollback, 'SUCCESS');
    expect(await members(url, owner)).toEqual({
      'eu-west-1': { state: 'Disabled', grantees: [APP_ROLE] },
      'us-east-1': { state: 'Disabled', grantees: [APP_ROLE] },
    });
    const warnings = rollback.stdout.split('\n').filter((line) => line.includes('not listed, and KMS refuses to make it again'));
    expect(warnings.map((line) => (JSON.parse(line) as { region: string }).region).sort()).toEqual(['eu-west-1', 'us-east-1']);
    expect(warnings.join('\n')).toContain('DisabledException');
  });

  it('enables a restored key before making its grants (CancelKeyDeletion leaves it Disabled)', async () => {
    // Prepare: the key leaves the resource (scheduled for deletion), then comes back with a grant
    const { newStack, url } = context();
    const stack = newStack();
    const properties = propertiesFor(`cmk-grants-${++keyCount}`);
    const created = await stack.create(properties({}));
    answered(created, 'SUCCESS');
    const owner = created.physicalResourceId!;
    answered(await stack.update({ AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: {} }), 'SUCCESS');
    const removed = await members(url, owner);

    // Act
    const restored = await stack.update(properties({ Grants: { app: grant(APP_ROLE) } }));

    // Assess
    expect(
      Object.values(removed)
        .map((m) => m.state)
        .sort(),
    ).toEqual(['PendingDeletion', 'PendingReplicaDeletion']);
    answered(restored, 'SUCCESS');
    expect(await members(url, owner)).toEqual({
      'eu-west-1': { state: 'Enabled', grantees: [APP_ROLE] },
      'us-east-1': { state: 'Enabled', grantees: [APP_ROLE] },
    });
  });
});

/** Grants lag by up to 5 s, far longer than the gap between two requests of a stack. */
const GRANT_LAG_MS = 5_000;

suite('End to end: grants are eventually consistent', GRANT_LAG_MS, (context) => {
  it('revokes a grant the previous Update made, which KMS does not list yet, and its rollback likewise', async () => {
    // Prepare
    const { newStack, url } = context();
    const stack = newStack();
    const properties = propertiesFor(`cmk-grants-${++keyCount}`);
    const created = await stack.create(properties({ Grants: { app: grant(APP_ROLE) } }));
    answered(created, 'SUCCESS');
    const owner = created.physicalResourceId!;

    // Act: add a grant, remove it at once; then add one more and roll that Update back
    const added = await stack.update(properties({ Grants: { app: grant(APP_ROLE), other: grant(OTHER_ROLE) } }));
    await emulatorControl(url).resetCounts();
    const removed = await stack.update(properties({ Grants: { app: grant(APP_ROLE) } }));
    const afterRemoval = await members(url, owner);
    const revokedIn = (await emulatorControl(url).calls()).filter((c) => c.operation === 'RevokeGrant').map((c) => c.region);
    const rolledBack = await scenarios.updateThenRollback(stack, properties({ Grants: { app: grant(APP_ROLE), other: grant(OTHER_ROLE, ['Encrypt']) } }), {
      rollback: true,
    });
    const afterRollback = await members(url, owner);

    // Assess
    answered(added, 'SUCCESS');
    answered(removed, 'SUCCESS');
    expect(afterRemoval).toEqual({ 'eu-west-1': { state: 'Enabled', grantees: [APP_ROLE] }, 'us-east-1': { state: 'Enabled', grantees: [APP_ROLE] } });
    // Answered SUCCESS only once a RevokeGrant had succeeded in each Region.
    expect(new Set(revokedIn)).toEqual(new Set(['eu-west-1', 'us-east-1']));
    expect(rolledBack.problems).toEqual([]);
    expect(afterRollback).toEqual(afterRemoval);
  });

  it('rolls back an Update refused before making a grant: the grant its properties named is made by name and revoked, none is left', async () => {
    // Prepare: an Update that adds the grant other and asks for a replacement the function refuses (no AllowReplacement)
    const { newStack, url } = context();
    const stack = newStack();
    const properties = propertiesFor(`cmk-grants-${++keyCount}`);
    const created = await stack.create(properties({ Grants: { app: grant(APP_ROLE) } }));
    answered(created, 'SUCCESS');
    const owner = created.physicalResourceId!;
    const refused = await stack.update(
      properties({ Spec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT', Grants: { app: grant(APP_ROLE), other: grant(OTHER_ROLE) } }),
    );
    const afterRefusal = await members(url, owner);
    await emulatorControl(url).resetCounts();

    // Act: the rollback's previous properties name other, which was never made
    const rollback = await stack.rollbackUpdate();

    // Assess
    answered(refused, 'FAILED');
    expect(afterRefusal).toEqual({ 'eu-west-1': { state: 'Enabled', grantees: [APP_ROLE] }, 'us-east-1': { state: 'Enabled', grantees: [APP_ROLE] } });
    answered(rollback, 'SUCCESS');
    expect(await members(url, owner)).toEqual(afterRefusal);
    const calls = (await emulatorControl(url).calls()).map((c) => `${c.region} ${c.operation}`).sort();
    // Once each, or again after a revocation that missed the fresh grant (made again by name: the same GrantId).
    expect(new Set(calls)).toEqual(new Set(['eu-west-1 CreateGrant', 'eu-west-1 RevokeGrant', 'us-east-1 CreateGrant', 'us-east-1 RevokeGrant']));
    expect(calls.filter((call) => call.endsWith('RevokeGrant'))).toEqual(['eu-west-1 RevokeGrant', 'us-east-1 RevokeGrant']);
  });

  it('fails naming key, Region and grant while RevokeGrant answers NotFound until the deadline, never as revoked; a second request finishes it', async () => {
    // Prepare: every revocation of a grant younger than two minutes misses
    const { newStack, url } = context();
    const control = emulatorControl(url);
    const stack = newStack();
    const properties = propertiesFor(`cmk-grants-${++keyCount}`);
    answered(await stack.create(properties({ Grants: { app: grant(APP_ROLE) } })), 'SUCCESS');
    const owner = stack.physicalResourceId!;
    // The Create's keys, aliases and tags lag by up to GRANT_LAG_MS: past that, only the grants made next lag.
    await new Promise((resolve) => setTimeout(resolve, GRANT_LAG_MS));
    await control.config({ consistencyDelayMs: 120_000, freshGrantNotFoundRate: 1 });
    try {
      answered(await stack.update(properties({ Grants: { app: grant(APP_ROLE), other: grant(OTHER_ROLE) } })), 'SUCCESS');
      const removal = stack.nextEvent('Update', properties({ Grants: { app: grant(APP_ROLE) } }));

      // Act: a function with 20 s (10 s of it for work) removes the grant; then the same request again once KMS has caught up
      const failed = await stack.deliver(removal, { timeoutMs: 20_000 });
      const afterFailure = await members(url, owner);
      await control.config({ freshGrantNotFoundRate: 0 });
      const retried = await stack.deliver(removal);

      // Assess
      answered(failed, 'FAILED');
      expect(failed.reason).toMatch(/grant other \([^)]*\) of key \S+ in (eu-west-1|us-east-1) was not revoked: RevokeGrant answers NotFoundException/);
      expect(failed.reason).toContain('a retry of the stack operation, or a later Update, finishes it');
      expect(afterFailure).toEqual({
        'eu-west-1': { state: 'Enabled', grantees: [APP_ROLE, OTHER_ROLE] },
        'us-east-1': { state: 'Enabled', grantees: [APP_ROLE, OTHER_ROLE] },
      });
      answered(retried, 'SUCCESS');
      expect(await members(url, owner)).toEqual({
        'eu-west-1': { state: 'Enabled', grantees: [APP_ROLE] },
        'us-east-1': { state: 'Enabled', grantees: [APP_ROLE] },
      });
    } finally {
      await control.config({ consistencyDelayMs: GRANT_LAG_MS, freshGrantNotFoundRate: 0.5 });
    }
  });
});

suite('End to end: a key Updating after UpdatePrimaryRegion', E2E_REALISM.consistencyDelayMs, (context) => {
  it('moves the primary, changes what KMS accepts meanwhile and disables the keys once they leave Updating', async () => {
    // Prepare
    const { newStack, url } = context();
    const stack = newStack();
    const name = `cmk-move-${++keyCount}`;
    const created = await stack.create(propertiesFor(name)({ Grants: { app: grant(APP_ROLE) } }));
    answered(created, 'SUCCESS');
    const owner = created.physicalResourceId!;

    // Act: the primary moves to eu-west-1, a grant, a tag and the enabled state change in the same update
    const moved = await stack.update({
      AwsAccountId: ACCOUNT_ID,
      CustomerMasterKeys: {
        [name]: {
          Region: 'eu-west-1',
          ReplicaRegions: ['us-east-1'],
          Enabled: false,
          Tags: { Team: 'payments' },
          Grants: { app: grant(APP_ROLE), other: grant(OTHER_ROLE) },
        },
      },
    });

    // Assess
    answered(moved, 'SUCCESS');
    const keys = (await emulatorControl(url).state()).keys.filter((k) => k.tags['MultiRegionKmsKeys:Owner'] === owner);
    expect(keys.map((k) => [k.region, k.keyState, k.tags.Team, (k.grants ?? []).length]).sort()).toEqual([
      ['eu-west-1', 'Disabled', 'payments', 2],
      ['us-east-1', 'Disabled', 'payments', 2],
    ]);
    expect(moved.data?.[`PrimaryKeyIds.eu-west-1.${name}`]).toBe(created.data?.[`KeyIds.us-east-1.${name}`]);
  });
});
