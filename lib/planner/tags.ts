/** The tags a key should carry, and the TagResource / UntagResource that get it there. */
import { KEY_MATERIAL_SECRET_TAG, keyMaterialSecretTagValue, OWNERSHIP_TAGS, ownershipTags } from '../ownership.ts';
import type { DesiredKey, Owner, TagMap } from '../types.ts';
import { compare } from './builder.ts';

/**
 * User tags + ownership tags (+ `PreviousOwner` while a hand-over from a renamed resource is not
 * confirmed, + the key material's secret for a key with `KeyMaterial`), sorted by tag key so plans print the same every time.
 */
export function desiredKeyTags(key: DesiredKey, owner: Owner, previousOwner: string | null): TagMap {
  const tags: TagMap = {
    ...key.tags,
    ...ownershipTags(owner, key.keyName, { removalPolicy: key.removalPolicy, deletionWindowInDays: key.deletionWindowInDays }),
  };
  if (previousOwner !== null) tags[OWNERSHIP_TAGS.previousOwner] = previousOwner;
  if (key.keyMaterial !== undefined) tags[KEY_MATERIAL_SECRET_TAG] = keyMaterialSecretTagValue(key.keyMaterial.secretArn);
  return sortedTags(tags);
}

export function sortedTags(tags: TagMap): TagMap {
  return Object.fromEntries(Object.entries(tags).sort(([a], [b]) => compare(a, b)));
}

export interface TagChange {
  /** Missing or different: TagResource. */
  set: TagMap;
  /** Present but not desired: UntagResource. Sorted. */
  unset: string[];
}

/**
 * `PreviousOwner` is never removed by a diff: it is cleared only when the previous owner confirms
 * the hand-over (or the key is handed back). The one exception is a `PreviousOwner` naming the
 * key's new owner itself, which carries no information (left behind by a hand-back cut short), and
 * one on a key being adopted (`adopting`), which never was a hand-over to this resource.
 */
export function tagChange(actual: TagMap, desired: TagMap, adopting = false): TagChange {
  const set: TagMap = {};
  for (const [key, value] of Object.entries(desired)) if (actual[key] !== value) set[key] = value;
  const newOwner = desired[OWNERSHIP_TAGS.owner];
  const unset = Object.keys(actual)
    .filter((key) => !(key in desired))
    .filter((key) => key !== OWNERSHIP_TAGS.previousOwner || adopting || actual[key] === newOwner)
    .sort(compare);
  return { set: sortedTags(set), unset };
}
