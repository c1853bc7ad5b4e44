/**
 * Reads the grants this resource made on the keys it owns (docs/behaviour.md §12): ListGrants (all
 * pages, each paced) per owned key and Region, keeping the grants whose name carries this
 * resource's owner marker (`lib/grantNames.ts`), or that of the resource of the same stack a key
 * moves from or to (a renamed logical ID), whose grants move here with the key. Every other grant —
 * made by AWS services, by people, by other stacks — is invisible to the planner and never revoked.
 */

import { KmsError } from '../errors.ts';
import { parseKmsGrantName } from '../grantNames.ts';
import type { GrantEntry, KmsApi, ListOptions } from '../kmsApi.ts';
import { OWNERSHIP_TAGS, ownershipOf } from '../ownership.ts';
import { compare } from '../text/order.ts';
import type { ActualGrant, ActualKey, Owner } from '../types.ts';

/** Runs one listing through the reader's pacing, slots and retries. */
export type GrantsRead = (send: (options: ListOptions) => Promise<GrantEntry[]>) => Promise<GrantEntry[]>;

/**
 * The owner ids whose grants on `key` are this resource's to reconcile: its own, and on a key that
 * moves between resources of the same stack (a renamed logical ID: a sibling's key taken over, or
 * ours with `PreviousOwner` set) the other resource's too, so the grants move with the key in one
 * pass. On a key of anybody else (one a wanted alias targets, which AdoptExistingKeys may take
 * over) only grants carrying this resource's own marker: it made them, before the key lost its tags.
 */
export function grantOwnersOf(key: ActualKey, owner: Owner): string[] {
  const ownership = ownershipOf(key.tags, owner);
  if (ownership.kind === 'foreign') return [owner.ownerId];
  const other = ownership.kind === 'sibling' ? ownership.ownerId : key.tags[OWNERSHIP_TAGS.previousOwner];
  return other === undefined || other === owner.ownerId ? [owner.ownerId] : [owner.ownerId, other];
}

/**
 * The product's grants on one owned key, sorted by grant id: one listing, as KMS shows it now. A
 * grant made moments ago may be missing from it (KMS grants are eventually consistent): the reader
 * does not wait for it. A grant the previous properties named is revoked whether listed or not
 * (`DesiredKey.retiredGrants`, lib/planner/grants.ts).
 */
export async function readOwnedGrants(api: KmsApi, key: ActualKey, owner: Owner, read: GrantsRead): Promise<ActualGrant[]> {
  return toActualGrants(api.region, key, owner, await listOwnedEntries(api, key, owner, read));
}

async function listOwnedEntries(api: KmsApi, key: ActualKey, owner: Owner, read: GrantsRead): Promise<GrantEntry[]> {
  try {
    return await read((options) => api.listGrants(key.keyId, options));
  } catch (error) {
    // Somebody else's key whose grants we may not list (its policy, or IAM's ownership condition) has none of ours we could change.
    if (ownershipOf(key.tags, owner).kind === 'foreign' && error instanceof KmsError && error.code === 'AccessDeniedException') return [];
    throw error;
  }
}

function toActualGrants(region: string, key: ActualKey, owner: Owner, entries: GrantEntry[]): ActualGrant[] {
  const owners = grantOwnersOf(key, owner);
  return entries
    .flatMap((entry): ActualGrant[] => {
      const parsed = parseKmsGrantName(entry.name);
      if (parsed === null || !owners.includes(parsed.ownerId)) return [];
      return [{ region, keyId: key.keyId, grantId: entry.grantId, kmsName: entry.name!, name: parsed.grantName }];
    })
    .sort((a, b) => compare(a.grantId, b.grantId));
}
