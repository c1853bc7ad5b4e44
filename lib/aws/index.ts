/**
 * The AWS dependencies of one invocation: KMS (with the Tagging API's index of its keys) per Region,
 * the enabled Regions, and CloudFormation's stack events (the request verification). The only entry to `lib/aws/` the handler needs.
 */

import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { KmsApi, KmsApiFactory } from '../kmsApi.ts';
import type { StackEventsApi } from '../stackEvents.ts';
import { createAccountClient, createRegionsApi, type RegionsApi } from './account.ts';
import { createKmsClient } from './clients.ts';
import { createCloudFormationClient, createStackEventsApi } from './cloudFormation.ts';
import { createKmsApi } from './kms.ts';
import { createTaggingClient, listTaggedKeys } from './tagIndex.ts';

export type { RegionsApi } from './account.ts';

export interface AwsDependencies {
  kms: KmsApiFactory;
  regions: RegionsApi;
  /** The stack events of the function's own Region; only the request verification reads them. */
  stackEvents: StackEventsApi;
}

export interface AwsDependenciesOptions {
  /** The Region the function runs in (`FunctionConfig.region`): picks the Account API's partition. Default: the `aws` partition. */
  region?: string;
}

/**
 * Builds the dependencies. Credentials and endpoints (`AWS_ENDPOINT_URL*`) are the SDK's standard
 * configuration; the Region comes from the caller. Each Region's clients (KMS, Tagging API) and
 * KmsApi are created on first use and kept: this is the one per-Region cache.
 */
export function createAwsDependencies(options: AwsDependenciesOptions = {}): AwsDependencies {
  const apis = new Map<string, KmsApi>();
  // Made on first use, per secret Region: only keys with KeyMaterial ever read a secret, so the
  // client's code is loaded then too (lib/aws/secrets.ts: its own chunk of the bundle).
  const secretsClients = new Map<string, Promise<SecretsManagerClient>>();
  const secrets = (region: string) => {
    let client = secretsClients.get(region);
    if (client === undefined) {
      client = import('./secrets.ts').then((module) => module.createSecretsClient(region));
      secretsClients.set(region, client);
    }
    return client;
  };
  const kms: KmsApiFactory = (region) => {
    let api = apis.get(region);
    if (api === undefined) {
      // The Tagging API's client is made on first use: a request that never reads the index never pays for it.
      let tagging: ReturnType<typeof createTaggingClient> | undefined;
      api = {
        ...createKmsApi(createKmsClient(region), region, secrets),
        listTaggedKeys: (listOptions) => {
          tagging ??= createTaggingClient(region);
          return listTaggedKeys(tagging, region, listOptions);
        },
      };
      apis.set(region, api);
    }
    return api;
  };
  let regions: RegionsApi | undefined;
  let stackEvents: StackEventsApi | undefined;
  return {
    kms,
    stackEvents: {
      describeStackEvents: (stackId, nextToken) => {
        stackEvents ??= createStackEventsApi(createCloudFormationClient(options.region));
        return stackEvents.describeStackEvents(stackId, nextToken);
      },
    },
    regions: {
      listRegions: () => {
        regions ??= createRegionsApi(createAccountClient(options.region));
        return regions.listRegions();
      },
      listEnabledRegions: () => {
        regions ??= createRegionsApi(createAccountClient(options.region));
        return regions.listEnabledRegions();
      },
    },
  };
}
