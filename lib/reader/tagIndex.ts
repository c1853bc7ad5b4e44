/**
 * The safe rule of the tag index (DESIGN.md "Finding owned keys in a busy account"): the Resource
 * Groups Tagging API lists a Region's tagged keys with their tags, 100 per request, so the reader
 * need not read `ListResourceTags` for every foreign key. The index lags tag changes, so it only
 * narrows the scan: `ListKeys` stays the authority on which keys exist, and a key's own tags are
 * still read unless the index lists it with tags that name no stack of ours.
 */

import type { MadeKeysView } from '../executor/madeKeys.ts';
import type { AliasEntry, KmsApi, ListOptions } from '../kmsApi.ts';
import type { Log } from '../logger.ts';
import { OWNERSHIP_TAGS } from '../ownership.ts';
import type { Owner, TagMap } from '../types.ts';

/** Key id → tags as the index shows them; null when there is no index (the full scan). */
export type TagIndex = ReadonlyMap<string, TagMap> | null;

/**
 * How the request uses the index: `directAliasNames` are aliases whose targets' tags are always
 * read directly (the aliases every properties of the request name: an adopted key is found through
 * them while the index still shows its tags from before the adoption). null: do not use the index.
 */
export type TagIndexUse = {
  directAliasNames: readonly string[];
  /** Where a Region falling back to the full tag scan is reported (one warning). */
  log?: Log;
  /** TAG_INDEX_MIN_KEYS unless set (tests). */
  minKeys?: number;
} | null;

/** Whether indexed tags name this stack: ours, a sibling's (renamed logical ID), or a hand-over in flight. */
function namesOurStack(tags: TagMap, owner: Owner): boolean {
  return tags[OWNERSHIP_TAGS.stackId] === owner.stackId || tags[OWNERSHIP_TAGS.owner] === owner.ownerId || tags[OWNERSHIP_TAGS.previousOwner] === owner.ownerId;
}

/**
 * Whether the reader must read the key's tags itself (`ListResourceTags`). Only a key the index
 * lists with at least one tag, none naming our stack, is skipped: it cannot have become ours since
 * except through an adoption, which the caller covers by reading alias targets directly. A key the
 * index does not list (too new, never tagged) or lists with no tags (untagged, or its first tags
 * not indexed yet) is read.
 */
export function mustReadTags(keyId: string, index: TagIndex, owner: Owner): boolean {
  if (index === null) return true;
  const tags = index.get(keyId);
  if (tags === undefined || Object.keys(tags).length === 0) return true;
  return namesOurStack(tags, owner);
}

/**
 * The keys of `region` whose tags are read directly whatever the index says: targets of the wanted
 * aliases and of every alias the request's properties name (an adopted key whose new tags the index
 * lacks), and keys this request made.
 */
export function directReads(
  region: string,
  aliases: readonly AliasEntry[],
  wantedTargets: ReadonlySet<string>,
  use: TagIndexUse | undefined,
  madeKeys: MadeKeysView | undefined,
): Set<string> {
  const names = new Set(use?.directAliasNames ?? []);
  const direct = new Set(wantedTargets);
  for (const alias of aliases) if (alias.targetKeyId !== null && names.has(alias.aliasName)) direct.add(alias.targetKeyId);
  for (const keyId of madeKeys?.inRegion(region) ?? []) direct.add(keyId);
  return direct;
}

/** The `alias/<name>` of every key `keys` name (main and extra aliases), as the properties spell them. */
export function aliasNamesOf(keys: readonly { name: string; aliases?: readonly string[] }[]): string[] {
  return [...new Set(keys.flatMap((key) => [key.name, ...(key.aliases ?? [])]).map((name) => `alias/${name}`))].sort();
}

/**
 * Below this many keys listed in a Region, the index is not read: their `ListResourceTags` go out
 * in parallel within a round trip or two, and the index would add a request (a Create in an empty
 * account reads no tags and no index at all). It is read as soon as the count is known to be
 * reached: `ListKeys` has answered, or asks for a second page (1,000 keys a page), while the
 * listings (`ListAliases`: 100 a page) still page.
 */
export const TAG_INDEX_MIN_KEYS = 50;

/**
 * The Region's tag index, or null (the full scan) when the request does not use it, the API offers
 * none, the Region lists fewer than TAG_INDEX_MIN_KEYS keys (`keys`), or it fails for good
 * (`tag:GetResources` denied, any error `read` does not retry, a page failing): the index never
 * fails a request. `read` paces and retries (throttling, 5xx) each attempt.
 */
export async function readTagIndex(
  api: KmsApi,
  use: TagIndexUse | undefined,
  read: (send: (options: ListOptions) => Promise<Map<string, TagMap>>) => Promise<Map<string, TagMap>>,
  keys: number,
): Promise<TagIndex> {
  const list = api.listTaggedKeys;
  if (use == null || list === undefined || keys < (use.minKeys ?? TAG_INDEX_MIN_KEYS)) return null;
  try {
    return await read((options) => list.call(api, options));
  } catch (error) {
    use.log?.warn('the tag index (GetResources) failed: reading the tags of every key instead', { region: api.region, error: String(error) });
    return null;
  }
}

/** Sends one page request (`ListOptions.page`). */
type PageSender = NonNullable<ListOptions['page']>;

/**
 * The Region's ListKeys and its tag index, the index started as soon as the Region is known to list
 * enough keys (TAG_INDEX_MIN_KEYS): ListKeys has answered, or asks for a second page (1,000 keys a
 * page), so the index pages while the listings still do. `list` sends each page through the wrapper
 * it is given; `readIndex` gets the count of keys listed (Infinity: more than a page) and never fails.
 * A ListKeys failing on its first page reads no index.
 */
export function listKeysWithIndex<K>(
  list: (page: (sendPage: PageSender) => PageSender) => Promise<K[]>,
  readIndex: (keys: number) => Promise<TagIndex>,
): { listed: Promise<K[]>; index: Promise<TagIndex> } {
  let truncated: (keys: number) => void = () => {};
  const secondPage = new Promise<number>((resolve) => {
    truncated = resolve;
  });
  let pages = 0;
  const listed = list((sendPage) => (send) => {
    if (++pages === 2) truncated(Number.POSITIVE_INFINITY);
    return sendPage(send);
  });
  const counted = listed.then(
    (keys) => keys.length,
    () => -1,
  );
  return { listed, index: Promise.race([secondPage, counted]).then((keys) => (keys < 0 ? null : readIndex(keys))) };
}
