/**
 * What a Delete reads of the keys it removes (docs/behaviour.md §6, Removal): the tags of every
 * owned key, and DescribeKey only where the key's state or role changes the plan. The other keys
 * are `Unread` (lib/types.ts): known by their listing and tags alone.
 */
import { OWNERSHIP_TAGS, removalSettingsOf } from '../ownership.ts';
import type { ActualKey, Owner, TagMap } from '../types.ts';

/** KMS gives every multi-Region key an id with this prefix (single-Region keys have UUIDs). */
export const MULTI_REGION_KEY_ID_PREFIX = 'mrk-';

/**
 * Whether a Delete must describe an owned key. Not for a single-Region key (KMS gives multi-Region
 * keys `mrk-` ids; their role orders the deletions) that this resource owns outright, with nothing
 * whose handling depends on the key's state: no hand-over (PreviousOwner), no adoption (AdoptedBy),
 * not `Retain` (KMS refuses to untag a key pending deletion). Such a key gets its aliases deleted
 * and is scheduled for deletion in any state; a key already pending deletion answers
 * KMSInvalidStateException, which the executor confirms with DescribeKey and takes as done.
 */
export function describedOnDelete(keyId: string, tags: TagMap, owner: Owner): boolean {
  return (
    keyId.startsWith(MULTI_REGION_KEY_ID_PREFIX) ||
    tags[OWNERSHIP_TAGS.owner] !== owner.ownerId ||
    tags[OWNERSHIP_TAGS.previousOwner] !== undefined ||
    tags[OWNERSHIP_TAGS.adoptedBy] !== undefined ||
    removalSettingsOf(tags).removalPolicy === 'Retain'
  );
}

/** An owned single-Region key a Delete removes without describing it: only its listing and tags are known. */
export function unreadKey(region: string, keyId: string, arn: string, tags: TagMap): ActualKey {
  return {
    region,
    keyId,
    arn,
    state: 'Unread',
    spec: null,
    keyUsage: null,
    multiRegion: false,
    role: null,
    primaryRegion: null,
    replicaRegions: [],
    description: '',
    policy: null,
    tags,
    rotation: null,
    deletionDate: null,
  };
}
