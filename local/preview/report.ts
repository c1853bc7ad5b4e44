/**
 * What the preview prints about keys, attributes, policies and KMS calls: a table while it is
 * readable, a per-Region summary past `SUMMARY_THRESHOLD` rows (`--all` prints everything).
 */
import type { EmulatorCounts, Snapshot, SnapshotKey } from '../emulator/client.ts';

/** More rows than this are summarised unless `--all`. */
export const SUMMARY_THRESHOLD = 40;

/** Owner tag of the product (`lib/ownership.ts`). */
const OWNER_TAG = 'MultiRegionKmsKeys:Owner';
const KEY_NAME_TAG = 'MultiRegionKmsKeys:KeyName';

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The keys of `owner`, sorted by Region and key id. */
export function ownedKeys(state: Snapshot, owner: string): SnapshotKey[] {
  return state.keys.filter((k) => k.tags[OWNER_TAG] === owner).sort((a, b) => a.region.localeCompare(b.region) || a.keyId.localeCompare(b.keyId));
}

function roleOf(key: SnapshotKey): string {
  return key.multiRegionKeyType === null ? 'single-Region' : key.multiRegionKeyType.toLowerCase();
}

/** The per-Region key table, or its summary when long. */
export function keysReport(state: Snapshot, keys: SnapshotKey[], all: boolean): string {
  if (keys.length === 0) return '(no key owned by the resource)';
  const aliasOf = (k: SnapshotKey) =>
    state.aliases
      .filter((a) => a.region === k.region && a.targetKeyId === k.keyId)
      .map((a) => a.aliasName)
      .join(',') || '-';
  if (all || keys.length <= SUMMARY_THRESHOLD) {
    const rows = keys.map((k) => [
      k.region,
      aliasOf(k),
      k.keyId,
      roleOf(k),
      k.keySpec,
      k.keyState + (k.deletionDate ? ` (deleted on ${k.deletionDate.slice(0, 10)})` : ''),
      k.rotation.enabled ? `every ${k.rotation.periodInDays} d` : 'off',
    ]);
    return table(['Region', 'alias', 'key id', 'role', 'spec', 'state', 'rotation'], rows);
  }
  const byRegion = new Map<string, SnapshotKey[]>();
  for (const k of keys) byRegion.set(k.region, [...(byRegion.get(k.region) ?? []), k]);
  const rows = [...byRegion.entries()].map(([region, inRegion]) => [
    region,
    String(inRegion.length),
    ...['primary', 'replica', 'single-Region'].map((role) => String(inRegion.filter((k) => roleOf(k) === role).length)),
    countsText(inRegion.map((k) => k.keyState)),
  ]);
  return `${table(['Region', 'keys', 'primary', 'replica', 'single-Region', 'states'], rows)}\n(${keys.length} keys in ${byRegion.size} Regions, summarised; --all prints every key)`;
}

/** The attributes of an answer, or a summary per family when long. */
export function attributesReport(data: Record<string, unknown>, all: boolean): string {
  const entries = Object.entries(data)
    .map(([name, value]): [string, string] => [name, String(value)])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return '(none returned)';
  if (all || entries.length <= SUMMARY_THRESHOLD) return table(['name', 'value'], entries);
  const families = countsText(entries.map(([name]) => name.split('.')[0]!));
  const first = table(['name', 'value'], entries.slice(0, 10));
  return `${first}\n… ${entries.length} attributes in all (${families}); --all prints every one`;
}

/** `a 3, b 1`: occurrences of each value, sorted by value. */
function countsText(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([v, n]) => `${v} ${n}`)
    .join(', ');
}

/** Each key's generated policy once (primary and replicas share it), with the Regions it is in. */
export function policiesReport(keys: SnapshotKey[]): string {
  const byPolicy = new Map<string, { names: Set<string>; regions: Set<string> }>();
  for (const k of keys) {
    const name = k.tags[KEY_NAME_TAG] ?? k.keyId;
    const id = `${name}\u0000${k.policy}`;
    const entry = byPolicy.get(id) ?? { names: new Set([name]), regions: new Set<string>() };
    entry.regions.add(k.region);
    byPolicy.set(id, entry);
  }
  return [...byPolicy.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, { names, regions }]) => {
      const policy = id.slice(id.indexOf('\u0000') + 1);
      return `Key policy of ${[...names].join(', ')} (${[...regions].sort().join(', ')}):\n${JSON.stringify(JSON.parse(policy), null, 2)}`;
    })
    .join('\n\n');
}

const READ = /^(Describe|Get|List)/;

/**
 * `CreateKey×2, ReplicateKey×1`: the mutating KMS requests between two counter readings that were
 * served, and apart from them the throttled requests the product retried.
 */
export function callsReport(before: EmulatorCounts, after: EmulatorCounts): string {
  const throttledBy = (counts: EmulatorCounts, op: string) => counts.throttledByOperation?.[op] ?? 0;
  const served: string[] = [];
  const throttled: string[] = [];
  for (const op of Object.keys(after.byOperation).sort()) {
    const t = throttledBy(after, op) - throttledBy(before, op);
    const n = after.byOperation[op]! - (before.byOperation[op] ?? 0) - t;
    if (n > 0 && !READ.test(op)) served.push(`${op}×${n}`);
    if (t > 0) throttled.push(`${op}×${t}`);
  }
  const text = served.join(', ') || 'none';
  return throttled.length === 0 ? text : `${text}; throttled and retried (not counted above): ${throttled.join(', ')}`;
}
