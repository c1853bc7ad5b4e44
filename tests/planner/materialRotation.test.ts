import { KEY_MATERIAL_SECRET_TAG } from '../../lib/ownership.ts';
import { plan } from '../../lib/planner/index.ts';
import { materialDescriptionOf } from '../../lib/planner/materialRotation.ts';
import type { Action, ActualState, DesiredKey, KeyMaterialVersion } from '../../lib/types.ts';
import { actualKey, alias, desiredKey, desiredState, ownedTags, replicaOf } from './fixtures.ts';

const OLD_SECRET = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:byok/material-AbCdEf';
const NEW_SECRET = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:byok/material-2-GhIjKl';
const VALID_TO = '2027-06-30T00:00:00.000Z';
const MRK = 'mrk-00000000000000000000000000000001';
const OLD_ID = 'a'.repeat(64);
const NEW_ID = 'b'.repeat(64);

/** An EXTERNAL multi-Region key (us-east-1 + eu-west-1) wanting NEW_SECRET's material, with AllowRotation. */
function rotating(overrides: Partial<DesiredKey> = {}): DesiredKey {
  return desiredKey('cmk-byok', {
    replicaRegions: ['eu-west-1'],
    rotation: null,
    origin: 'EXTERNAL',
    keyMaterial: { secretArn: NEW_SECRET, validTo: VALID_TO, allowRotation: true },
    ...overrides,
  });
}

const current = (description: string | null, id = OLD_ID): KeyMaterialVersion => ({ id, state: 'CURRENT', description, imported: true });
const pending = (state: KeyMaterialVersion['state'] = 'PENDING_ROTATION'): KeyMaterialVersion => ({
  id: NEW_ID,
  state,
  description: materialDescriptionOf(NEW_SECRET),
  imported: true,
});

/** The key as found: secret tag `recorded`, and each Region's materials. */
function found(key: DesiredKey, recorded: string, primaryMaterials: KeyMaterialVersion[] | null, replicaMaterials: KeyMaterialVersion[] | null): ActualState {
  const tags = { ...ownedTags(key), [KEY_MATERIAL_SECRET_TAG]: recorded };
  const primary = actualKey(key, MRK, { origin: 'EXTERNAL', tags, keyMaterialValidTo: VALID_TO, keyMaterials: primaryMaterials });
  return {
    keys: [primary, replicaOf(primary, 'eu-west-1', { keyMaterials: replicaMaterials })],
    aliases: [alias('us-east-1', key.aliasName, MRK), alias('eu-west-1', key.aliasName, MRK)],
  };
}

const outline = (actions: Action[]) =>
  actions.map((a) => {
    const detail = a.kind === 'ImportKeyMaterial' ? ` ${a.reason} ${a.importType ?? '-'}` : '';
    return `${a.kind} ${a.region}${detail} <- ${a.dependsOn.join(',')}`;
  });

const ROTATE = `RotateKeyOnDemand:us-east-1:cmk-byok:${MRK}`;
const IMPORT_P = `ImportKeyMaterial:us-east-1:cmk-byok:${MRK}`;
const IMPORT_R = `ImportKeyMaterial:eu-west-1:cmk-byok:${MRK}`;

describe('Function: plan (rotation of imported key material)', () => {
  it('imports new material into the primary, then the replica, rotates, then moves the secret tag', () => {
    // Prepare
    const key = rotating();

    // Act
    const result = plan(
      desiredState([key]),
      found(key, OLD_SECRET, [current(materialDescriptionOf(OLD_SECRET))], [current(materialDescriptionOf(OLD_SECRET))]),
    );

    // Assess
    expect(result.refusals).toEqual([]);
    expect(outline(result.actions)).toEqual([
      'ImportKeyMaterial eu-west-1 rotation EXISTING_KEY_MATERIAL <- ' + IMPORT_P,
      'ImportKeyMaterial us-east-1 rotation NEW_KEY_MATERIAL <- ',
      `RotateKeyOnDemand us-east-1 <- ${IMPORT_R},${IMPORT_P}`,
      `TagResource eu-west-1 <- ${ROTATE}`,
      `TagResource us-east-1 <- ${ROTATE}`,
    ]);
    expect(result.actions.find((a) => a.id === IMPORT_P)).toMatchObject({
      secretArn: NEW_SECRET,
      validTo: VALID_TO,
      materialDescription: NEW_SECRET,
      key: { keyId: MRK },
    });
  });

  it('goes by the recorded secret when the current material has no description (imported before AllowRotation)', () => {
    // Prepare
    const key = rotating();

    // Act
    const unread = plan(desiredState([key]), found(key, OLD_SECRET, null, null));
    const undescribed = plan(desiredState([key]), found(key, NEW_SECRET, [current(null)], [current(null)]));

    // Assess
    expect(unread.actions.map((a) => a.kind)).toEqual(['ImportKeyMaterial', 'ImportKeyMaterial', 'RotateKeyOnDemand', 'TagResource', 'TagResource']);
    expect(undescribed.actions).toEqual([]);
  });

  it('resumes a rotation that died after the primary import, after every import, and after the rotation', () => {
    // Prepare
    const key = rotating();
    const old = current(materialDescriptionOf(OLD_SECRET));
    const rotated = [
      { ...old, state: 'NON_CURRENT' as const },
      { ...pending(), state: 'CURRENT' as const },
    ];

    // Act
    const afterPrimary = plan(desiredState([key]), found(key, OLD_SECRET, [old, pending('PENDING_MULTI_REGION_IMPORT_AND_ROTATION')], [old]));
    const afterImports = plan(desiredState([key]), found(key, OLD_SECRET, [old, pending()], [old, pending()]));
    const afterRotation = plan(desiredState([key]), found(key, OLD_SECRET, rotated, rotated));

    // Assess
    expect(outline(afterPrimary.actions)).toEqual([
      'ImportKeyMaterial eu-west-1 rotation EXISTING_KEY_MATERIAL <- ',
      `RotateKeyOnDemand us-east-1 <- ${IMPORT_R}`,
      `TagResource eu-west-1 <- ${ROTATE}`,
      `TagResource us-east-1 <- ${ROTATE}`,
    ]);
    expect(outline(afterImports.actions)).toEqual([
      'RotateKeyOnDemand us-east-1 <- ',
      `TagResource eu-west-1 <- ${ROTATE}`,
      `TagResource us-east-1 <- ${ROTATE}`,
    ]);
    expect(outline(afterRotation.actions)).toEqual(['TagResource eu-west-1 <- ', 'TagResource us-east-1 <- ']);
  });

  it('refuses while other new material is pending, and a rotation together with a disabled key', () => {
    // Prepare
    const key = rotating();
    const stray: KeyMaterialVersion = { id: 'c'.repeat(64), state: 'PENDING_ROTATION', description: 'someone else', imported: true };
    const disabled = found(key, OLD_SECRET, [current(null)], [current(null)]);
    disabled.keys[0] = { ...disabled.keys[0]!, state: 'Disabled' };

    // Act
    const withStray = plan(desiredState([key]), found(key, OLD_SECRET, [current(null), stray], [current(null)]));
    const whileDisabled = plan(desiredState([rotating({ enabled: false })]), disabled);

    // Assess
    expect(withStray.refusals.map((r) => r.reason)).toEqual([
      `KeyMaterial.AllowRotation: material ${'c'.repeat(64)} (someone else) is pending rotation in us-east-1: delete it (DeleteImportedKeyMaterial with that KeyMaterialId) or set SecretArn to its secret`,
    ]);
    expect(whileDisabled.refusals.map((r) => r.reason)).toEqual([
      'KeyMaterial.AllowRotation: KMS rotates only an enabled key: set Enabled: true for the rotation',
    ]);
  });

  it('without AllowRotation imports the new secret as the same material (KMS refuses other material), with AllowReplacement replaces', () => {
    // Prepare
    const plain = rotating({ keyMaterial: { secretArn: NEW_SECRET, validTo: VALID_TO, allowRotation: false } });
    const both = rotating({ allowReplacement: true });
    const state = found(plain, OLD_SECRET, [current(null)], [current(null)]);

    // Act
    const imported = plan(desiredState([plain]), state);
    const rotatedNotReplaced = plan(desiredState([both]), state);

    // Assess
    expect(outline(imported.actions).filter((a) => a.startsWith('Import'))).toEqual([
      'ImportKeyMaterial eu-west-1 secret EXISTING_KEY_MATERIAL <- ',
      'ImportKeyMaterial us-east-1 secret - <- ',
    ]);
    expect(rotatedNotReplaced.actions.map((a) => a.kind)).not.toContain('CreateKey');
    expect(rotatedNotReplaced.actions.map((a) => a.kind)).toContain('RotateKeyOnDemand');
  });

  it('imports expired non-current material again from the secret its description names, before the current one', () => {
    // Prepare
    const key = rotating();
    const lost: KeyMaterialVersion = { id: OLD_ID, state: 'NON_CURRENT', description: OLD_SECRET, imported: false };
    const digest: KeyMaterialVersion = { ...lost, description: materialDescriptionOf(`${OLD_SECRET}+weird`) };
    const now = current(NEW_SECRET, NEW_ID);
    const expired = (old: KeyMaterialVersion) => {
      const state = found(key, NEW_SECRET, [old, now], [old, now]);
      state.keys = state.keys.map((k) => ({ ...k, state: 'PendingImport' as const }));
      return state;
    };

    // Act
    const restored = plan(desiredState([key]), expired(lost));
    const unrecorded = plan(desiredState([key]), expired(digest));

    // Assess
    expect(restored.refusals).toEqual([]);
    expect(outline(restored.actions)).toEqual([
      `ImportKeyMaterial eu-west-1 pending EXISTING_KEY_MATERIAL <- ${IMPORT_R}:${OLD_ID}`,
      'ImportKeyMaterial eu-west-1 pending EXISTING_KEY_MATERIAL <- ',
      `ImportKeyMaterial us-east-1 pending - <- ${IMPORT_P}:${OLD_ID}`,
      'ImportKeyMaterial us-east-1 pending EXISTING_KEY_MATERIAL <- ',
    ]);
    expect(restored.actions.find((a) => a.id === `${IMPORT_P}:${OLD_ID}`)).toMatchObject({ secretArn: OLD_SECRET, materialDescription: OLD_SECRET });
    expect(restored.actions.find((a) => a.id === IMPORT_P)).toMatchObject({ secretArn: NEW_SECRET });
    expect(unrecorded.refusals.map((r) => r.region)).toEqual(['eu-west-1', 'us-east-1']);
    expect(unrecorded.refusals[0]?.reason).toContain(`non-current material ${OLD_ID} expired or was deleted and its secret is not recorded`);
  });

  it('plans nothing once the rotation is done and the tags moved', () => {
    // Prepare
    const key = rotating();
    const old = { ...current(materialDescriptionOf(OLD_SECRET)), state: 'NON_CURRENT' as const };
    const rotated = [old, current(materialDescriptionOf(NEW_SECRET), NEW_ID)];

    // Act
    const again = plan(desiredState([key]), found(key, NEW_SECRET, rotated, rotated));

    // Assess
    expect(again.actions).toEqual([]);
    expect(again.refusals).toEqual([]);
  });
});
