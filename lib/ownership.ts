/**
 * Ownership: every key and replica the product creates carries tags under a reserved prefix, so
 * that any later request — a retry, a rollback, a Delete with garbage properties — can tell what
 * belongs to this resource and never touches anything else (docs/behaviour.md §6).
 */
import { createHash } from 'node:crypto';
import { DEFAULTS, DELETION_WINDOW_IN_DAYS } from './constants.ts';
import type { Owner, RemovalPolicy, TagMap } from './types.ts';

/** Reserved tag-key prefix. User tags starting with it are refused by validation. */
export const OWNERSHIP_TAG_PREFIX = 'MultiRegionKmsKeys:';

export const OWNERSHIP_TAGS = {
  /** The owner id of the resource that owns the key. */
  owner: `${OWNERSHIP_TAG_PREFIX}Owner`,
  stackId: `${OWNERSHIP_TAG_PREFIX}StackId`,
  logicalId: `${OWNERSHIP_TAG_PREFIX}LogicalId`,
  keyName: `${OWNERSHIP_TAG_PREFIX}KeyName`,
  /**
   * The key's RemovalPolicy and DeletionWindowInDays, kept on the key itself so that a Delete whose
   * properties are garbage (or a removal by Update) still honours `Retain` and the configured window.
   */
  removalPolicy: `${OWNERSHIP_TAG_PREFIX}RemovalPolicy`,
  deletionWindowInDays: `${OWNERSHIP_TAG_PREFIX}DeletionWindowInDays`,
  /**
   * Set when ownership moved here from another resource of the same stack (a renamed logical ID).
   * Until that resource's Delete confirms the hand-over, a Delete of the new owner (a rollback)
   * hands the key back instead of deleting it.
   */
  previousOwner: `${OWNERSHIP_TAG_PREFIX}PreviousOwner`,
  /**
   * Set on a key this resource adopted (AdoptExistingKeys): the RequestId of the request that adopted
   * it. That request only records the adoption; a later request (another RequestId) that keeps the
   * key confirms it. Adopted keys are released, not deleted, on removal unless the properties set
   * `RemovalPolicy: Delete` explicitly (recorded at confirmation). See `planner/adoption.ts`.
   */
  adoptedBy: `${OWNERSHIP_TAG_PREFIX}AdoptedBy`,
} as const;

/**
 * The consent to adoption (docs/behaviour.md §6): `AdoptExistingKeys` takes over a key only when
 * whoever controls it today has tagged it with this key, its value the adopting stack's name or
 * StackId. Not an ownership tag of ours: never written by the product, kept by the recording step
 * and a release (so a rolled-back adoption leaves the key as found), removed when the adoption is
 * confirmed (the confirming request's tags do not include it).
 */
export const ADOPTABLE_BY_TAG = `${OWNERSHIP_TAG_PREFIX}AdoptableBy`;

/** How many of a key's 50 tags the product itself uses at most. */
export const OWNERSHIP_TAG_COUNT = Object.keys(OWNERSHIP_TAGS).length;

/** Deterministic id from StackId + LogicalResourceId: the ownership tag value and the PhysicalResourceId. */
export function ownerIdOf(stackId: string, logicalResourceId: string): string {
  const digest = createHash('sha256').update(`${stackId}\n${logicalResourceId}`).digest('hex');
  return `mrkk-${digest.slice(0, 32)}`;
}

/** The stack name inside a CloudFormation StackId ARN (`arn:aws:cloudformation:r:a:stack/<name>/<uuid>`). */
export function stackNameOf(stackId: string): string {
  const match = /:stack\/([^/]+)\//.exec(stackId);
  return match?.[1] ?? stackId;
}

export function ownerOf(stackId: string, logicalResourceId: string): Owner {
  return {
    ownerId: ownerIdOf(stackId, logicalResourceId),
    stackId,
    stackName: stackNameOf(stackId),
    logicalResourceId,
  };
}

export interface RemovalSettings {
  removalPolicy: RemovalPolicy;
  deletionWindowInDays: number;
}

/** The ownership tags of one key (previousOwner is never part of a fresh key). */
export function ownershipTags(owner: Owner, keyName: string, removal: RemovalSettings): TagMap {
  return {
    [OWNERSHIP_TAGS.owner]: owner.ownerId,
    [OWNERSHIP_TAGS.stackId]: owner.stackId,
    [OWNERSHIP_TAGS.logicalId]: owner.logicalResourceId,
    [OWNERSHIP_TAGS.keyName]: keyName,
    [OWNERSHIP_TAGS.removalPolicy]: removal.removalPolicy,
    [OWNERSHIP_TAGS.deletionWindowInDays]: String(removal.deletionWindowInDays),
  };
}

/**
 * The removal settings recorded on a key. A missing or garbled window falls back to
 * `fallbackWindowInDays` (the default window unless told otherwise); a missing policy means the
 * default, `Delete`.
 */
export function removalSettingsOf(tags: TagMap, fallbackWindowInDays: number = DEFAULTS.deletionWindowInDays): RemovalSettings {
  const window = Number(tags[OWNERSHIP_TAGS.deletionWindowInDays]);
  const valid = Number.isInteger(window) && window >= DELETION_WINDOW_IN_DAYS.min && window <= DELETION_WINDOW_IN_DAYS.max;
  return {
    removalPolicy: tags[OWNERSHIP_TAGS.removalPolicy] === 'Retain' ? 'Retain' : 'Delete',
    deletionWindowInDays: valid ? window : fallbackWindowInDays,
  };
}

export type Ownership =
  /** Carries this resource's owner id. */
  | { kind: 'self' }
  /** Owned by another resource of the same stack (same StackId tag): a renamed logical ID. */
  | { kind: 'sibling'; ownerId: string }
  /** Anything else: never changed unless AdoptExistingKeys. */
  | { kind: 'foreign' };

/** Classifies a key by its tags relative to `owner`. */
export function ownershipOf(tags: TagMap, owner: Owner): Ownership {
  const tagOwner = tags[OWNERSHIP_TAGS.owner];
  if (tagOwner === owner.ownerId) return { kind: 'self' };
  if (tagOwner !== undefined && tags[OWNERSHIP_TAGS.stackId] === owner.stackId) return { kind: 'sibling', ownerId: tagOwner };
  return { kind: 'foreign' };
}

export function isOwnershipTagKey(tagKey: string): boolean {
  return tagKey.startsWith(OWNERSHIP_TAG_PREFIX);
}
