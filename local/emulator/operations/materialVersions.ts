/**
 * The key materials of a symmetric encryption key with imported material, and their on-demand
 * rotation (ImportKeyMaterial's `ImportType`, `KeyMaterialId` and `KeyMaterialDescription`,
 * RotateKeyOnDemand, ListKeyRotations, DeleteImportedKeyMaterial's `KeyMaterialId`; KMS API
 * Reference for each, and RotationsListEntry):
 * - every import is identified by a KeyMaterialId that KMS computes "based on the KMS key ID and the
 *   imported key material" (64 lowercase hex digits);
 * - `ImportType` defaults to `NEW_KEY_MATERIAL` for a key that never had material and to
 *   `EXISTING_KEY_MATERIAL` after; a `KeyMaterialId` cannot be given with `NEW_KEY_MATERIAL`;
 * - new material goes into the primary only; the replicas take the same material as
 *   `EXISTING_KEY_MATERIAL`. On the primary it is `PENDING_MULTI_REGION_IMPORT_AND_ROTATION` until
 *   every replica has it, then `PENDING_ROTATION`;
 * - RotateKeyOnDemand (on the primary) makes the pending material `CURRENT` in every related key, and
 *   the former current one `NON_CURRENT`: "KMS uses CURRENT key material for both encryption and
 *   decryption and NON_CURRENT key material only for decryption". At most 25 on-demand rotations;
 * - "you will need to import all of the key materials associated with the KMS key to change its state
 *   to Enabled": a key whose current or non-current material expired or was deleted is PendingImport.
 * Guesses (README): the error codes of a NEW import into a replica, of a second pending material, and
 * of a rotation whose material is not in every replica; that pending material does not decide the key
 * state; that a Region's first import is bound to that Region (as before rotation was modelled).
 */
import { createHash } from 'node:crypto';
import { faults, KmsFault } from '../errors.ts';
import type { EmulatorState, KeyRecord, MaterialVersion } from '../state.ts';
import { type Input, optEnum, optInt, optString } from '../validate.ts';
import { decodeMarker, page } from './common.ts';

/** "You can perform on-demand key rotation a maximum of 25 times per KMS key." */
export const MAX_ON_DEMAND_ROTATIONS = 25;

const IMPORT_TYPES = ['NEW_KEY_MATERIAL', 'EXISTING_KEY_MATERIAL'] as const;
const PENDING = new Set<MaterialVersion['state']>(['PENDING_ROTATION', 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION']);
/** RotationsListEntry.KeyMaterialDescription: 0–256 of `[a-zA-Z0-9:/_\s.-]`. */
const DESCRIPTION = /^[a-zA-Z0-9:/_\s.-]*$/;

/** The KeyMaterialId of `material` in the key `keyId`: the same in every related multi-Region key. */
export function materialIdOf(keyId: string, material: Buffer): string {
  return createHash('sha256').update(keyId).update(material).digest('hex');
}

/** Whether a material state is one of the two pending ones. */
export function isPending(version: MaterialVersion): boolean {
  return PENDING.has(version.state);
}

function isReplica(key: KeyRecord): boolean {
  return key.shared.multiRegion && key.region !== key.shared.primaryRegion;
}

function primaryOf(state: EmulatorState, key: KeyRecord): KeyRecord | undefined {
  return state.relatedKeys(key.shared).find((k) => k.region === key.shared.primaryRegion);
}

interface ImportRequest {
  material: Buffer;
  validTo: number | null;
}

/** Records one ImportKeyMaterial of symmetric material; returns the KeyMaterialId. Throws KMS's errors. */
export function importVersion(state: EmulatorState, key: KeyRecord, input: Input, request: ImportRequest): string {
  key.materials ??= [];
  const versions = key.materials;
  const id = materialIdOf(key.shared.keyId, request.material);
  const type = optEnum(input, 'ImportType', IMPORT_TYPES) ?? (versions.length === 0 ? 'NEW_KEY_MATERIAL' : 'EXISTING_KEY_MATERIAL');
  const askedId = optString(input, 'KeyMaterialId', { min: 64, max: 64 });
  const description = optString(input, 'KeyMaterialDescription', { max: 256 });
  if (description !== undefined && !DESCRIPTION.test(description)) {
    throw faults.validation(
      "1 validation error detected: Value at 'keyMaterialDescription' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_\\s.-]+$",
    );
  }
  // "This parameter is optional and only usable with symmetric encryption keys" (each of the three).
  const given = ['ImportType', 'KeyMaterialId', 'KeyMaterialDescription'].filter((field) => input[field] !== undefined && input[field] !== null);
  if (key.shared.spec !== 'SYMMETRIC_DEFAULT' && given.length > 0) {
    throw faults.validation(`${given.join(', ')} can be used only with symmetric encryption keys (${key.arn} is ${key.shared.spec}).`);
  }
  if (type === 'NEW_KEY_MATERIAL' && askedId !== undefined) throw faults.validation('A KeyMaterialId cannot be specified with ImportType NEW_KEY_MATERIAL.');
  if (askedId !== undefined && askedId !== id) throw incorrect('The key material does not match the specified KeyMaterialId.');
  const own = versions.find((v) => v.id === id);
  const fresh = (s: MaterialVersion['state']): MaterialVersion => ({
    id,
    material: request.material,
    state: s,
    validTo: request.validTo,
    imported: true,
    description,
  });
  if (type === 'NEW_KEY_MATERIAL') {
    if (versions.length === 0) versions.push(fresh('CURRENT'));
    else versions.push(fresh(newPendingState(state, key, own !== undefined)));
  } else if (own !== undefined) {
    own.imported = true;
    own.validTo = request.validTo;
    if (description !== undefined) own.description = description;
  } else if (versions.length === 0) {
    versions.push(fresh('CURRENT'));
  } else if (isReplica(key) && primaryPendingId(state, key) === id) {
    versions.push(fresh('PENDING_ROTATION'));
    settlePrimaryPending(state, key, id);
  } else {
    throw incorrect('The key material is not the key material that was previously imported into this KMS key.');
  }
  syncKey(key);
  return id;
}

function incorrect(message: string): KmsFault {
  return new KmsFault('IncorrectKeyMaterialException', message);
}

/** The state of new material imported into a key that has some: checks what KMS refuses first. */
function newPendingState(state: EmulatorState, key: KeyRecord, associated: boolean): MaterialVersion['state'] {
  // "For asymmetric and HMAC keys, you cannot change the key material after the initial import."
  if (key.shared.spec !== 'SYMMETRIC_DEFAULT')
    throw incorrect(`The key material of ${key.arn} (${key.shared.spec}) cannot be changed after the initial import.`);
  if (isReplica(key)) {
    throw faults.unsupported(`${key.arn} is a multi-Region replica key: import new key material into its primary key in ${key.shared.primaryRegion}.`);
  }
  if (associated) throw incorrect('KMS expected new key material, but this key material is already associated with the KMS key.');
  if ((key.materials ?? []).some(isPending)) {
    throw incorrect('The KMS key already has imported key material pending rotation: rotate it, or delete it with DeleteImportedKeyMaterial first.');
  }
  const replicas = key.shared.multiRegion ? state.relatedKeys(key.shared).filter((k) => k !== key) : [];
  return replicas.length > 0 ? 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION' : 'PENDING_ROTATION';
}

function primaryPendingId(state: EmulatorState, key: KeyRecord): string | undefined {
  return primaryOf(state, key)?.materials?.find(isPending)?.id;
}

/** Once every replica has the primary's pending material, the primary's is PENDING_ROTATION. */
function settlePrimaryPending(state: EmulatorState, replica: KeyRecord, id: string): void {
  const primary = primaryOf(state, replica);
  const pending = primary?.materials?.find((v) => v.id === id);
  if (primary === undefined || pending === undefined) return;
  const replicas = state.relatedKeys(primary.shared).filter((k) => k !== primary);
  if (replicas.every((k) => k.materials?.some((v) => v.id === id))) pending.state = 'PENDING_ROTATION';
}

/**
 * `imported` (the current material, for Encrypt and DescribeKey) from the versions, and the key
 * state: PendingImport while a current or non-current material is not imported, Enabled once all are.
 */
export function syncKey(key: KeyRecord): void {
  const versions = key.materials ?? [];
  const current = versions.find((v) => v.state === 'CURRENT');
  key.imported = current?.imported ? { material: current.material, validTo: current.validTo } : null;
  const complete = versions.filter((v) => !isPending(v)).every((v) => v.imported) && current !== undefined;
  if (!complete && (key.state === 'Enabled' || key.state === 'Disabled')) key.state = 'PendingImport';
  else if (complete && key.state === 'PendingImport') key.state = 'Enabled';
}

/** The materials Decrypt may use: current and non-current, imported. */
export function decryptionMaterials(key: KeyRecord): Buffer[] {
  return (key.materials ?? []).filter((v) => v.imported && !isPending(v)).map((v) => v.material);
}

/** RotateKeyOnDemand of a key with imported material: the pending material becomes current everywhere. */
export function rotateImported(state: EmulatorState, key: KeyRecord): void {
  if (isReplica(key)) throw faults.unsupported(`${key.arn} is a multi-Region replica key; rotate its primary key in ${key.shared.primaryRegion}.`);
  const pending = (key.materials ?? []).find(isPending);
  if (pending === undefined) throw faults.invalidState(`${key.arn} has no imported key material in PENDING_ROTATION state: import new key material first.`);
  if (pending.state !== 'PENDING_ROTATION') {
    throw faults.invalidState(`${key.arn}: the new key material has not been imported into every replica key (PENDING_MULTI_REGION_IMPORT_AND_ROTATION).`);
  }
  if ((key.shared.onDemandRotations ?? 0) >= MAX_ON_DEMAND_ROTATIONS) {
    throw faults.limitExceeded(`${key.arn} has reached the maximum of ${MAX_ON_DEMAND_ROTATIONS} on-demand rotations.`);
  }
  key.shared.onDemandRotations = (key.shared.onDemandRotations ?? 0) + 1;
  const at = state.now();
  for (const member of key.shared.multiRegion ? state.relatedKeys(key.shared) : [key]) {
    for (const version of member.materials ?? []) {
      if (version.state === 'CURRENT') version.state = 'NON_CURRENT';
      else if (version.id === pending.id) Object.assign(version, { state: 'CURRENT', rotationDate: at });
    }
    syncKey(member);
  }
}

/** DeleteImportedKeyMaterial of one material (default: the current one); returns its id. */
export function deleteVersion(state: EmulatorState, key: KeyRecord, askedId: string | undefined): string | undefined {
  const versions = key.materials ?? [];
  const version = askedId === undefined ? versions.find((v) => v.state === 'CURRENT') : versions.find((v) => v.id === askedId);
  if (askedId !== undefined && version === undefined) throw faults.notFound(`Key material ${askedId} is not associated with ${key.arn}.`);
  if (version === undefined) return undefined;
  if (isPending(version)) {
    // "When you delete the key material of a primary Region key that is in PENDING_ROTATION or
    // PENDING_MULTI_REGION_IMPORT_AND_ROTATION state, you'll also be deleting the key materials for the replica Region keys."
    const members = isReplica(key) ? [key] : state.relatedKeys(key.shared);
    for (const member of members) member.materials = (member.materials ?? []).filter((v) => v.id !== version.id);
    if (isReplica(key)) {
      const primaryPending = primaryOf(state, key)?.materials?.find((v) => v.id === version.id);
      if (primaryPending !== undefined) primaryPending.state = 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION';
    }
  } else {
    version.imported = false;
  }
  syncKey(key);
  return version.id;
}

/** ListKeyRotations' entries of a key with imported material. */
export function rotationEntries(key: KeyRecord, input: Input): Record<string, unknown> {
  const include = optEnum(input, 'IncludeKeyMaterial', ['ALL_KEY_MATERIAL', 'ROTATIONS_ONLY'] as const) ?? 'ROTATIONS_ONLY';
  const limit = optInt(input, 'Limit', 1, 1000) ?? 100;
  const marker = decodeMarker(optString(input, 'Marker', { min: 1, max: 1024 }));
  const listed = (key.materials ?? []).filter((v) => include === 'ALL_KEY_MATERIAL' || v.rotationDate !== undefined);
  // Listed in import order; the marker is the position (page() compares ids, so they are made sortable).
  const indexed = listed.map((v, i) => ({ v, at: String(i).padStart(6, '0') }));
  const result = page(indexed, (e) => e.at, limit, marker);
  return {
    Rotations: result.items.map(({ v }) => ({
      KeyId: key.shared.keyId,
      KeyMaterialId: v.id,
      ...(v.description === undefined ? {} : { KeyMaterialDescription: v.description }),
      ImportState: v.imported ? 'IMPORTED' : 'PENDING_IMPORT',
      KeyMaterialState: v.state,
      ExpirationModel: v.validTo === null ? 'KEY_MATERIAL_DOES_NOT_EXPIRE' : 'KEY_MATERIAL_EXPIRES',
      ...(v.validTo === null ? {} : { ValidTo: v.validTo / 1000 }),
      ...(v.rotationDate === undefined ? {} : { RotationDate: v.rotationDate / 1000, RotationType: 'ON_DEMAND' }),
    })),
    Truncated: result.truncated,
    ...(result.nextMarker === undefined ? {} : { NextMarker: result.nextMarker }),
  };
}
