/**
 * The Resource Groups Tagging API as an index of a Region's tagged KMS keys (DESIGN.md "Finding
 * owned keys in a busy account"): `GetResources` filtered to `kms:key`, 100 keys with their tags per
 * request instead of one `ListResourceTags` per key. One client per Region, built like the KMS
 * clients (`clients.ts`): one attempt, the same socket settings, no User-Agent middleware; our own
 * retry (lib/retry/retry.ts) repeats throttled pages. Every SDK exception becomes a `TaggingApiError`
 * (`action` says it was GetResources), which the read retry classifies like a KMS error.
 */
import { GetResourcesCommand, type GetResourcesCommandOutput, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { type ListOptions, sendPage } from '../kmsApi.ts';
import type { TagMap } from '../types.ts';
import { CLIENT_SETTINGS, withoutUserAgent } from './clients.ts';
import { toTaggingApiError } from './translateError.ts';

/** GetResources' page-size maximum. */
export const TAG_INDEX_PAGE_SIZE = 100;

/** The Tagging API's resource type of KMS keys. */
export const KMS_KEY_RESOURCE_TYPE = 'kms:key';

/** A new Tagging API client for `region` (endpoint from `AWS_ENDPOINT_URL*`, like the KMS clients). */
export function createTaggingClient(region: string): ResourceGroupsTaggingAPIClient {
  return withoutUserAgent(new ResourceGroupsTaggingAPIClient({ region, ...CLIENT_SETTINGS }));
}

/** `arn:aws:kms:us-east-1:111122223333:key/<id>` → `<id>`; null for anything else. */
export function keyIdOfArn(arn: string): string | null {
  const match = /^arn:[^:]+:kms:[^:]*:[^:]*:key\/(.+)$/.exec(arn);
  return match?.[1] ?? null;
}

/**
 * Every KMS key the index lists in the client's Region, key id → its tags as indexed (all pages).
 * A key tagged once and untagged since is listed with no tags; a key never tagged is absent.
 */
export async function listTaggedKeys(client: ResourceGroupsTaggingAPIClient, region: string, options?: ListOptions): Promise<Map<string, TagMap>> {
  const keys = new Map<string, TagMap>();
  const page = options?.page ?? sendPage;
  let token: string | undefined;
  do {
    const out: GetResourcesCommandOutput = await page(async () => {
      try {
        return await client.send(
          new GetResourcesCommand({ ResourceTypeFilters: [KMS_KEY_RESOURCE_TYPE], ResourcesPerPage: TAG_INDEX_PAGE_SIZE, PaginationToken: token }),
        );
      } catch (error) {
        throw toTaggingApiError(error, { region, action: 'GetResources' });
      }
    });
    for (const mapping of out.ResourceTagMappingList ?? []) {
      const keyId = mapping.ResourceARN === undefined ? null : keyIdOfArn(mapping.ResourceARN);
      if (keyId === null) continue;
      const tags: TagMap = {};
      for (const tag of mapping.Tags ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
      keys.set(keyId, tags);
    }
    // The last page answers an empty token (AWS documents null; the SDK passes either through).
    token = out.PaginationToken === undefined || out.PaginationToken === '' ? undefined : out.PaginationToken;
  } while (token !== undefined);
  return keys;
}
