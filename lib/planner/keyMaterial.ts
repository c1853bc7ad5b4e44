/**
 * Imported key material (docs/key-material.md): which primary or replica of an `Origin: EXTERNAL`
 * key gets an ImportKeyMaterial, and why. KMS does not copy imported material between related
 * multi-Region keys, so every member is imported on its own, with the same secret.
 */
import { KEY_MATERIAL_SECRET_TAG, keyMaterialSecretTagValue } from '../ownership.ts';
import type { Action, ActualKey, DesiredKey, KeyRef } from '../types.ts';
import { isPendingDeletion } from './actualIndex.ts';
import type { PlannerContext } from './context.ts';
import { materialDescriptionOf } from './materialRotation.ts';

type ImportReason = Extract<Action, { kind: 'ImportKeyMaterial' }>['reason'];

/**
 * Why an existing member needs its material imported, or null:
 * - `pending`: it has none (never imported, expired or deleted: `PendingImport`);
 * - `secret`: the secret recorded on it is not the wanted one (KMS refuses different material, so
 *   this import is also the check that the new secret holds the same material); with
 *   `AllowRotation`, none: the new secret's material is a rotation (materialRotation.ts);
 * - `validTo`: its material expires at another time (only an import changes the expiry).
 * A member pending deletion is imported after CancelKeyDeletion, when its state says so on the next read.
 */
export function importReasonOf(key: DesiredKey, member: ActualKey): ImportReason | null {
  const wanted = key.keyMaterial;
  if (wanted === undefined || key.origin !== 'EXTERNAL' || isPendingDeletion(member.state) || member.state === 'Unread') return null;
  if (member.state === 'PendingImport' || member.keyMaterialValidTo === undefined) return 'pending';
  const recorded = member.tags[KEY_MATERIAL_SECRET_TAG];
  // With AllowRotation a new secret is a rotation (materialRotation.ts), not an import of the same material.
  if (recorded !== undefined && recorded !== keyMaterialSecretTagValue(wanted.secretArn)) return wanted.allowRotation ? null : 'secret';
  return member.keyMaterialValidTo === wanted.validTo ? null : 'validTo';
}

/** Whether the secret recorded on the key differs from the wanted one: with AllowReplacement, a new key. */
export function secretChangeOf(key: DesiredKey, reference: ActualKey): { from: string; to: string } | null {
  const recorded = reference.tags[KEY_MATERIAL_SECRET_TAG];
  // With AllowRotation a new secret rotates the key instead of replacing it.
  if (key.keyMaterial === undefined || recorded === undefined || key.keyMaterial.allowRotation) return null;
  const to = keyMaterialSecretTagValue(key.keyMaterial.secretArn);
  return recorded === to ? null : { from: recorded, to };
}

/** The ImportKeyMaterial of one member (`id` chosen by the caller); returns its id, or null when there is nothing to import. */
export function planImport(
  ctx: PlannerContext,
  key: DesiredKey,
  at: { id: string; region: string; ref: KeyRef; dependsOn: string[]; reason: ImportReason },
): string {
  const material = key.keyMaterial!;
  const symmetric = key.spec === 'SYMMETRIC_DEFAULT';
  // "The import type for the replica Region key should be EXISTING_KEY_MATERIAL" (ImportKeyMaterial's
  // ImportType; only symmetric keys take it): the primary's material, never new material of its own.
  const replica = key.multiRegion && at.region !== key.primaryRegion;
  return ctx.out.add({
    kind: 'ImportKeyMaterial',
    id: at.id,
    region: at.region,
    keyName: key.keyName,
    dependsOn: at.dependsOn,
    key: at.ref,
    secretArn: material.secretArn,
    validTo: material.validTo,
    keySpec: key.spec,
    reason: at.reason,
    // With AllowRotation every material names its secret, so a later rotation knows which is which.
    ...(symmetric && replica ? { importType: 'EXISTING_KEY_MATERIAL' as const } : {}),
    ...(material.allowRotation && symmetric ? { materialDescription: materialDescriptionOf(material.secretArn) } : {}),
  });
}

/** Whether a new key (or replica) of `key` gets material: only an EXTERNAL key with KeyMaterial. */
export function importsMaterial(key: DesiredKey): boolean {
  return key.origin === 'EXTERNAL' && key.keyMaterial !== undefined;
}

/** An EXTERNAL key without KeyMaterial stays `PendingImport`, which KMS cannot disable (nor enable). */
export function awaitsImport(key: DesiredKey): boolean {
  return key.origin === 'EXTERNAL' && key.keyMaterial === undefined;
}
