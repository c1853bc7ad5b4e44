/**
 * Attributes for `Fn::GetAtt` (docs/behaviour.md §7): one flat attribute per value (the extra aliases
 * of a key in one attribute, comma-separated, `ExtraKeyAliases.<region>.<name>`), selected by the
 * `ReturnAttributes` globs, and a preflight that refuses — before any KMS call — a selection whose
 * response would exceed CloudFormation's 4,096-byte limit. Key id lengths are fixed (36 characters
 * for both `1234abcd-…` and `mrk-…` ids), so the size is known before the keys exist.
 */

import { MAX_RESPONSE_BYTES } from '../constants.ts';
import { ValidationError } from '../errors.ts';
import { worstCaseSkippedRegions } from '../reader/index.ts';
import { byKey, sortedUnique } from '../text/order.ts';
import type { DesiredKey, DesiredState, ResourceContext } from '../types.ts';
import { addGrantAttributes, type GrantIdMap, placeholderGrantIds } from './grantAttributes.ts';

export { type GrantIdMap, grantIdsOf, PLACEHOLDER_GRANT_ID } from './grantAttributes.ts';

/** Attribute families, the first segment of every attribute name. */
export const ATTRIBUTE_FAMILIES = [
  'KeyArns',
  'KeyIds',
  'KeyAliases',
  'PrimaryKeyArns',
  'PrimaryKeyIds',
  'PrimaryKeyAliases',
  'ReplicaKeyArns',
  'ReplicaKeyIds',
  'ReplicaKeyAliases',
  'ExtraKeyAliases',
  'InvalidCmkInputs',
  'InvalidReplicaRegions',
  'SkippedRegions',
  'GrantIds',
] as const;

/** Stand-ins of the exact length of real key ids, for sizing a response before the keys exist. */
export const PLACEHOLDER_KEY_IDS = {
  singleRegion: '00000000-0000-4000-8000-000000000000',
  multiRegion: `mrk-${'0'.repeat(32)}`,
} as const;

/** `arn:<partition>:kms:<region>:<account>:key/<keyId>`, in the partition the function runs in (docs/behaviour.md §4). */
export function keyArnOf(context: ResourceContext, region: string, keyId: string): string {
  return `arn:${context.partition}:kms:${region}:${context.accountId}:key/${keyId}`;
}

/** True when `name` matches one of the globs; `*` matches any run of characters, dots included. */
export function matchesReturnAttributes(name: string, patterns: string[]): boolean {
  return patterns.some((pattern) => globToRegExp(pattern).test(name));
}

/** Keeps the attributes matching one of the globs (each compiled once). */
function selectAttributes(all: Record<string, string>, patterns: string[]): Record<string, string> {
  const matches = globMatcher(patterns);
  return Object.fromEntries(Object.entries(all).filter(([name]) => matches(name)));
}

/** `name` → whether one of the globs matches it, the globs compiled once. */
function globMatcher(patterns: string[]): (name: string) => boolean {
  const globs = patterns.map(globToRegExp);
  return (name) => globs.some((glob) => glob.test(name));
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

function addKeyAttributes(data: Record<string, string>, key: DesiredKey, keyId: string, context: ResourceContext, keep: (name: string) => boolean): void {
  const regions: [string, 'Primary' | 'Replica'][] = [
    [key.primaryRegion, 'Primary'],
    ...key.replicaRegions.map((region): [string, 'Replica'] => [region, 'Replica']),
  ];
  for (const [region, role] of regions) {
    const values = { Arns: () => keyArnOf(context, region, keyId), Ids: () => keyId, Aliases: () => key.aliasName };
    for (const [suffix, value] of Object.entries(values)) {
      for (const name of [`Key${suffix}.${region}.${key.keyName}`, `${role}Key${suffix}.${region}.${key.keyName}`]) if (keep(name)) data[name] = value();
    }
    // Only keys with extra aliases: a response of keys without them stays as small as before.
    const extra = `ExtraKeyAliases.${region}.${key.keyName}`;
    if (key.extraAliasNames.length > 0 && keep(extra)) data[extra] = key.extraAliasNames.join(',');
  }
}

/**
 * Every attribute of the resource that `keep` accepts (default: all), with names in sorted order.
 * Filtering while building matters: 1,000 key instances make ~6,000 attributes, of which a template
 * typically returns a few dozen (the unfiltered map and its sort were the function's largest own
 * CPU cost on a Create: docs/performance.md, "Why these settings"). `skippedRegions`: Regions whose
 * KMS calls were denied and that no desired key needs (deniedRegions.ts).
 */
function allAttributes(
  desired: DesiredState,
  keyIds: Record<string, string>,
  context: ResourceContext,
  skippedRegions: string[],
  keep: (name: string) => boolean = () => true,
  grantIds: GrantIdMap = {},
): Record<string, string> {
  const data: Record<string, string> = {};
  if (keep('InvalidCmkInputs')) data.InvalidCmkInputs = desired.invalidCmkInputs.join(',');
  if (keep('SkippedRegions')) data.SkippedRegions = skippedRegions.join(',');
  addGrantAttributes(data, desired, grantIds, keep);
  for (const key of desired.keys) {
    const keyId = Object.hasOwn(keyIds, key.id) ? keyIds[key.id] : undefined;
    if (keyId !== undefined) addKeyAttributes(data, key, keyId, context, keep);
    // Present (possibly "") for every key that can have replicas, so a template may always read it.
    const invalidReplicas = `InvalidReplicaRegions.${key.keyName}`;
    if (!key.perRegion && key.multiRegion && keep(invalidReplicas)) data[invalidReplicas] = '';
  }
  for (const [keyName, regions] of Object.entries(desired.invalidReplicaRegions)) {
    const name = `InvalidReplicaRegions.${keyName}`;
    if (keep(name)) data[name] = regions.join(',');
  }
  return Object.fromEntries(Object.entries(data).sort(byKey));
}

/**
 * The attributes to return: those whose names match `returnAttributes`.
 * @param keyIds `DesiredKey.id` → the KMS key id serving it (replicas share their primary's id);
 *   keys without an entry have no Key* attributes
 */
export function buildAttributes(
  desired: DesiredState,
  keyIds: Record<string, string>,
  context: ResourceContext,
  returnAttributes: string[],
  skippedRegions: string[] = [],
  grantIds: GrantIdMap = {},
): Record<string, string> {
  return allAttributes(desired, keyIds, context, skippedRegions, globMatcher(returnAttributes), grantIds);
}

/** Key ids of the real length for every desired key. */
export function placeholderKeyIds(desired: DesiredState): Record<string, string> {
  return Object.fromEntries(desired.keys.map((key) => [key.id, key.multiRegion ? PLACEHOLDER_KEY_IDS.multiRegion : PLACEHOLDER_KEY_IDS.singleRegion]));
}

/** Bytes each family contributes to the serialised `Data` (`"name":"value",`). */
export function familySizes(data: Record<string, string>): Record<string, number> {
  const sizes: Record<string, number> = {};
  for (const [name, value] of Object.entries(data)) {
    const family = name.split('.')[0]!;
    const bytes = Buffer.byteLength(JSON.stringify(name)) + 1 + Buffer.byteLength(JSON.stringify(value)) + 1;
    sizes[family] = (sizes[family] ?? 0) + bytes;
  }
  return sizes;
}

/**
 * Refuses, before any KMS call, a `ReturnAttributes` selection whose response would not fit.
 * @param measure the byte size of the whole response body carrying `data` (supplied by the handler)
 * @throws ValidationError at path `ReturnAttributes` with the body size, the size of each attribute
 *   family, and a `ReturnAttributes` value checked to fit
 */
export function preflightResponseSize(
  desired: DesiredState,
  context: ResourceContext,
  returnAttributes: string[],
  measure: (data: Record<string, string>) => number,
): void {
  const keyIds = placeholderKeyIds(desired);
  // SkippedRegions at its longest: any Region without a desired key may turn out to be denied.
  const skipped = worstCaseSkippedRegions(desired);
  const selected = buildAttributes(desired, keyIds, context, returnAttributes, skipped, placeholderGrantIds(desired));
  const size = measure(selected);
  if (size <= MAX_RESPONSE_BYTES) return;

  const sizes = familySizes(selected);
  const families = ATTRIBUTE_FAMILIES.filter((family) => sizes[family] !== undefined)
    .map((family) => `${family} ${sizes[family]}`)
    .join(', ');
  const fitting = fittingSelection(desired, keyIds, context, skipped, measure);
  const advice =
    fitting === undefined
      ? 'even an empty selection does not fit'
      : `set ReturnAttributes to ${JSON.stringify(fitting.patterns)} (${fitting.size} bytes) or list only the attributes the template reads`;
  throw new ValidationError([
    {
      path: 'ReturnAttributes',
      message: `the response would be ${size} bytes, over CloudFormation's limit of ${MAX_RESPONSE_BYTES} ("Response object is too long"); bytes per attribute family: ${families}; ${advice}`,
    },
  ]);
}

/**
 * The most useful of a few selections that fit (the one returning the most attributes), each
 * verified with `measure`: all ARNs, primary ARNs, the ARNs of as many keys as fit, the ARNs of the
 * function's own Region, one key's ARN. Linear in the number of attributes: every candidate is cut
 * from one map of all attributes, so thousands of keys still answer long before any deadline.
 */
function fittingSelection(
  desired: DesiredState,
  keyIds: Record<string, string>,
  context: ResourceContext,
  skippedRegions: string[],
  measure: (data: Record<string, string>) => number,
): { patterns: string[]; size: number } | undefined {
  const all = allAttributes(desired, keyIds, context, skippedRegions);
  const names = sortedUnique(desired.keys.map((key) => key.keyName));
  // The KeyArns attributes of each key name (`KeyArns.<region>.<name>`; neither part holds a dot).
  const arnsByName = new Map<string, [string, string][]>();
  for (const entry of Object.entries(all)) {
    const [family, , name] = entry[0].split('.');
    if (family === 'KeyArns' && name !== undefined) arnsByName.set(name, [...(arnsByName.get(name) ?? []), entry]);
  }
  const perKey: string[] = [];
  const perKeyData: Record<string, string> = {};
  for (const name of names) {
    const next = { ...perKeyData, ...Object.fromEntries(arnsByName.get(name) ?? []) };
    if (measure(next) > MAX_RESPONSE_BYTES) break;
    Object.assign(perKeyData, next);
    perKey.push(`KeyArns.*.${name}`);
  }
  const candidates: string[][] = [
    ['KeyArns.*'],
    ['PrimaryKeyArns.*'],
    perKey,
    [`KeyArns.${context.region}.*`],
    ...names.slice(0, 1).map((name) => [`KeyArns.${context.region}.${name}`]),
    ['InvalidCmkInputs'],
  ];
  let best: { patterns: string[]; size: number; count: number } | undefined;
  for (const patterns of candidates) {
    const data = selectAttributes(all, patterns);
    const count = Object.keys(data).length;
    if (patterns.length === 0 || count === 0) continue;
    const size = measure(data);
    if (size <= MAX_RESPONSE_BYTES && (best === undefined || count > best.count)) best = { patterns, size, count };
  }
  if (best === undefined) return measure({}) <= MAX_RESPONSE_BYTES ? { patterns: [], size: measure({}) } : undefined;
  return { patterns: best.patterns, size: best.size };
}
