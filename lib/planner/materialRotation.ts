/**
 * Rotation of imported key material (`KeyMaterial.AllowRotation`, docs/key-material.md): when the
 * secret changes, its material is imported as new material into the primary
 * (`ImportType: NEW_KEY_MATERIAL`), then into every replica (`EXISTING_KEY_MATERIAL`), and the primary
 * is rotated on demand (`RotateKeyOnDemand`), which makes it current in every related key. The old
 * material stays as non-current: ciphertext made with it still decrypts.
 *
 * Every material the product imports with AllowRotation carries a `KeyMaterialDescription` naming its
 * secret, and the reader lists each member's materials (ListKeyRotations), so the plan is exact after
 * a crash at any point: an import already done (the material is pending in that Region) is not
 * repeated, and once the primary's current material names the wanted secret only the tag moves.
 */
import { createHash } from 'node:crypto';
import { KEY_MATERIAL_SECRET_TAG, keyMaterialSecretTagValue } from '../ownership.ts';
import type { ActualKey, DesiredKey, KeyMaterialVersion } from '../types.ts';
import type { PlannerContext } from './context.ts';
import { keyActionId } from './ids.ts';

/** KMS's KeyMaterialDescription: 0–256 of `[a-zA-Z0-9:/_\s.-]`. */
const DESCRIPTION = /^[a-zA-Z0-9:/_\s.-]{1,256}$/;

/** The description naming a secret: its ARN when KMS's pattern takes it, else `sha256:<hex>` of the ARN. */
export function materialDescriptionOf(secretArn: string): string {
  return DESCRIPTION.test(secretArn) ? secretArn : `sha256:${createHash('sha256').update(secretArn).digest('hex')}`;
}

/** Whether a material is imported for a rotation that has not happened yet. */
export function isPendingRotation(material: KeyMaterialVersion): boolean {
  return material.state === 'PENDING_ROTATION' || material.state === 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION';
}

/**
 * Whether the primary's current material is from another secret than `secretArn`: by the current
 * material's description when it has one, else by the secret recorded on the key (material imported
 * before AllowRotation carries no description).
 */
export function rotationWanted(primary: ActualKey, secretArn: string): boolean {
  const current = primary.keyMaterials?.find((m) => m.state === 'CURRENT');
  if (current?.description != null) return current.description !== materialDescriptionOf(secretArn);
  const recorded = primary.tags[KEY_MATERIAL_SECRET_TAG];
  return recorded !== undefined && recorded !== keyMaterialSecretTagValue(secretArn);
}

/** What the rotation of one key waits for and what waits for it, per Region. */
export interface RotationContext {
  /** The key's members that stay (the primary among them). */
  members: readonly ActualKey[];
  /** Actions planned on a member before the rotation's imports (CancelKeyDeletion, EnableKey, an import). */
  gates: ReadonlyMap<string, { cancel: string | null; enable: string | null; imported?: string | null }>;
  /** The primary moves in this plan: rotation waits for a later request. */
  moving: boolean;
  /** Replicas are added in this plan: they would take the new material as their first, before the rotation. */
  adding: boolean;
}

/** Plans the imports and the RotateKeyOnDemand of one key when its secret changed with AllowRotation; returns the rotation's id or null. */
export function planMaterialRotation(ctx: PlannerContext, key: DesiredKey, at: RotationContext): string | null {
  const wanted = key.keyMaterial;
  const primary = at.members.find((m) => m.region === key.primaryRegion);
  if (wanted?.allowRotation !== true || key.origin !== 'EXTERNAL' || primary === undefined || !rotationWanted(primary, wanted.secretArn)) return null;
  const refusal = rotationRefusal(key, primary, at);
  if (refusal !== null) {
    ctx.out.refuse(key.keyName, primary.region, `KeyMaterial.AllowRotation: ${refusal}`);
    return null;
  }
  const description = materialDescriptionOf(wanted.secretArn);
  const { keyName } = key;
  const planned = new Set(ctx.out.ids());
  const ifPlanned = (kind: 'PutKeyPolicy' | 'TagResource', region: string) => {
    const id = keyActionId(kind, region, keyName, primary.keyId);
    return planned.has(id) ? id : null;
  };
  const importInto = (member: ActualKey, importType: 'NEW_KEY_MATERIAL' | 'EXISTING_KEY_MATERIAL', after: (string | null)[]) =>
    ctx.out.add({
      kind: 'ImportKeyMaterial',
      id: keyActionId('ImportKeyMaterial', member.region, keyName, member.keyId),
      region: member.region,
      keyName,
      dependsOn: [at.gates.get(member.region)?.cancel ?? null, ifPlanned('PutKeyPolicy', member.region), ...after] as string[],
      key: { keyId: member.keyId },
      secretArn: wanted.secretArn,
      validTo: wanted.validTo,
      keySpec: key.spec,
      reason: 'rotation',
      importType,
      materialDescription: description,
    });
  const has = (member: ActualKey) => member.keyMaterials?.some((m) => isPendingRotation(m) && m.description === description) === true;
  const primaryImport = has(primary) ? null : importInto(primary, 'NEW_KEY_MATERIAL', []);
  const replicaImports = at.members.filter((m) => m !== primary && !has(m)).map((m) => importInto(m, 'EXISTING_KEY_MATERIAL', [primaryImport]));
  const rotateId = ctx.out.onKey(
    'RotateKeyOnDemand',
    primary.region,
    keyName,
    primary.keyId,
    [primaryImport, ...replicaImports, ifPlanned('PutKeyPolicy', primary.region), at.gates.get(primary.region)?.enable],
    { secretArn: wanted.secretArn },
  );
  // The secret recorded on each member moves once the rotation is done.
  for (const member of at.members) {
    const tagId = ifPlanned('TagResource', member.region);
    if (tagId !== null) ctx.out.addDependencies(tagId, [rotateId]);
  }
  return rotateId;
}

/** Why the rotation cannot be planned now, or null. */
function rotationRefusal(key: DesiredKey, primary: ActualKey, at: RotationContext): string | null {
  if (key.spec !== 'SYMMETRIC_DEFAULT') return `KMS rotates imported material only in SYMMETRIC_DEFAULT keys (the key is ${key.spec})`;
  if (at.moving) return 'the primary Region changes in this update too: change the primary Region and the secret in two updates';
  if (at.adding) return 'ReplicaRegions gain a Region in this update too: add the Region and change the secret in two updates';
  const unusable = at.members.find((m) => m.state !== 'Enabled' && m.state !== 'Disabled');
  if (unusable !== undefined) {
    return `the key is ${unusable.state} in ${unusable.region}: KMS rotates only a key whose every Region has its material; set SecretArn back until it is Enabled`;
  }
  if (at.members.some((m) => (at.gates.get(m.region)?.imported ?? null) !== null))
    return 'the material is being imported again in this update: rotate in the next one';
  if (primary.state === 'Disabled' && !key.enabled) return 'KMS rotates only an enabled key: set Enabled: true for the rotation';
  const other = primary.keyMaterials?.find((m) => isPendingRotation(m) && m.description !== materialDescriptionOf(key.keyMaterial!.secretArn));
  if (other !== undefined) {
    return `material ${other.id} (${other.description ?? 'no description'}) is pending rotation in ${primary.region}: delete it (DeleteImportedKeyMaterial with that KeyMaterialId) or set SecretArn to its secret`;
  }
  return null;
}

/** A secret ARN as the function writes it into a description (not a `sha256:` digest). */
const SECRET_ARN = /^arn:aws(-[a-z]+)*:secretsmanager:[a-z0-9-]+:\d{12}:secret:\S+$/;

/**
 * The non-current materials of a member that expired or were deleted (ImportState PENDING_IMPORT): KMS
 * keeps the key `PendingImport` until every material of it is imported again. Each is imported again
 * from the secret its description names (`EXISTING_KEY_MATERIAL`), with the wanted expiry; returns their
 * ids, which the import of the current material waits for (the last import makes the key `Enabled`).
 * A material whose secret is recorded only as a digest cannot be found again: refused, naming it.
 */
export function restoreLostMaterials(ctx: PlannerContext, key: DesiredKey, member: ActualKey, after: string[]): string[] {
  const wanted = key.keyMaterial;
  if (wanted === undefined) return [];
  const lost = (member.keyMaterials ?? []).filter((m) => m.state === 'NON_CURRENT' && !m.imported);
  const ids: string[] = [];
  for (const material of lost) {
    if (material.description === null || !SECRET_ARN.test(material.description)) {
      const named = material.description === null ? 'no description' : `only the digest ${material.description}`;
      ctx.out.refuse(
        key.keyName,
        member.region,
        `KeyMaterial: non-current material ${material.id} expired or was deleted and its secret is not recorded (${named}): import it yourself, KMS keeps the key PendingImport until then`,
      );
      continue;
    }
    ids.push(
      ctx.out.add({
        kind: 'ImportKeyMaterial',
        id: `${keyActionId('ImportKeyMaterial', member.region, key.keyName, member.keyId)}:${material.id}`,
        region: member.region,
        keyName: key.keyName,
        dependsOn: after,
        key: { keyId: member.keyId },
        secretArn: material.description,
        validTo: wanted.validTo,
        keySpec: key.spec,
        reason: 'pending',
        importType: 'EXISTING_KEY_MATERIAL',
        materialDescription: material.description,
      }),
    );
  }
  return ids;
}
