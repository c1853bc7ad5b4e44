/** TagResource, UntagResource, ListResourceTags. Tags are per key per Region (not shared by replicas). */

import { beforeTagWrite, listedTags } from '../consistency.ts';
import { faults } from '../errors.ts';
import { checkKeyState, I, Y } from '../keyStateCells.ts';
import { MAX_TAGS_PER_KEY } from '../kmsFacts.ts';
import { afterIndexedTagWrite, beforeIndexedTagWrite } from '../tagIndex.ts';
import { optInt, optString, optStringList } from '../validate.ts';
import {
  compareStrings,
  decodeMarker,
  keyFromInput,
  type OperationHandler,
  type Operations,
  page,
  parseTags,
  requireCustomerManaged,
  tagList,
} from './common.ts';

const tagResource: OperationHandler = (ctx) => {
  const key = keyFromInput(ctx, false);
  if (ctx.input.Tags === undefined || ctx.input.Tags === null)
    throw faults.validation("1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null");
  const tags = parseTags(ctx.input, 'Tags');
  requireCustomerManaged(ctx, key, 'TagResource');
  checkKeyState(ctx, key);
  const merged = new Map([...key.tags, ...tags]);
  if (merged.size > MAX_TAGS_PER_KEY)
    throw faults.limitExceeded(`The request would give ${key.arn} ${merged.size} tags; a KMS key can have at most ${MAX_TAGS_PER_KEY}.`);
  beforeTagWrite(ctx.state, key);
  beforeIndexedTagWrite(ctx.state, key);
  key.tags = merged;
  afterIndexedTagWrite(key);
  return undefined;
};

const untagResource: OperationHandler = (ctx) => {
  const key = keyFromInput(ctx, false);
  const tagKeys = optStringList(ctx.input, 'TagKeys');
  if (tagKeys === undefined)
    throw faults.validation("1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null");
  requireCustomerManaged(ctx, key, 'UntagResource');
  checkKeyState(ctx, key);
  beforeTagWrite(ctx.state, key);
  beforeIndexedTagWrite(ctx.state, key);
  for (const tagKey of tagKeys) key.tags.delete(tagKey);
  return undefined;
};

/** AWS managed keys refuse with AccessDeniedException: their tags are the service's. */
const listResourceTags: OperationHandler = (ctx) => {
  const key = keyFromInput(ctx, false);
  checkKeyState(ctx, key);
  const limit = optInt(ctx.input, 'Limit', 1, 50) ?? 50;
  const marker = decodeMarker(optString(ctx.input, 'Marker', { min: 1, max: 1024 }));
  requireCustomerManaged(ctx, key, 'ListResourceTags');
  const tags = tagList(listedTags(ctx.state, key)).sort((a, b) => compareStrings(a.TagKey, b.TagKey));
  const result = page(tags, (t) => t.TagKey, limit, marker);
  return { Tags: result.items, Truncated: result.truncated, ...(result.nextMarker === undefined ? {} : { NextMarker: result.nextMarker }) };
};

export const tagOperations = {
  // keyStates (key-state table): Enabled, Disabled, PendingDeletion, PendingReplicaDeletion, PendingImport, Unavailable, Creating, Updating
  TagResource: { handler: tagResource, quota: 10, keyStates: [Y, Y, I, I, Y, Y, Y, Y] },
  UntagResource: { handler: untagResource, quota: 5, keyStates: [Y, Y, I, I, Y, Y, Y, Y] },
  ListResourceTags: { handler: listResourceTags, quota: 2000, keyStates: [Y, Y, Y, Y, Y, Y, Y, Y] },
} satisfies Operations;
