/**
 * The Resource Groups Tagging API's index of KMS keys (`ResourceGroupsTaggingAPI_20170126.GetResources`,
 * SigV4 service `tagging`, served on the same port as KMS). Modelled on the API reference: it
 * "returns all the tagged or previously tagged resources" of the Region, so a key appears once it
 * has had a tag and stays (with an empty tag list) after losing them all; a key never tagged is
 * absent; AWS managed keys never appear. Only `kms:key` resources exist here.
 *
 * Field realism `tagIndexLagMs`: the index is fed by the services, so a tag change — CreateKey's or
 * ReplicateKey's tags included — shows only `tagIndexLagMs` after the last change; until then the
 * index shows what it showed before (or nothing, for a key it did not list). Keys seeded through
 * the control API are indexed at once (they stand for keys made long ago). The guesses (lag size,
 * pending-deletion keys, the quota) are listed in README.md.
 */
import { KmsFault } from './errors.ts';
import type { EmulatorState, KeyRecord } from './state.ts';
import type { Input } from './validate.ts';

/** `X-Amz-Target` prefix of the Tagging API. */
export const TAGGING_TARGET_PREFIX = 'ResourceGroupsTaggingAPI_20170126.';

/** GetResources' ResourcesPerPage bounds (default 50 when absent, as the API reference says). */
const PER_PAGE = { min: 1, max: 100, default: 50 } as const;

/** The Tagging API's error codes (its own: not KMS's). */
const invalidParameter = (message: string) => new KmsFault('InvalidParameterException', message);
export const taggingThrottled = () => new KmsFault('ThrottledException', 'Rate exceeded');

function currentView(key: KeyRecord): Map<string, string> | null {
  if (key.keyManager === 'AWS') return null;
  if (key.tags.size > 0) return key.tags;
  return key.everTagged === true ? new Map() : null;
}

/** What GetResources shows for `key` now: its tags, an empty map (previously tagged), or null (absent). */
export function indexedTags(state: EmulatorState, key: KeyRecord): Map<string, string> | null {
  if (key.indexLag !== undefined) {
    if (state.now() < key.indexLag.visibleAt) return key.indexLag.shown;
    delete key.indexLag;
  }
  return currentView(key);
}

/** Call before TagResource/UntagResource changes `key.tags`: the index keeps its view for the lag. */
export function beforeIndexedTagWrite(state: EmulatorState, key: KeyRecord): void {
  const lag = state.config.tagIndexLagMs;
  if (lag <= 0) return;
  const shown = indexedTags(state, key);
  key.indexLag = { visibleAt: state.now() + lag, shown: shown === null ? null : new Map(shown) };
}

/** Call after any tag write (and on a new key): a key with a tag stays listed from then on. */
export function afterIndexedTagWrite(key: KeyRecord): void {
  if (key.tags.size > 0) key.everTagged = true;
}

/** A key just made by CreateKey/ReplicateKey: with tags, it reaches the index only after the lag. */
export function indexNewKey(state: EmulatorState, key: KeyRecord): void {
  afterIndexedTagWrite(key);
  const lag = state.config.tagIndexLagMs;
  if (lag > 0 && key.tags.size > 0) key.indexLag = { visibleAt: state.now() + lag, shown: null };
}

interface TagFilter {
  key: string;
  values: string[];
}

function tagFilters(input: Input): TagFilter[] {
  const raw = input.TagFilters;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw) || raw.length > 50) throw invalidParameter('TagFilters must be a list of at most 50 filters');
  return raw.map((filter): TagFilter => {
    const f = filter as Record<string, unknown>;
    if (typeof f.Key !== 'string' || f.Key.length < 1 || f.Key.length > 128) throw invalidParameter('TagFilters: every filter needs a Key of 1-128 characters');
    const values = f.Values ?? [];
    if (!Array.isArray(values) || values.length > 20 || values.some((v) => typeof v !== 'string'))
      throw invalidParameter('TagFilters: Values must be a list of at most 20 strings');
    return { key: f.Key, values: values as string[] };
  });
}

/** `kms` or `kms:key` select KMS keys; any other type selects nothing here. */
function selectsKeys(input: Input): boolean {
  const raw = input.ResourceTypeFilters;
  if (raw === undefined || raw === null) return true;
  if (!Array.isArray(raw) || raw.length > 100 || raw.some((t) => typeof t !== 'string'))
    throw invalidParameter('ResourceTypeFilters must be a list of strings');
  return raw.length === 0 || raw.some((t) => t === 'kms' || t === 'kms:key');
}

function perPage(input: Input): number {
  const raw = input.ResourcesPerPage;
  if (raw === undefined || raw === null) return PER_PAGE.default;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < PER_PAGE.min || raw > PER_PAGE.max)
    throw invalidParameter(`ResourcesPerPage must be an integer from ${PER_PAGE.min} to ${PER_PAGE.max}`);
  return raw;
}

const encodeToken = (arn: string) => Buffer.from(`gr:${arn}`, 'utf8').toString('base64');
function decodeToken(raw: unknown): string | null {
  if (raw === undefined || raw === null || raw === '') return null;
  const decoded = typeof raw === 'string' ? Buffer.from(raw, 'base64').toString('utf8') : '';
  if (!decoded.startsWith('gr:') || encodeToken(decoded.slice(3)) !== raw) throw invalidParameter('The PaginationToken is not valid');
  return decoded.slice(3);
}

/** GetResources in `region`: one page of the indexed keys (by ARN), their tags, and the next token ("" at the end). */
export function getResources(state: EmulatorState, region: string, input: Input): Record<string, unknown> {
  const filters = tagFilters(input);
  const selected = selectsKeys(input);
  const limit = perPage(input);
  const after = decodeToken(input.PaginationToken);
  const matches = (tags: Map<string, string>) => filters.every((f) => tags.has(f.key) && (f.values.length === 0 || f.values.includes(tags.get(f.key)!)));
  const listed = selected
    ? [...state.keysIn(region).values()].flatMap((key) => {
        const tags = indexedTags(state, key);
        return tags !== null && matches(tags) ? [{ arn: key.arn, tags }] : [];
      })
    : [];
  listed.sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
  const rest = after === null ? listed : listed.filter((entry) => entry.arn > after);
  const page = rest.slice(0, limit);
  return {
    PaginationToken: rest.length > limit ? encodeToken(page[page.length - 1]!.arn) : '',
    ResourceTagMappingList: page.map((entry) => ({
      ResourceARN: entry.arn,
      Tags: [...entry.tags].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([Key, Value]) => ({ Key, Value })),
    })),
  };
}
