/**
 * The actual state, read Region by Region through the product's own reader (lib/reader/index.ts)
 * over a read-only KMS, so that a Region whose KMS denies access (an SCP's Region deny) is skipped
 * and reported when no desired key lives there, as the function does (docs/behaviour.md §4), and
 * names the Region when one does.
 */

import { KmsError } from '../../lib/errors.ts';
import type { KmsApi, KmsApiFactory } from '../../lib/kmsApi.ts';
import { readActualState, replicaRegionsOf } from '../../lib/reader/index.ts';
import { Pacer } from '../../lib/retry/pacer.ts';
import type { ActualState, DesiredState } from '../../lib/types.ts';

export interface ReadResult {
  actual: ActualState;
  skippedRegions: string[];
}

/** A Region's KMS denied access where the template wants a key. */
export class RegionDeniedError extends Error {
  /** `denial`: KMS's answer as the reader reports it (`AccessDeniedException: …`). */
  constructor(region: string, keyNames: string[], denial: string) {
    super(`KMS in ${region} denied access (${denial}), and ${keyNames.join(', ')} ${keyNames.length === 1 ? 'lives' : 'live'} there`);
    this.name = 'RegionDeniedError';
  }
}

/**
 * A read of one of the resource's own keys was denied. The reader takes a key whose tags it may not
 * read for somebody else's, and a policy or rotation it may not read for unknown, which in a plan
 * would show as keys to create or policies to rewrite: wrong, so the plan stops instead.
 */
export class KeyReadDeniedError extends Error {
  constructor(denied: DeniedRead[]) {
    const shown = denied.slice(0, 3).map((d) => `kms:${d.operation} on key ${d.keyId} in ${d.region}`);
    const more = denied.length > 3 ? ` and ${denied.length - 3} more` : '';
    super(
      `access denied reading the resource's keys (${shown.join(', ')}${more}): their key policies must allow the plan's principal to read them (docs/plan.md)`,
    );
    this.name = 'KeyReadDeniedError';
  }
}

interface DeniedRead {
  region: string;
  keyId: string;
  operation: string;
}

/** Key-level reads whose denial the reader absorbs. */
const KEY_READS: Record<string, string> = {
  listResourceTags: 'ListResourceTags',
  describeKey: 'DescribeKey',
  getKeyPolicy: 'GetKeyPolicy',
  getKeyRotationStatus: 'GetKeyRotationStatus',
  listGrants: 'ListGrants',
};

/** Records every AccessDeniedException of a key-level read, then lets it through unchanged. */
function recordingDenials(kms: KmsApiFactory, denied: DeniedRead[]): KmsApiFactory {
  const wrapped = new Map<string, KmsApi>();
  return (region) => {
    let api = wrapped.get(region);
    if (api === undefined) {
      const inner = kms(region);
      api = new Proxy(inner, {
        get(target, property, receiver) {
          const value: unknown = Reflect.get(target, property, receiver);
          const operation = KEY_READS[String(property)];
          if (typeof value !== 'function' || operation === undefined) return typeof value === 'function' ? value.bind(target) : value;
          return async (keyId: string, ...rest: unknown[]) => {
            try {
              return await (value as (...args: unknown[]) => Promise<unknown>).call(target, keyId, ...rest);
            } catch (error) {
              if (error instanceof KmsError && error.code === 'AccessDeniedException') denied.push({ region, keyId, operation });
              throw error;
            }
          };
        },
      });
      wrapped.set(region, api);
    }
    return api;
  };
}

/**
 * @param tagIndexAliasNames the aliases whose targets are read whatever the tag index says, as the
 *   function passes them (new and previous properties); null: no index (previous properties that no
 *   longer parse); absent: the desired aliases
 */
export async function readStateForPlan(desired: DesiredState, readOnly: KmsApiFactory, tagIndexAliasNames?: readonly string[] | null): Promise<ReadResult> {
  const denied: DeniedRead[] = [];
  const kms = recordingDenials(readOnly, denied);
  const pacer = new Pacer();
  const aliasNames = [...new Set(desired.keys.flatMap((k) => [k.aliasName, ...k.extraAliasNames]))];
  const skippedRegions: string[] = [];
  // The reader reports Regions whose listings a service control policy denies (deniedRegions) and
  // reads the others; any other denial fails the plan at once (its caller's credentials are not a
  // role made moments ago: no IAM propagation to wait for).
  // The plan reads like the function: the tag index narrows the tag scan (a read, allowed by read-only KMS).
  // Previous properties that no longer parse (null): no index, as in the function.
  const tagIndex = tagIndexAliasNames === null ? null : { directAliasNames: tagIndexAliasNames ?? aliasNames };
  const replicaRegions = replicaRegionsOf(desired);
  const read = await readActualState({ regions: desired.regions, owner: desired.owner, aliasNames, kms, pacer, tagIndex, iamPropagationMs: 0, replicaRegions });
  for (const { region, message } of read.deniedRegions) {
    const wanted = desired.keys.filter((k) => k.primaryRegion === region || k.replicaRegions.includes(region)).map((k) => k.keyName);
    if (wanted.length > 0) throw new RegionDeniedError(region, [...new Set(wanted)], message);
    skippedRegions.push(region);
  }
  // The grants this resource made, as the function reads them: without them every grant would be planned anew.
  const actual: ActualState = { keys: read.keys, aliases: read.aliases, ...(read.grants === undefined ? {} : { grants: read.grants }) };
  // Ours, or targeted by an alias the template wants: a denied read there makes the plan wrong.
  const wantedNames = new Set(aliasNames);
  const relevant = new Set([
    ...actual.keys.map((k) => `${k.region} ${k.keyId}`),
    ...actual.aliases.filter((a) => wantedNames.has(a.aliasName)).map((a) => `${a.region} ${a.targetKeyId}`),
  ]);
  const harmful = denied
    .filter((d) => relevant.has(`${d.region} ${d.keyId}`))
    .sort((a, b) => (`${a.region} ${a.keyId} ${a.operation}` < `${b.region} ${b.keyId} ${b.operation}` ? -1 : 1));
  if (harmful.length > 0) throw new KeyReadDeniedError(harmful);
  return { actual, skippedRegions: skippedRegions.sort() };
}
