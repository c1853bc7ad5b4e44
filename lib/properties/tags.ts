/**
 * User tags (`GlobalTags`, per-key `Tags`). KMS allows 50 tags per key, and the product's own
 * ownership tags live on the same key, so the user's share is smaller; the reserved prefixes are
 * refused so that a template can never forge or disturb ownership (docs/behaviour.md §6).
 */
import { MAX_TAGS_PER_KEY } from '../constants.ts';
import { OWNERSHIP_TAG_COUNT, OWNERSHIP_TAG_PREFIX } from '../ownership.ts';
import type { TagMap } from '../types.ts';
import { isRecord, readString } from './coerce.ts';
import { addIssue, describeValue, fieldPath, type Issues } from './issues.ts';

/**
 * Tags the product itself may put on a key. `OWNERSHIP_TAG_COUNT` already includes PreviousOwner
 * (set when ownership moves from a renamed logical ID) and AdoptedBy (a key adopted with
 * AdoptExistingKeys), which a key can carry next to the others.
 */
export const RESERVED_TAG_COUNT = OWNERSHIP_TAG_COUNT;

/** How many user tags one key may have. */
export const MAX_USER_TAGS_PER_KEY = MAX_TAGS_PER_KEY - RESERVED_TAG_COUNT;

const MAX_TAG_KEY_LENGTH = 128;
const MAX_TAG_VALUE_LENGTH = 256;
// The KMS API constrains only the lengths of tag keys and values (no character pattern), so the
// product does not refuse more than KMS would.

/** Why a tag key cannot be used, or undefined when it can. */
function tagKeyProblem(key: string): string | undefined {
  if (key.length === 0) return 'a tag key must not be empty';
  if (key.length > MAX_TAG_KEY_LENGTH) return `a tag key must be at most ${MAX_TAG_KEY_LENGTH} characters, got ${key.length}`;
  if (key.toLowerCase().startsWith('aws:')) return 'the tag key prefix aws: is reserved for AWS';
  if (key.toLowerCase().startsWith(OWNERSHIP_TAG_PREFIX.toLowerCase())) {
    return `the tag key prefix ${OWNERSHIP_TAG_PREFIX} is reserved for the product's ownership tags`;
  }
  return undefined;
}

function tagValueProblem(value: string): string | undefined {
  if (value.length > MAX_TAG_VALUE_LENGTH) return `must be at most ${MAX_TAG_VALUE_LENGTH} characters, got ${value.length}`;
  return undefined;
}

/** A map tag key → value. Invalid entries are dropped after their issue. */
export function readTags(value: unknown, path: string, issues: Issues): TagMap | undefined {
  if (!isRecord(value)) {
    addIssue(issues, path, `must be a map of tag key to value, got ${describeValue(value)}`);
    return undefined;
  }
  // Collected as entries: `Object.fromEntries` keeps a tag named `__proto__` as a plain tag.
  const tags: [string, string][] = [];
  for (const [key, raw] of Object.entries(value)) {
    const entryPath = fieldPath(path, key);
    const keyProblem = tagKeyProblem(key);
    if (keyProblem !== undefined) {
      addIssue(issues, entryPath, keyProblem);
      continue;
    }
    const text = readString(raw, entryPath, issues);
    if (text === undefined) continue;
    const valueProblem = tagValueProblem(text);
    if (valueProblem !== undefined) addIssue(issues, entryPath, valueProblem);
    else tags.push([key, text]);
  }
  return Object.fromEntries(tags);
}

/** Records an issue when `GlobalTags` + `Tags` leave no room for the product's own tags. */
export function checkTagCount(tags: TagMap, path: string, issues: Issues): void {
  const count = Object.keys(tags).length;
  if (count <= MAX_USER_TAGS_PER_KEY) return;
  addIssue(
    issues,
    path,
    `has ${count} tags (GlobalTags included); KMS allows ${MAX_TAGS_PER_KEY} per key and the product keeps ${RESERVED_TAG_COUNT} for its ownership tags, so at most ${MAX_USER_TAGS_PER_KEY}`,
  );
}
