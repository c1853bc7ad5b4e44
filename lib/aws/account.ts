/**
 * The partition's Regions from the Account API `ListRegions` (docs/behaviour.md §4), every status in
 * one paginated listing: the enabled ones are where keys live, the others tell a Region that is
 * merely not enabled (me-south-1) from a name that is no Region at all (us-eats-1). The Account API
 * is global: its client lives in the partition's global Region (us-east-1 for `aws`).
 */

import { AccountClient, ListRegionsCommand, type ListRegionsCommandOutput } from '@aws-sdk/client-account';
import { type AccountRegion, enabledRegionsOf, REGION_OPT_STATUSES, type RegionOptStatus } from '../regions.ts';
import { compare } from '../text/order.ts';
import { toAccountApiError } from './translateError.ts';

/** The source of the partition's Regions. */
export interface RegionsApi {
  /** Every Region `ListRegions` reports, under any status, sorted by name. */
  listRegions(): Promise<AccountRegion[]>;
  /** Regions with status ENABLED or ENABLED_BY_DEFAULT, sorted (derived from `listRegions`). */
  listEnabledRegions(): Promise<string[]>;
}

/** ListRegions returns at most 50 Regions per page. */
const PAGE_SIZE = 50;

/** Region-name prefix → the partition's global Region; the first match wins (us-isob before us-iso). */
const GLOBAL_REGIONS: [prefix: string, region: string][] = [
  ['cn-', 'cn-northwest-1'],
  ['us-gov-', 'us-gov-west-1'],
  ['us-isob-', 'us-isob-east-1'],
  ['us-isof-', 'us-isof-south-1'],
  ['us-iso-', 'us-iso-east-1'],
  ['eu-isoe-', 'eu-isoe-west-1'],
  ['eusc-', 'eusc-de-east-1'],
];

/** The global Region of the partition `region` belongs to (us-east-1 for the `aws` partition). */
export function globalRegionOf(region: string | undefined): string {
  if (region) for (const [prefix, global] of GLOBAL_REGIONS) if (region.startsWith(prefix)) return global;
  return 'us-east-1';
}

/** A status the SDK may one day report that this code does not know counts as not enabled. */
function statusOf(value: string | undefined): RegionOptStatus {
  return (REGION_OPT_STATUSES as readonly string[]).includes(value ?? '') ? (value as RegionOptStatus) : 'DISABLED';
}

/**
 * `ListRegions` over `client`, every page, without a status filter (so every status is reported).
 * Errors become `AccountApiError`s with the Account API's code. The SDK's own retries stay on: the
 * call is read-only, so repeating it is safe.
 */
export function createRegionsApi(client: AccountClient): RegionsApi {
  const listRegions = async (): Promise<AccountRegion[]> => {
    const regions = new Map<string, AccountRegion>();
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      let out: ListRegionsCommandOutput;
      try {
        out = await client.send(new ListRegionsCommand({ MaxResults: PAGE_SIZE, NextToken: token }));
      } catch (error) {
        throw toAccountApiError(error, { action: 'ListRegions' });
      }
      for (const r of out.Regions ?? []) if (r.RegionName) regions.set(r.RegionName, { name: r.RegionName, status: statusOf(r.RegionOptStatus) });
      nextToken = out.NextToken || undefined;
    } while (nextToken !== undefined);
    return [...regions.values()].sort((a, b) => compare(a.name, b.name));
  };
  return {
    listRegions,
    listEnabledRegions: async () => enabledRegionsOf(await listRegions()),
  };
}

/** The Account client for the partition of `homeRegion` (the Region the function runs in). */
export function createAccountClient(homeRegion: string | undefined): AccountClient {
  return new AccountClient({ region: globalRegionOf(homeRegion) });
}
