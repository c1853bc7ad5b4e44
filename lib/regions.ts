/**
 * Regions (docs/behaviour.md §4): which Regions a resource may use, how a key's `Region` and `ReplicaRegions`
 * resolve against them, and the partition of a Region. Pure: the Regions and their status come from
 * the `RegionsApi` that `lib/aws/account.ts` implements with the Account API's `ListRegions`.
 */
import { sortedUnique } from './text/order.ts';

/** The opt status the Account API's `ListRegions` reports for a Region. */
export const REGION_OPT_STATUSES = ['ENABLED', 'ENABLING', 'DISABLING', 'DISABLED', 'ENABLED_BY_DEFAULT'] as const;
export type RegionOptStatus = (typeof REGION_OPT_STATUSES)[number];

/** One Region of the partition as `ListRegions` reports it. */
export interface AccountRegion {
  name: string;
  status: RegionOptStatus;
}

/** Only these statuses make a Region usable; ENABLING and DISABLING are not (KMS may refuse calls there). */
export function isEnabledStatus(status: RegionOptStatus): boolean {
  return status === 'ENABLED' || status === 'ENABLED_BY_DEFAULT';
}

/** The enabled Regions among `regions`, sorted. */
export function enabledRegionsOf(regions: readonly AccountRegion[]): string[] {
  return sortedUnique(regions.filter((r) => isEnabledStatus(r.status)).map((r) => r.name));
}

/** `ReplicaRegions: ["*"]`: every usable Region except the primary's. */
export const ALL_REGIONS = '*';

// `us-east-1`, `us-gov-west-1`, `cn-north-1`, `us-iso-east-1`, `us-isob-east-1`, `eu-isoe-west-1`.
const REGION_NAME = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

/** True when `value` has the form of an AWS Region name (whether it exists or is enabled is another matter). */
export function isRegionName(value: string): boolean {
  return REGION_NAME.test(value);
}

/** The ARN partition of a Region: `aws`, `aws-cn`, `aws-us-gov`, or an ISO partition. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  const iso = /^[a-z]{2}-iso([a-z]?)-/.exec(region);
  if (iso !== null) return iso[1] === '' ? 'aws-iso' : `aws-iso-${iso[1]}`;
  return 'aws';
}

/** The Regions the resource may use: enabled ∩ OptInRegions (all enabled when OptInRegions is null). Sorted. */
export function usableRegions(enabledRegions: string[], optInRegions: string[] | null): string[] {
  if (optInRegions === null) return sortedUnique(enabledRegions);
  const optIn = new Set(optInRegions);
  return sortedUnique(enabledRegions.filter((region) => optIn.has(region)));
}

/**
 * The Regions whose keys must be read: those the current properties may use plus those the
 * previous properties could use (a Region dropped from OptInRegions still holds keys to remove).
 * `previousOptInRegions` is `undefined` when there are no previous properties (Create).
 */
export function regionsToScan(enabledRegions: string[], optInRegions: string[] | null, previousOptInRegions?: string[] | null): string[] {
  if (optInRegions === null || previousOptInRegions === null) return sortedUnique(enabledRegions);
  return usableRegions(enabledRegions, [...optInRegions, ...(previousOptInRegions ?? [])]);
}

/** How one key's `Region` / `ReplicaRegions` resolve against the usable Regions. */
export type KeyPlacement =
  /** `Region` malformed, not enabled or outside OptInRegions: the key is not created (InvalidCmkInputs). */
  | { kind: 'invalid' }
  /** `Region: null`: an independent key in each of `regions`. */
  | { kind: 'perRegion'; regions: string[] }
  /** One key in `primaryRegion`, replicated into `replicaRegions`; `invalidReplicaRegions` are skipped. */
  | { kind: 'fixed'; primaryRegion: string; replicaRegions: string[]; invalidReplicaRegions: string[] };

/**
 * Resolves a key's Regions. A replica entry is invalid when it is malformed, not usable, or the
 * primary's own Region; `"*"` expands to every usable Region except the primary's.
 */
export function placeKey(region: string | null, replicaRegions: string[], usable: string[]): KeyPlacement {
  if (region === null) return { kind: 'perRegion', regions: [...usable] };
  const usableSet = new Set(usable);
  if (!usableSet.has(region)) return { kind: 'invalid' };
  const replicas = new Set<string>();
  const invalid = new Set<string>();
  for (const entry of replicaRegions) {
    if (entry === ALL_REGIONS) for (const other of usable) if (other !== region) replicas.add(other);
  }
  for (const entry of replicaRegions) {
    if (entry === ALL_REGIONS) continue;
    if (usableSet.has(entry) && entry !== region) replicas.add(entry);
    else invalid.add(entry);
  }
  return { kind: 'fixed', primaryRegion: region, replicaRegions: sortedUnique(replicas), invalidReplicaRegions: sortedUnique(invalid) };
}
