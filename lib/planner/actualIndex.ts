/**
 * Look-ups over `ActualState`: keys grouped into families (a multi-Region primary and its replicas
 * share one key id; a single-Region key is a family of one), and aliases per Region.
 * Only the Regions the resource may use are indexed: a key or alias elsewhere is invisible to the
 * plan, exactly as if the reader had not looked there.
 */
import type { ActualAlias, ActualKey, ActualKeyState, ActualState } from '../types.ts';
import { compare } from './builder.ts';

export interface KeyFamily {
  keyId: string;
  /** Every visible key with this id, sorted by Region. */
  members: ActualKey[];
  /** The multi-Region primary or the single-Region key, when it is in a visible Region. */
  primary: ActualKey | null;
  multiRegion: boolean;
}

export interface ActualIndex {
  /** Sorted by key id. */
  families: KeyFamily[];
  family(keyId: string): KeyFamily | undefined;
  key(region: string, keyId: string): ActualKey | undefined;
  alias(region: string, aliasName: string): ActualAlias | undefined;
  /** Sorted by alias name. */
  aliasesTargeting(region: string, keyId: string): ActualAlias[];
}

export function indexActual(actual: ActualState, regions: readonly string[]): ActualIndex {
  const visible = new Set(regions);
  const keys = actual.keys.filter((k) => visible.has(k.region)).sort((a, b) => compare(a.keyId, b.keyId) || compare(a.region, b.region));
  const aliases = actual.aliases.filter((a) => visible.has(a.region)).sort((a, b) => compare(a.region, b.region) || compare(a.aliasName, b.aliasName));

  const byRegionKey = new Map<string, ActualKey>();
  const families = new Map<string, KeyFamily>();
  for (const key of keys) {
    byRegionKey.set(at(key.region, key.keyId), key);
    let family = families.get(key.keyId);
    if (!family) {
      family = { keyId: key.keyId, members: [], primary: null, multiRegion: key.multiRegion };
      families.set(key.keyId, family);
    }
    family.members.push(key);
    if (family.primary === null && key.role !== 'REPLICA') family.primary = key;
  }

  const byRegionAlias = new Map<string, ActualAlias>();
  const byTarget = new Map<string, ActualAlias[]>();
  for (const alias of aliases) {
    byRegionAlias.set(at(alias.region, alias.aliasName), alias);
    const target = at(alias.region, alias.targetKeyId);
    byTarget.set(target, [...(byTarget.get(target) ?? []), alias]);
  }

  return {
    families: [...families.values()],
    family: (keyId) => families.get(keyId),
    key: (region, keyId) => byRegionKey.get(at(region, keyId)),
    alias: (region, aliasName) => byRegionAlias.get(at(region, aliasName)),
    aliasesTargeting: (region, keyId) => byTarget.get(at(region, keyId)) ?? [],
  };
}

/** KMS refuses most changes to a key waiting for deletion; CancelKeyDeletion comes first. */
export function isPendingDeletion(state: ActualKeyState): boolean {
  return state === 'PendingDeletion' || state === 'PendingReplicaDeletion';
}

/**
 * States that count as enabled: a new replica is `Creating` for a few seconds and becomes
 * `Enabled`; `Updating` is the transient state around UpdatePrimaryRegion.
 */
export function isActive(state: ActualKeyState): boolean {
  return state === 'Enabled' || state === 'Creating' || state === 'Updating';
}

function at(region: string, name: string): string {
  return `${region}\n${name}`;
}
