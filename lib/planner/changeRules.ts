/**
 * Which changes of a key KMS can make in place and which need a new key (docs/behaviour.md §6), as data.
 * A replacement takes the ability to decrypt old data with it when the old key's deletion window
 * ends, so the planner refuses it unless the key sets `AllowReplacement: true`.
 */
import type { ActualKey, DesiredKey, KeySpec, KeyUsage } from '../types.ts';
import type { KeyFamily } from './actualIndex.ts';
import { secretChangeOf } from './keyMaterial.ts';

/** A property whose change needs a new key: how to read it on each side. */
export interface ReplacementRule {
  /** The property name as the user writes it. */
  property: 'Spec' | 'KeyUsage' | 'MultiRegion' | 'Origin' | 'CustomKeyStoreIds';
  desired: (key: DesiredKey) => string;
  actual: (key: ActualKey) => string;
}

/** Fixed at CreateKey: KMS has no operation that changes them. */
export const REPLACEMENT_RULES: readonly ReplacementRule[] = [
  // Only a Delete reads keys without their spec and usage (`Unread`), and it compares nothing.
  { property: 'Spec', desired: (k) => k.spec, actual: (k) => String(k.spec) },
  { property: 'KeyUsage', desired: (k) => k.keyUsage, actual: (k) => String(k.keyUsage) },
  // Neither direction exists in KMS: a single-Region key never becomes multi-Region, nor back.
  { property: 'MultiRegion', desired: (k) => String(k.multiRegion), actual: (k) => String(k.multiRegion) },
  // KMS fixes where the material comes from at CreateKey (docs/key-material.md).
  { property: 'Origin', desired: (k) => k.origin ?? 'AWS_KMS', actual: (k) => (k.state === 'Unread' ? 'AWS_KMS' : (k.origin ?? 'AWS_KMS')) },
  // A key never moves between key stores.
  {
    property: 'CustomKeyStoreIds',
    desired: (k) => k.customKeyStore?.id ?? 'none',
    actual: (k) => (k.state === 'Unread' ? 'none' : (k.customKeyStoreId ?? 'none')),
  },
];

/** Properties changed in place, and the KMS operations that do it. */
export const IN_PLACE_CHANGES = {
  KeyPolicy: ['PutKeyPolicy'],
  PolicyStatements: ['PutKeyPolicy'],
  DefaultPolicyStatements: ['PutKeyPolicy'],
  /** Extra aliases: the key itself is not touched (planner/extraAliases.ts). */
  Aliases: ['CreateAlias', 'UpdateAlias', 'DeleteAlias'],
  Description: ['UpdateKeyDescription'],
  Tags: ['TagResource', 'UntagResource'],
  Enabled: ['EnableKey', 'DisableKey'],
  EnableKeyRotation: ['EnableKeyRotation', 'DisableKeyRotation'],
  RotationPeriodInDays: ['EnableKeyRotation'],
  ReplicaRegions: ['ReplicateKey', 'ScheduleKeyDeletion'],
  RemovalPolicy: ['TagResource'],
  DeletionWindowInDays: ['TagResource'],
  /** Only to a Region where the multi-Region key already has a replica; anywhere else is a replacement. */
  Region: ['UpdatePrimaryRegion'],
  /**
   * Imported again in every Region (docs/key-material.md): a changed ValidTo, material that expired
   * or was deleted, and a changed SecretArn (KMS refuses different material; with AllowReplacement a
   * changed SecretArn makes a new key instead; with AllowRotation it rotates the key to the new
   * secret's material: ImportKeyMaterial in every Region, then RotateKeyOnDemand on the primary).
   */
  KeyMaterial: ['ImportKeyMaterial', 'TagResource', 'RotateKeyOnDemand'],
} as const;

export interface PropertyChange {
  property: string;
  from: string;
  to: string;
}

export interface StructureComparison {
  /** Non-empty: a new key is needed. */
  changes: PropertyChange[];
  /** The primary moves to the desired primary Region with UpdatePrimaryRegion. */
  movePrimary: boolean;
}

/** Compares what only a new key (or UpdatePrimaryRegion) can change. */
export function compareStructure(key: DesiredKey, family: KeyFamily): StructureComparison {
  const reference = family.primary ?? family.members[0]!;
  const changes: PropertyChange[] = REPLACEMENT_RULES.filter((rule) => rule.desired(key) !== rule.actual(reference)).map((rule) => ({
    property: rule.property,
    from: rule.actual(reference),
    to: rule.desired(key),
  }));
  const secret = secretChangeOf(key, reference);
  if (secret !== null && key.allowReplacement) changes.push({ property: 'KeyMaterial.SecretArn', ...secret });
  let movePrimary = false;
  if (family.primary?.region !== key.primaryRegion) {
    const hasReplicaThere = family.members.some((m) => m.region === key.primaryRegion);
    if (key.multiRegion && family.multiRegion && family.primary !== null && hasReplicaThere) movePrimary = true;
    else {
      const from = family.primary?.region ?? reference.primaryRegion ?? reference.region;
      changes.push({ property: 'Region', from, to: key.primaryRegion });
    }
  }
  return { changes, movePrimary };
}

/** The refusal text for a replacement without `AllowReplacement`. */
export function replacementReason(keyName: string, changes: readonly PropertyChange[]): string {
  const what = changes.map((c) => `${c.property} of ${keyName} would change from ${c.from} to ${c.to}`).join(' and ');
  return `${what}, which needs a new key: the old key's data can no longer be decrypted once its deletion window ends. Set AllowReplacement: true to allow it.`;
}

export type KeyType = 'SYMMETRIC' | 'ASYMMETRIC' | 'HMAC';

export function keyTypeOf(spec: KeySpec): KeyType {
  if (spec === 'SYMMETRIC_DEFAULT') return 'SYMMETRIC';
  return spec.startsWith('HMAC_') ? 'HMAC' : 'ASYMMETRIC';
}

/**
 * UpdateAlias only moves an alias between keys of the same type and key usage (it exists to stop
 * code that uses the alias from breaking); otherwise the alias is deleted and created again.
 */
export function canUpdateAlias(from: { spec: KeySpec | null; keyUsage: KeyUsage | null }, to: { spec: KeySpec; keyUsage: KeyUsage }): boolean {
  return from.spec !== null && keyTypeOf(from.spec) === keyTypeOf(to.spec) && from.keyUsage === to.keyUsage;
}
