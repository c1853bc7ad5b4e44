/**
 * Enabled Regions from the Account API `ListRegions` (docs/behaviour.md §4). The Account API is global: its
 * client lives in the partition's global Region (us-east-1 for `aws`).
 */
import { AccountClient, ListRegionsCommand, type ListRegionsCommandOutput } from '@aws-sdk/client-account';
import { toAccountApiError } from './translateError.ts';

/** The source of enabled Regions. */
export interface RegionsApi {
  /** Regions with status ENABLED or ENABLED_BY_DEFAULT, sorted. */
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

/**
 * `ListRegions` over `client`, every page. Errors become `AccountApiError`s with the Account API's
 * code. The SDK's own retries stay on: the call is read-only, so repeating it is safe.
 */
export function createRegionsApi(client: AccountClient): RegionsApi {
  return {
    async listEnabledRegions() {
      const regions: string[] = [];
      let nextToken: string | undefined;
      do {
        const token = nextToken;
        let out: ListRegionsCommandOutput;
        try {
          out = await client.send(
            new ListRegionsCommand({ RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'], MaxResults: PAGE_SIZE, NextToken: token }),
          );
        } catch (error) {
          throw toAccountApiError(error, { action: 'ListRegions' });
        }
        for (const r of out.Regions ?? []) if (r.RegionName) regions.push(r.RegionName);
        nextToken = out.NextToken || undefined;
      } while (nextToken !== undefined);
      return [...new Set(regions)].sort();
    },
  };
}

/** The Account client for the partition of `homeRegion` (the Region the function runs in). */
export function createAccountClient(homeRegion: string | undefined): AccountClient {
  return new AccountClient({ region: globalRegionOf(homeRegion) });
}
