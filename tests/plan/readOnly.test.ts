import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bundleFiles } from '../../build/bundleFiles.mjs';
import { buildDesiredState } from '../../lib/desired/index.ts';
import { KmsError } from '../../lib/errors.ts';
import type { KmsApi } from '../../lib/kmsApi.ts';
import { ownershipTags } from '../../lib/ownership.ts';
import { parseProperties } from '../../lib/properties/index.ts';
import { DEFAULT_BUNDLE_PATH } from '../../local/driver/index.ts';
import { MutationRefusedError, readOnlyKms, readOnlyKmsFactory } from '../../local/plan/readOnlyKms.ts';
import { RegionDeniedError, readStateForPlan } from '../../local/plan/readState.ts';
import { ACCOUNT_ID, CONTEXT } from '../properties/fixtures.ts';
import { FakeKms, kmsErrors } from '../support/fakeKmsApi.ts';

describe('Function: readOnlyKms', () => {
  it('lets reads through and refuses every other method before it reaches KMS', async () => {
    // Prepare
    const fake = new FakeKms();
    const key = fake.seedKey('us-east-1');
    const api = readOnlyKmsFactory(fake.factory)('us-east-1');

    // Act
    const listed = await api.listKeys();
    const described = await api.describeKey(key.keyId);
    const refused = [
      () => api.createKey({ spec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT', multiRegion: false, policy: '{}', description: '', tags: {} }),
      () => api.disableKey(key.keyId),
      () => api.putKeyPolicy(key.keyId, '{}'),
      () => api.scheduleKeyDeletion(key.keyId, 7),
      () => api.untagResource(key.keyId, ['x']),
    ];

    // Assess
    expect(listed.map((k) => k.keyId)).toEqual([key.keyId]);
    expect(described.keyId).toBe(key.keyId);
    expect(api.region).toBe('us-east-1');
    for (const call of refused) expect(call).toThrow(MutationRefusedError);
    expect(fake.calls.map((c) => c.operation)).toEqual(['listKeys', 'describeKey']);
    expect(fake.key('us-east-1', key.keyId)!.state).toBe('Enabled');
  });

  it('decides by name, so a method added to KmsApi later is refused unless it reads', async () => {
    // Prepare: a KmsApi of the future, with grant methods.
    const calls: string[] = [];
    const future = {
      region: 'eu-west-1',
      listGrants: async () => calls.push('listGrants'),
      createGrant: async () => calls.push('createGrant'),
      revokeGrant: async () => calls.push('revokeGrant'),
    } as unknown as KmsApi & Record<string, () => Promise<unknown>>;
    const api = readOnlyKms(future) as unknown as Record<string, () => Promise<unknown>>;

    // Act
    await api.listGrants!();

    // Assess
    expect(() => api.createGrant!()).toThrow('read-only: refused to call createGrant in eu-west-1 (the plan never changes KMS)');
    expect(() => api.revokeGrant!()).toThrow(MutationRefusedError);
    expect(calls).toEqual(['listGrants']);
  });
});

/** AWS's wording for a Region an organisation's SCP denies. */
const scpDenied = () =>
  new KmsError(
    'AccessDeniedException',
    'User: arn:aws:iam::111122223333:user/p is not authorized to perform: kms:ListKeys on resource: * with an explicit deny in a service control policy',
  );

describe('Function: readStateForPlan', () => {
  const desiredFor = (customerMasterKeys: Record<string, unknown>) =>
    buildDesiredState({
      properties: parseProperties({ AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: customerMasterKeys }, { accountId: ACCOUNT_ID }),
      oldProperties: null,
      enabledRegions: ['eu-west-1', 'us-east-1'],
      context: CONTEXT,
    });

  it('skips a Region whose KMS denies access when no desired key lives there', async () => {
    // Prepare
    const fake = new FakeKms();
    const desired = desiredFor({ 'cmk-app': { Region: 'us-east-1' } });
    const key = fake.seedKey('us-east-1', { tags: ownershipTags(desired.owner, 'cmk-app', { removalPolicy: 'Delete', deletionWindowInDays: 30 }) });
    fake.fail('listKeys', scpDenied, { region: 'eu-west-1', times: 100 });

    // Act
    const result = await readStateForPlan(desired, readOnlyKmsFactory(fake.factory));

    // Assess
    expect(result.skippedRegions).toEqual(['eu-west-1']);
    expect(result.actual.keys.map((k) => [k.region, k.keyId])).toEqual([['us-east-1', key.keyId]]);
  });

  it('fails at once, naming action, Region and policy type, when a listing is denied by anything but an SCP', async () => {
    // Prepare
    const fake = new FakeKms();
    fake.fail('listKeys', kmsErrors.accessDenied, { region: 'eu-west-1', times: 100 });

    // Act
    const read = readStateForPlan(desiredFor({ 'cmk-app': { Region: 'us-east-1' } }), readOnlyKmsFactory(fake.factory));

    // Assess
    await expect(read).rejects.toThrow(/^KMS denied kms:ListKeys in eu-west-1 because of a denial whose policy type the message does not name: not authorized/);
  });

  it('names the Region and the key when a desired key lives in a denied Region', async () => {
    // Prepare
    const fake = new FakeKms();
    fake.fail('listKeys', scpDenied, { region: 'eu-west-1', times: 100 });

    // Act
    const read = readStateForPlan(desiredFor({ 'cmk-eu': { Region: 'eu-west-1' } }), readOnlyKmsFactory(fake.factory));

    // Assess
    await expect(read).rejects.toThrow(RegionDeniedError);
    await expect(read).rejects.toThrow(
      'KMS in eu-west-1 denied access (AccessDeniedException: User: arn:aws:iam::111122223333:user/p is not authorized to perform: kms:ListKeys on resource: * with an explicit deny in a service control policy), and cmk-eu lives there',
    );
  });

  it('stops when a read of one of its own keys is denied, but not for keys of others', async () => {
    // Prepare
    const fake = new FakeKms();
    const desired = desiredFor({ 'cmk-app': { Region: 'us-east-1' } });
    const ours = fake.seedKey('us-east-1', { tags: ownershipTags(desired.owner, 'cmk-app', { removalPolicy: 'Delete', deletionWindowInDays: 30 }) });
    const foreign = fake.seedKey('us-east-1', { tags: { Team: 'other' } });
    fake.tagsDenied.add(foreign.keyId);
    fake.fail('getKeyPolicy', kmsErrors.accessDenied, { region: 'us-east-1', times: 100 });

    // Act
    const read = readStateForPlan(desired, readOnlyKmsFactory(fake.factory));

    // Assess
    await expect(read).rejects.toThrow(
      `access denied reading the resource's keys (kms:GetKeyPolicy on key ${ours.keyId} in us-east-1): their key policies must allow the plan's principal to read them (docs/plan.md)`,
    );
  });

  it('stops when the tags of the key a wanted alias targets cannot be read', async () => {
    // Prepare
    const fake = new FakeKms();
    const target = fake.seedKey('eu-west-1');
    fake.seedAlias('eu-west-1', 'alias/cmk-app', target.keyId);
    fake.tagsDenied.add(target.keyId);
    const untouched = fake.seedKey('eu-west-1');
    fake.tagsDenied.add(untouched.keyId);

    // Act
    const read = readStateForPlan(desiredFor({ 'cmk-app': { Region: 'eu-west-1' } }), readOnlyKmsFactory(fake.factory));

    // Assess
    await expect(read).rejects.toThrow(`(kms:ListResourceTags on key ${target.keyId} in eu-west-1)`);
  });

  it('lets other errors through', async () => {
    // Prepare
    const fake = new FakeKms();
    fake.fail('listAliases', () => new KmsError('UnrecognizedClientException', 'The security token included in the request is invalid.'), { times: 100 });

    // Act
    const read = readStateForPlan(desiredFor({}), readOnlyKmsFactory(fake.factory));

    // Assess
    await expect(read).rejects.toThrow('UnrecognizedClientException');
  });
});

describe('The Lambda bundle', () => {
  it('does not contain the plan tool', () => {
    // Prepare
    if (!existsSync(DEFAULT_BUNDLE_PATH)) throw new Error(`${DEFAULT_BUNDLE_PATH} is missing: run npm run build (npm test does)`);

    // Act: index.mjs and its chunks (code splitting, build.mjs)
    const dir = dirname(DEFAULT_BUNDLE_PATH);
    const bundle = bundleFiles(dir)
      .map((file) => readFileSync(join(dir, file), 'utf8'))
      .join('\n');

    // Assess
    expect(bundle).not.toContain('read-only: refused to call');
    expect(bundle).not.toContain('local/plan/');
  });
});
