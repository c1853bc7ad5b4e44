/**
 * Reads the grants this resource made on the keys it owns (docs/behaviour.md §12): ListGrants (all
 * pages, each paced) per owned key and Region, keeping the grants whose name carries this
 * resource's owner marker (`lib/grantNames.ts`), or that of the resource a key was taken over from
 * (`PreviousOwner`: a renamed logical ID), whose grants move here with the key. Every other grant —
 * made by AWS services, by people, by other stacks — is invisible to the planner and never revoked.
 */
import { parseKmsGrantName } from './grantNames.ts';
import type { GrantEntry, KmsApi, ListOptions } from './kmsApi.ts';
import { OWNERSHIP_TAGS } from './ownership.ts';
import type { ActualGrant, ActualKey, Owner } from './types.ts';

/** Runs one listing through the reader's pacing, slots and retries. */
export type GrantsRead = (send: (options: ListOptions) => Promise<GrantEntry[]>) => Promise<GrantEntry[]>;

/** The owner ids whose grants on `key` are this resource's to reconcile; empty for a key that is not ours. */
export function grantOwnersOf(key: ActualKey, owner: Owner): string[] {
  if (key.tags[OWNERSHIP_TAGS.owner] !== owner.ownerId) return [];
  const previous = key.tags[OWNERSHIP_TAGS.previousOwner];
  return previous === undefined || previous === owner.ownerId ? [owner.ownerId] : [owner.ownerId, previous];
}

/** The product's grants on the owned keys of one Region, sorted by key id and grant id. */
export async function readOwnedGrants(api: KmsApi, keys: readonly ActualKey[], owner: Owner, read: GrantsRead): Promise<ActualGrant[]> {
  const perKey = await Promise.all(
    keys.map(async (key) => {
      const owners = grantOwnersOf(key, owner);
      if (owners.length === 0) return [];
      const entries = await read((options) => api.listGrants(key.keyId, options));
      return entries.flatMap((entry): ActualGrant[] => {
        const parsed = parseKmsGrantName(entry.name);
        if (parsed === null || !owners.includes(parsed.ownerId)) return [];
        return [{ region: api.region, keyId: key.keyId, grantId: entry.grantId, kmsName: entry.name!, name: parsed.grantName }];
      });
    }),
  );
  return perKey.flat().sort((a, b) => (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : a.grantId < b.grantId ? -1 : a.grantId > b.grantId ? 1 : 0));
}
