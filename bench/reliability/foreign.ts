/**
 * Keys the product does not own, seeded in every Region before each scenario, and the check that
 * they come out of it untouched (docs/behaviour.md §6: the product never changes or deletes a key it does not
 * own). The seeds include the tricky ones: aliases the reference never uses, an alias with a
 * reference key's name in a Region where that key does not live, and keys carrying the reserved
 * ownership prefix on behalf of another stack — one of them even with the KeyName `cmk-prod`.
 */
import { OWNERSHIP_TAGS } from '../../lib/ownership.ts';
import type { EmulatorControl, SeedKeyRequest, Snapshot } from '../../local/emulator/client.ts';

const OTHER_STACK_ID = 'arn:aws:cloudformation:us-east-1:111122223333:stack/other-stack/00000000-0000-4000-a000-000000000000';

/** Ownership tags of a resource in another stack: the product must see them as foreign. */
function otherOwnerTags(keyName: string): Record<string, string> {
  return {
    [OWNERSHIP_TAGS.owner]: 'mrkk-0123456789abcdef0123456789abcdef',
    [OWNERSHIP_TAGS.stackId]: OTHER_STACK_ID,
    [OWNERSHIP_TAGS.logicalId]: 'Keys',
    [OWNERSHIP_TAGS.keyName]: keyName,
    [OWNERSHIP_TAGS.removalPolicy]: 'Delete',
    [OWNERSHIP_TAGS.deletionWindowInDays]: '7',
  };
}

/** The foreign keys of one Region. */
export function foreignSeeds(region: string): SeedKeyRequest[] {
  const seeds: SeedKeyRequest[] = [
    { region, aliasName: 'alias/foreign-app', description: `foreign app key (${region})`, tags: { team: 'other' } },
    { region, description: `other stack's cmk-prod, no alias (${region})`, tags: otherOwnerTags('cmk-prod') },
    {
      region,
      aliasName: 'alias/other-stack-key',
      multiRegion: true,
      description: `other stack's multi-Region key (${region})`,
      tags: otherOwnerTags('other-stack-key'),
    },
    { region, description: `loose key, no alias, no tags (${region})` },
    { region, aliasName: 'alias/foreign-signing', spec: 'ECC_NIST_P256', description: `foreign signing key (${region})` },
  ];
  // A reference key's alias name, in a Region where the reference does not put that key.
  if (region === 'eu-central-1') seeds.push({ region, aliasName: 'alias/cmk-stage', description: 'foreign key under alias/cmk-stage (eu-central-1)' });
  return seeds;
}

/** Seeds the foreign keys of every Region; returns their key ids. */
export async function seedForeignKeys(control: EmulatorControl, regions: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const region of regions) {
    for (const seed of foreignSeeds(region)) ids.push((await control.seedKey(seed)).keyId);
  }
  return ids;
}

/** `<region>/<keyId>` → everything observable about that foreign key, as canonical JSON. */
export type ForeignView = Record<string, string>;

/**
 * The observable state of the foreign keys (`foreignIds`, plus every AWS managed key): key
 * state, description, policy, tags, rotation, deletion, and which aliases target it.
 */
export function foreignView(snapshot: Snapshot, foreignIds: readonly string[]): ForeignView {
  const wanted = new Set(foreignIds);
  const view: ForeignView = {};
  for (const key of snapshot.keys) {
    if (!wanted.has(key.keyId) && key.keyManager !== 'AWS') continue;
    const aliases = snapshot.aliases
      .filter((a) => a.region === key.region && a.targetKeyId === key.keyId)
      .map((a) => a.aliasName)
      .sort();
    const tags = Object.fromEntries(Object.entries(key.tags).sort(([a], [b]) => a.localeCompare(b)));
    view[`${key.region}/${key.keyId}`] = JSON.stringify({
      keyState: key.keyState,
      description: key.description,
      policy: key.policy,
      tags,
      rotation: key.rotation,
      deletionDate: key.deletionDate,
      replicaRegions: [...key.replicaRegions].sort(),
      aliases,
    });
  }
  return view;
}

/** The foreign keys that changed between two views, each with what changed. */
export function diffForeign(before: ForeignView, after: ForeignView): string[] {
  const touched: string[] = [];
  for (const [id, was] of Object.entries(before)) {
    const now = after[id];
    if (now === undefined) {
      touched.push(`${id}: deleted`);
      continue;
    }
    if (now === was) continue;
    const a = JSON.parse(was) as Record<string, unknown>;
    const b = JSON.parse(now) as Record<string, unknown>;
    const fields = Object.keys(a).filter((f) => JSON.stringify(a[f]) !== JSON.stringify(b[f]));
    touched.push(`${id}: ${fields.map((f) => `${f} ${JSON.stringify(a[f])} -> ${JSON.stringify(b[f])}`).join('; ')}`);
  }
  return touched;
}
