/**
 * What the reader reads of one key once its Region's listings are in (lib/reader/actualState.ts): its tags,
 * then, for a key that is ours or that a wanted alias targets, DescribeKey, GetKeyPolicy and
 * GetKeyRotationStatus, then its grants. Each key runs through these steps on its own, so a key's
 * later reads overlap other keys' earlier ones, and the keys whose tags are read directly (alias
 * targets, keys this request made) are read while the tag index still pages.
 */

import { hasCode } from '../errors.ts';
import type { KmsApi, KmsOperation, ListOptions } from '../kmsApi.ts';
import { OWNERSHIP_TAGS } from '../ownership.ts';
import type { ActualGrant, ActualKey, Owner, TagMap } from '../types.ts';
import { readOwnedGrants } from './actualGrants.ts';
import { describedOnDelete, unreadKey } from './unreadKeys.ts';

/** How a read of the Region is sent and retried. */
export interface ReadOptions {
  /** A listing: each page is paced and retried on its own (`ListOptions.page`). Default false. */
  paged?: boolean;
  /** A read of one key: NotFoundException is retried while KMS may not have caught up. Default: not `paged`. */
  onKey?: boolean;
}

/** One paced, retried read of the Region. */
export type RegionRead = <T>(operation: KmsOperation, send: (options: Required<ListOptions>) => Promise<T>, options?: ReadOptions) => Promise<T>;

export interface KeyReadContext {
  api: KmsApi;
  read: RegionRead;
  owner: Owner;
  /** Keys a wanted alias targets: kept whoever owns them. */
  wantedTargets: ReadonlySet<string>;
  /** Keys an alias named by the properties (but not wanted) targets → that alias: never foreign in silence. */
  namedTargets: ReadonlyMap<string, string>;
  /** Key id → ARN from ListKeys. */
  arns: ReadonlyMap<string, string>;
  /**
   * Whether policy, rotation and grants are read (any request that wants a key). A Delete wants
   * none: it only removes keys, and a single-Region key the resource owns outright is `Unread`.
   */
  details: boolean;
}

/** The key as read (null: not ours, AWS managed, or not ours to read) and the grants of ours on it. */
export interface KeyRead {
  key: ActualKey | null;
  grants: ActualGrant[];
  /** Set when the key carries an alias of this resource's name but its tags may not be read. */
  unreadable?: UnreadableKey;
}

/**
 * A key under an alias the properties name whose tags the function may not read: perhaps this
 * resource's own key whose policy no longer lets the function in (a deleted role). Never taken for
 * foreign in silence: the request fails naming it (lib/reader/index.ts).
 */
export interface UnreadableKey {
  region: string;
  keyId: string;
  aliasName: string;
  /** KMS's AccessDeniedException message. */
  message: string;
}

const NOTHING: KeyRead = { key: null, grants: [] };

/** Rotation applies only to symmetric encryption keys. */
const ROTATABLE = { spec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' } as const;

/** Ours: this resource owns the key, or handed it over and has not confirmed yet (PreviousOwner). */
function isOurs(tags: TagMap, owner: Owner): boolean {
  return tags[OWNERSHIP_TAGS.owner] === owner.ownerId || tags[OWNERSHIP_TAGS.previousOwner] === owner.ownerId;
}

export async function readKey(context: KeyReadContext, keyId: string): Promise<KeyRead> {
  const { api, read, owner } = context;
  const region = api.region;
  let tags: TagMap | null;
  try {
    tags = await read('ListResourceTags', (options) => api.listResourceTags(keyId, options), { paged: true, onKey: true });
  } catch (error) {
    // Tags we may not read mean a key that is not ours, unless a Delete finds an alias of our name on it.
    if (!hasCode(error, 'AccessDeniedException')) throw error;
    const aliasName = context.namedTargets.get(keyId);
    if (aliasName !== undefined && !context.details && !context.wantedTargets.has(keyId))
      return { ...NOTHING, unreadable: { region, keyId, aliasName, message: error.message } };
    tags = null;
  }
  if (!context.wantedTargets.has(keyId) && (tags === null || !isOurs(tags, owner))) return NOTHING;

  const arn = context.arns.get(keyId);
  if (!context.details && arn !== undefined && tags !== null && !describedOnDelete(keyId, tags, owner)) {
    return { key: unreadKey(region, keyId, arn, tags), grants: [] };
  }
  let description: Awaited<ReturnType<KmsApi['describeKey']>>;
  try {
    description = await read('DescribeKey', () => api.describeKey(keyId));
  } catch (error) {
    if (hasCode(error, 'AccessDeniedException')) return NOTHING;
    throw error;
  }
  const { keyManager, ...fields } = description;
  if (keyManager === 'AWS') return NOTHING;
  const rotatable = fields.spec === ROTATABLE.spec && fields.keyUsage === ROTATABLE.keyUsage;
  // Which imported material is current and which pending rotation (docs/key-material.md); a key
  // policy that does not grant kms:ListKeyRotations yet (AllowRotation just set) leaves it unknown.
  const materials = context.details && rotatable && fields.origin === 'EXTERNAL' && fields.customKeyStoreId === undefined;
  const [policy, rotation, keyMaterials] = await Promise.all([
    context.details ? read('GetKeyPolicy', () => api.getKeyPolicy(keyId)).catch(() => null) : null,
    context.details && rotatable ? read('GetKeyRotationStatus', () => api.getKeyRotationStatus(keyId)).catch(() => null) : null,
    materials ? read('ListKeyRotations', (options) => api.listKeyMaterials(keyId, options), { paged: true }).catch(() => null) : undefined,
  ]);
  const key: ActualKey = { region, ...fields, policy, tags: tags ?? {}, rotation, ...(keyMaterials === undefined ? {} : { keyMaterials }) };
  // A Delete never revokes: grants go with their keys, or stay with retained ones.
  // A key made moments ago may answer NotFound to ListGrants too (onKey: read again while KMS catches up).
  const grants = context.details ? await readOwnedGrants(api, key, owner, (send) => read('ListGrants', send, { paged: true, onKey: true })) : [];
  return { key, grants };
}
