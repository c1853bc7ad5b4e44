/**
 * The Regions the emulator knows and how the Account API reports them. One emulator is one account
 * with every Region of it; a request signed for a Region that is not enabled is refused like AWS
 * refuses it (UnrecognizedClientException).
 */

/** The 17 commercial Regions every account has enabled by default. */
export const DEFAULT_ENABLED_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ap-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'eu-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-north-1',
  'sa-east-1',
] as const;

/** Opt-in Regions reported DISABLED unless listed in `regions`, so status filtering has something to filter. */
export const OPT_IN_REGIONS = ['af-south-1', 'ap-east-1', 'me-south-1', 'eu-south-1', 'ap-southeast-3'] as const;

export type RegionOptStatus = 'ENABLED' | 'ENABLING' | 'DISABLING' | 'DISABLED' | 'ENABLED_BY_DEFAULT';

export interface RegionStatus {
  RegionName: string;
  RegionOptStatus: RegionOptStatus;
}

/** A syntactically valid Region name (`us-east-1`, `us-gov-west-1`). */
export const REGION_PATTERN = /^[a-z]{2,4}(-[a-z]+){1,2}-\d{1,2}$/;

/** `aws`, `aws-cn` or `aws-us-gov`: the partition a Region belongs to. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/**
 * Every Region the account knows with its opt status, sorted by name. Enabled Regions that are
 * default Regions report ENABLED_BY_DEFAULT, other enabled ones ENABLED (opted in); every other
 * known Region — including default Regions left out of a custom `regions` list — reports DISABLED.
 */
export function regionStatuses(enabled: readonly string[]): RegionStatus[] {
  const defaults = new Set<string>(DEFAULT_ENABLED_REGIONS);
  const names = new Set<string>([...DEFAULT_ENABLED_REGIONS, ...OPT_IN_REGIONS, ...enabled]);
  const enabledSet = new Set(enabled);
  return [...names].sort().map((name) => ({
    RegionName: name,
    RegionOptStatus: !enabledSet.has(name) ? 'DISABLED' : defaults.has(name) ? 'ENABLED_BY_DEFAULT' : 'ENABLED',
  }));
}
