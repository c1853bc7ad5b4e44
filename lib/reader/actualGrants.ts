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
import type { Log } from '../logger.ts';
import { OWNERSHIP_TAGS, ownershipOf } from '../ownership.ts';
import type { Clock } from '../retry/clock.ts';
import { GRANT_LOOKUP_BACKOFF, MISSING_GRANT_LOOK_MS } from '../retry/policy.ts';
import { poll } from '../retry/poll.ts';
import { fullJitterDelay } from '../retry/retry.ts';
import { compare } from '../text/order.ts';
import type { ActualGrant, ActualKey, Owner, RetiredGrant } from '../types.ts';

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

/** How the reader waits for a grant to show: its clock and the request's deadline. */
export interface GrantWait {
  clock: Clock;
  deadline?: number;
  random?: () => number;
  /** Where a grant still missing after the look is reported. */
  log?: Log;
}

/**
 * The product's grants on one owned key, sorted by grant id. `expected` are grants of ours the
 * previous properties named on this key: while the listing does not show one, it is listed again
 * with backoff (KMS's grants are eventually consistent) so that it is found and revoked. One still
 * missing after MISSING_GRANT_LOOK_MS (or at the deadline) is taken as absent — revoked already or
 * never made, which KMS's answers cannot tell from not listed yet — and a warning names key, Region
 * and grant; it is never counted as revoked. Our grants carry our owner marker, so if it shows
 * later the next Update revokes it and a drift check reports it.
 */
export async function readOwnedGrants(
  api: KmsApi,
  key: ActualKey,
  owner: Owner,
  read: GrantsRead,
  expected: readonly RetiredGrant[] = [],
  wait?: GrantWait,
): Promise<ActualGrant[]> {
  const list = () => listOwnedEntries(api, key, owner, read);
  let entries = await list();
  const missing = (listed: GrantEntry[]) => expected.filter((grant) => !listed.some((entry) => entry.name === grant.kmsName));
  if (missing(entries).length > 0 && wait !== undefined) {
    const result = await poll(list, (listed) => missing(listed).length === 0, {
      delay: (n) => fullJitterDelay(n, GRANT_LOOKUP_BACKOFF, wait.random) + GRANT_LOOKUP_BACKOFF.baseMs,
      clock: wait.clock,
      maxWaitMs: MISSING_GRANT_LOOK_MS,
      ...(wait.deadline === undefined ? {} : { deadline: wait.deadline }),
    });
    entries = result.value;
    if (!result.settled) reportMissing(key, missing(entries), result.waitedMs, wait.log);
  }
  return toActualGrants(api.region, key, owner, entries);
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

function reportMissing(key: ActualKey, missing: readonly RetiredGrant[], waitedMs: number, log: Log | undefined): void {
  log?.warn('grants the previous properties named are not listed: taken as revoked already or never made, not revoked by this request', {
    region: key.region,
    keyId: key.keyId,
    grants: missing.map((grant) => `${grant.name} (${grant.kmsName})`),
    lookedForSeconds: Math.round(waitedMs / 1000),
    remedy: 'if one shows later (KMS grants can take minutes to appear), the next Update revokes it and `npm run plan -- --drift` reports it',
  });
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
