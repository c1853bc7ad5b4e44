import { KEY_MATERIAL_SECRET_TAG } from '../../lib/ownership.ts';
import { plan } from '../../lib/planner/index.ts';
import type { Action, DesiredKey } from '../../lib/types.ts';
import { actualKey, alias, desiredKey, desiredState, ownedTags, POLICY, replicaOf } from './fixtures.ts';

const SECRET = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:byok/material-AbCdEf';
const OTHER_SECRET = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:byok/other-GhIjKl';
const VALID_TO = '2027-06-30T00:00:00.000Z';
const MRK = 'mrk-00000000000000000000000000000001';
const empty = { keys: [], aliases: [] };

/** An EXTERNAL multi-Region key (us-east-1 + eu-west-1) whose material comes from `secretArn`. */
function external(overrides: Partial<DesiredKey> = {}, secretArn = SECRET): DesiredKey {
  return desiredKey('cmk-byok', {
    replicaRegions: ['eu-west-1'],
    rotation: null,
    origin: 'EXTERNAL',
    keyMaterial: { secretArn, validTo: VALID_TO, allowRotation: false },
    ...overrides,
  });
}

function tagsOf(key: DesiredKey): Record<string, string> {
  const tags: Record<string, string> = { ...ownedTags(key), [KEY_MATERIAL_SECRET_TAG]: key.keyMaterial!.secretArn };
  return Object.fromEntries(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The key as it exists after a successful Create: material in both Regions, valid to VALID_TO. */
function existing(key: DesiredKey, material: { validTo?: string | null; state?: 'Enabled' | 'PendingImport'; secretArn?: string } = {}) {
  const tags = { ...tagsOf(key), [KEY_MATERIAL_SECRET_TAG]: material.secretArn ?? key.keyMaterial!.secretArn };
  const state = material.state ?? 'Enabled';
  const validTo = state === 'PendingImport' ? undefined : material.validTo === undefined ? VALID_TO : material.validTo;
  const primary = actualKey(key, MRK, { origin: 'EXTERNAL', tags, state, ...(validTo === undefined ? {} : { keyMaterialValidTo: validTo }) });
  return { keys: [primary, replicaOf(primary, 'eu-west-1')], aliases: [alias('us-east-1', key.aliasName, MRK), alias('eu-west-1', key.aliasName, MRK)] };
}

const kindsOf = (actions: Action[]) => actions.map((a) => `${a.kind} ${a.region} <- ${a.dependsOn.join(',')}`);

describe('Function: plan (imported key material)', () => {
  it('creates an EXTERNAL key, imports into the primary, replicates after it and imports into the replica', () => {
    // Prepare
    const key = external();
    const created = { created: 'CreateKey:us-east-1:cmk-byok' };
    const importing = {
      keyName: 'cmk-byok',
      key: created,
      secretArn: SECRET,
      validTo: VALID_TO,
      keySpec: 'SYMMETRIC_DEFAULT' as const,
      reason: 'new' as const,
    };

    // Act
    const result = plan(desiredState([key]), empty);

    // Assess
    expect(result.refusals).toEqual([]);
    expect(result.actions.filter((a) => a.kind !== 'CreateAlias')).toEqual([
      {
        kind: 'CreateKey',
        id: 'CreateKey:us-east-1:cmk-byok',
        region: 'us-east-1',
        keyName: 'cmk-byok',
        dependsOn: [],
        spec: 'SYMMETRIC_DEFAULT',
        keyUsage: 'ENCRYPT_DECRYPT',
        multiRegion: true,
        policy: POLICY,
        description: 'cmk-byok of baseline/Keys',
        tags: tagsOf(key),
        origin: 'EXTERNAL',
      },
      {
        kind: 'ImportKeyMaterial',
        id: 'ImportKeyMaterial:eu-west-1:cmk-byok',
        region: 'eu-west-1',
        dependsOn: ['ReplicateKey:us-east-1:cmk-byok:eu-west-1'],
        ...importing,
        // The replica takes the primary's material: EXISTING_KEY_MATERIAL, as KMS asks of replicas.
        importType: 'EXISTING_KEY_MATERIAL',
      },
      { kind: 'ImportKeyMaterial', id: 'ImportKeyMaterial:us-east-1:cmk-byok', region: 'us-east-1', dependsOn: ['CreateKey:us-east-1:cmk-byok'], ...importing },
      {
        kind: 'ReplicateKey',
        id: 'ReplicateKey:us-east-1:cmk-byok:eu-west-1',
        region: 'us-east-1',
        keyName: 'cmk-byok',
        dependsOn: ['CreateKey:us-east-1:cmk-byok', 'ImportKeyMaterial:us-east-1:cmk-byok'],
        key: created,
        replicaRegion: 'eu-west-1',
        policy: POLICY,
        description: 'cmk-byok of baseline/Keys',
        tags: tagsOf(key),
      },
    ]);
  });

  it('leaves an EXTERNAL key without KeyMaterial PendingImport: no import, no DisableKey', () => {
    // Prepare
    const key = desiredKey('cmk-later', { rotation: null, origin: 'EXTERNAL', enabled: false });

    // Act
    const result = plan(desiredState([key]), empty);

    // Assess
    expect(kindsOf(result.actions)).toEqual(['CreateAlias us-east-1 <- CreateKey:us-east-1:cmk-later', 'CreateKey us-east-1 <- ']);
  });

  it('disables a new EXTERNAL key after its import', () => {
    // Prepare
    const key = external({ replicaRegions: [], multiRegion: false, enabled: false });

    // Act
    const result = plan(desiredState([key]), empty);

    // Assess
    expect(kindsOf(result.actions)).toEqual([
      'CreateAlias us-east-1 <- CreateKey:us-east-1:cmk-byok',
      'CreateKey us-east-1 <- ',
      'DisableKey us-east-1 <- CreateKey:us-east-1:cmk-byok,ImportKeyMaterial:us-east-1:cmk-byok',
      'ImportKeyMaterial us-east-1 <- CreateKey:us-east-1:cmk-byok',
    ]);
  });

  it('plans nothing for a key whose material is in place', () => {
    // Prepare
    const key = external();

    // Act
    const result = plan(desiredState([key]), existing(key));

    // Assess
    expect(result.actions).toEqual([]);
  });

  it('imports again where the material expired (PendingImport), and where ValidTo changed', () => {
    // Prepare
    const key = external();
    const expired = existing(key, { state: 'PendingImport' });
    const moved = existing(key, { validTo: '2027-03-01T00:00:00.000Z' });

    // Act
    const afterExpiry = plan(desiredState([key]), expired).actions;
    const afterValidTo = plan(desiredState([key]), moved).actions;

    // Assess
    const imports = (actions: Action[]) => actions.map((a) => (a.kind === 'ImportKeyMaterial' ? `${a.region} ${a.reason} ${a.validTo}` : a.kind));
    expect(imports(afterExpiry)).toEqual([`eu-west-1 pending ${VALID_TO}`, `us-east-1 pending ${VALID_TO}`]);
    expect(imports(afterValidTo)).toEqual([`eu-west-1 validTo ${VALID_TO}`, `us-east-1 validTo ${VALID_TO}`]);
  });

  it('imports from a changed SecretArn before recording it; with AllowReplacement makes a new key instead', () => {
    // Prepare
    const key = external({}, OTHER_SECRET);
    const actual = existing(key, { secretArn: SECRET });

    // Act
    const inPlace = plan(desiredState([key]), actual);
    const replaced = plan(desiredState([{ ...key, allowReplacement: true }]), actual);

    // Assess
    expect(kindsOf(inPlace.actions)).toEqual([
      `ImportKeyMaterial eu-west-1 <- `,
      `ImportKeyMaterial us-east-1 <- `,
      `TagResource eu-west-1 <- ImportKeyMaterial:eu-west-1:cmk-byok:${MRK}`,
      `TagResource us-east-1 <- ImportKeyMaterial:us-east-1:cmk-byok:${MRK}`,
    ]);
    expect(inPlace.actions.filter((a) => a.kind === 'ImportKeyMaterial').map((a) => a.kind === 'ImportKeyMaterial' && a.reason)).toEqual(['secret', 'secret']);
    expect(replaced.refusals).toEqual([]);
    expect(replaced.actions.some((a) => a.kind === 'CreateKey')).toBe(true);
  });

  it('refuses to turn an AWS_KMS key into an EXTERNAL one without AllowReplacement', () => {
    // Prepare
    const key = external();
    const primary = actualKey(key, MRK, { tags: tagsOf(key) });
    const actual = { keys: [primary, replicaOf(primary, 'eu-west-1')], aliases: [alias('us-east-1', key.aliasName, MRK)] };

    // Act
    const result = plan(desiredState([key]), actual);

    // Assess
    expect(result.actions).toEqual([]);
    expect(result.refusals).toEqual([
      expect.objectContaining({ keyName: 'cmk-byok', reason: expect.stringContaining('Origin of cmk-byok would change from AWS_KMS to EXTERNAL') }),
    ]);
  });
});
