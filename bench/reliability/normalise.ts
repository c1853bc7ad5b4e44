/**
 * Emulator state made comparable across runs: key ids, ARNs and dates differ on every run, so each
 * key gets a stable name from its Region and what identifies it (the KeyName ownership tag of the
 * scenario's owner, else its description), and every id inside policies, tags and aliases is
 * replaced by that name. Two runs that reached the same state normalise to equal objects.
 */
import { OWNERSHIP_TAGS } from '../../lib/ownership.ts';
import type { Snapshot, SnapshotKey } from '../../local/emulator/client.ts';

/** One key without run-specific values. */
export interface NormalisedKey {
  keyState: string;
  keySpec: string;
  keyUsage: string;
  multiRegion: boolean;
  multiRegionKeyType: string | null;
  primaryRegion: string | null;
  replicaRegions: string[];
  description: string;
  policy: string;
  tags: Record<string, string>;
  rotation: { enabled: boolean; periodInDays: number };
  /** Only whether a deletion date is set: the date itself depends on when the run happened. */
  deletionScheduled: boolean;
  pendingWindowInDays: number | null;
  /** The key's grants (`<name> <grantee> <operations>`, sorted), when it has any; a duplicate shows twice. */
  grants?: string[];
}

export interface NormalisedState {
  /** `<region>/<name>` → key. */
  keys: Record<string, NormalisedKey>;
  /** `<region>/<alias name>` → the stable name of its target (`<region>/<name>`), or `?` if unknown. */
  aliases: Record<string, string>;
}

const PENDING = new Set(['PendingDeletion', 'PendingReplicaDeletion']);

/** True while a key waits for deletion (it may still be restored, but it serves nothing). */
export function isPendingDeletion(key: Pick<SnapshotKey, 'keyState'>): boolean {
  return PENDING.has(key.keyState);
}

/** The Region-independent part of a key's stable name. */
export function baseNameOf(key: SnapshotKey, ownerId: string): string {
  if (key.keyManager === 'AWS') return 'aws-managed';
  const owner = key.tags[OWNERSHIP_TAGS.owner];
  const keyName = key.tags[OWNERSHIP_TAGS.keyName];
  if (owner === ownerId && keyName !== undefined) return `owned:${keyName}`;
  if (owner !== undefined) return `other-owner:${keyName ?? '?'}:${key.description}`;
  return `unowned:${key.description}`;
}

/** Live keys before pending ones, then oldest first: the order in which `#2`, `#3` are given. */
function order(a: SnapshotKey, b: SnapshotKey): number {
  const pending = Number(isPendingDeletion(a)) - Number(isPendingDeletion(b));
  return pending !== 0 ? pending : a.creationDate.localeCompare(b.creationDate) || a.keyId.localeCompare(b.keyId);
}

/** Replaces every occurrence of the ids (key ids and ARNs) in `text` with their names. */
function replaceIds(text: string, names: Map<string, string>): string {
  let out = text;
  for (const [id, name] of names) if (out.includes(id)) out = out.split(id).join(`<${name}>`);
  return out;
}

/**
 * `snapshot` without run-specific values, seen from the owner `ownerId` (the resource under test).
 * Keys that would get the same name are told apart by `#2`, `#3`… in a stable order.
 */
export function normaliseState(snapshot: Snapshot, ownerId: string): NormalisedState {
  const names = new Map<SnapshotKey, string>();
  const taken = new Map<string, number>();
  for (const key of [...snapshot.keys].sort(order)) {
    const base = `${key.region}/${baseNameOf(key, ownerId)}`;
    const n = (taken.get(base) ?? 0) + 1;
    taken.set(base, n);
    names.set(key, n === 1 ? base : `${base}#${n}`);
  }
  // ARNs first: they contain the key id, which must not be replaced inside them.
  const ids = new Map<string, string>();
  for (const [key, name] of names) ids.set(key.arn, name);
  for (const [key, name] of names) if (!ids.has(key.keyId)) ids.set(key.keyId, name.slice(name.indexOf('/') + 1));

  const keys: Record<string, NormalisedKey> = {};
  for (const [key, name] of names) {
    keys[name] = {
      keyState: key.keyState,
      keySpec: key.keySpec,
      keyUsage: key.keyUsage,
      multiRegion: key.multiRegion,
      multiRegionKeyType: key.multiRegionKeyType,
      primaryRegion: key.primaryRegion,
      replicaRegions: [...key.replicaRegions].sort(),
      description: replaceIds(key.description, ids),
      policy: replaceIds(key.policy, ids),
      tags: Object.fromEntries(Object.entries(key.tags).map(([k, v]) => [k, replaceIds(v, ids)])),
      rotation: key.rotation,
      deletionScheduled: key.deletionDate !== null,
      pendingWindowInDays: key.pendingWindowInDays,
      ...grantsOf(key, ids),
    };
  }
  const byRegionId = new Map<string, string>();
  for (const [key, name] of names) byRegionId.set(`${key.region}/${key.keyId}`, name);
  const aliases: Record<string, string> = {};
  for (const alias of snapshot.aliases) aliases[`${alias.region}/${alias.aliasName}`] = byRegionId.get(`${alias.region}/${alias.targetKeyId}`) ?? '?';
  return { keys: sortedRecord(keys), aliases: sortedRecord(aliases) };
}

function grantsOf(key: SnapshotKey, ids: Map<string, string>): { grants?: string[] } {
  const grants = (key.grants ?? []).map((g) => `${replaceIds(g.name ?? '(no name)', ids)} ${g.granteePrincipal} ${[...g.operations].sort().join(',')}`).sort();
  return grants.length === 0 ? {} : { grants };
}

function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/** Readable differences between an expected and an actual normalised state (empty when equal). */
export function diffStates(expected: NormalisedState, actual: NormalisedState): string[] {
  const diffs: string[] = [];
  for (const name of union(expected.keys, actual.keys)) {
    const want = expected.keys[name];
    const got = actual.keys[name];
    if (want === undefined) diffs.push(`extra key ${name} (${got!.keyState})`);
    else if (got === undefined) diffs.push(`missing key ${name} (${want.keyState})`);
    else {
      for (const field of union(want as unknown as Record<string, unknown>, got as unknown as Record<string, unknown>) as (keyof NormalisedKey)[]) {
        const a = JSON.stringify(want[field]);
        const b = JSON.stringify(got[field]);
        if (a !== b) diffs.push(`key ${name}: ${field} expected ${clip(a)}, got ${clip(b)}`);
      }
    }
  }
  for (const name of union(expected.aliases, actual.aliases)) {
    const want = expected.aliases[name];
    const got = actual.aliases[name];
    if (want !== got) diffs.push(`alias ${name}: expected ${want ?? 'absent'}, got ${got ?? 'absent'}`);
  }
  return diffs;
}

function union(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}

function clip(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
