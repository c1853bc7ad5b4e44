/**
 * What must hold in any state the product leaves behind (docs/behaviour.md §6 crash safety), judged from the
 * emulator's state alone: no duplicate key, no orphaned key, no owned key without its alias.
 */
import { OWNERSHIP_TAGS } from '../../lib/ownership.ts';
import type { Snapshot, SnapshotKey } from '../../local/emulator/client.ts';
import { isPendingDeletion } from './normalise.ts';

export interface InvariantReport {
  /** Two or more live keys of this owner with the same KeyName in one Region. */
  duplicates: string[];
  /** Live keys of this owner that no alias targets. */
  orphans: string[];
  /** Live keys of this owner whose `alias/<KeyName>` is absent or targets another key. */
  missingAliases: string[];
}

function liveOwnedKeys(snapshot: Snapshot, ownerId: string): SnapshotKey[] {
  return snapshot.keys.filter((k) => k.tags[OWNERSHIP_TAGS.owner] === ownerId && !isPendingDeletion(k));
}

/** Checks the invariants for the keys `ownerId` owns. */
export function checkInvariants(snapshot: Snapshot, ownerId: string): InvariantReport {
  const live = liveOwnedKeys(snapshot, ownerId);
  const groups = new Map<string, SnapshotKey[]>();
  for (const key of live) {
    const id = `${key.region}/${key.tags[OWNERSHIP_TAGS.keyName] ?? '?'}`;
    groups.set(id, [...(groups.get(id) ?? []), key]);
  }
  const duplicates = [...groups]
    .filter(([, keys]) => keys.length > 1)
    .map(([id, keys]) => `${id}: ${keys.length} live keys (${keys.map((k) => `${k.keyId} ${k.keyState}`).join(', ')})`);
  // A grant made twice (a retried CreateGrant that did not reuse its name) is a duplicate too.
  for (const key of live) {
    const names = (key.grants ?? []).flatMap((g) => (g.name === null ? [] : [g.name]));
    for (const name of new Set(names)) {
      const count = names.filter((n) => n === name).length;
      if (count > 1) duplicates.push(`${key.region}/${key.tags[OWNERSHIP_TAGS.keyName] ?? '?'}: grant ${name} made ${count} times`);
    }
  }

  const aliasTargets = new Map<string, string>();
  const targeted = new Set<string>();
  for (const alias of snapshot.aliases) {
    aliasTargets.set(`${alias.region}/${alias.aliasName}`, alias.targetKeyId);
    targeted.add(`${alias.region}/${alias.targetKeyId}`);
  }
  const orphans: string[] = [];
  const missingAliases: string[] = [];
  for (const key of live) {
    const keyName = key.tags[OWNERSHIP_TAGS.keyName] ?? '?';
    if (!targeted.has(`${key.region}/${key.keyId}`)) orphans.push(`${key.region}/${keyName}: ${key.keyId} (${key.keyState}) has no alias`);
    const target = aliasTargets.get(`${key.region}/alias/${keyName}`);
    if (target !== key.keyId) {
      missingAliases.push(`${key.region}/alias/${keyName}: ${target === undefined ? 'absent' : `targets ${target}`}, not the live key ${key.keyId}`);
    }
  }
  return { duplicates, orphans, missingAliases };
}
