/**
 * Regions whose KMS calls are denied (docs/behaviour.md §4): a service control policy that denies
 * KMS outside some Regions (an organisation's own Region deny, or Control Tower's configurable OU
 * Region deny control; the landing-zone Region deny, GRREGIONDENY, exempts `kms:*`) leaves a Region
 * enabled in ListRegions but answers every KMS call with an AccessDeniedException whose message names
 * the service control policy. Only such a denial lands here (lib/retry/accessDenial.ts). Such a
 * Region is skipped and reported (`SkippedRegions`, the Reason, logs) when no desired key lives
 * there; when one does, the request fails naming the Region and the denial. A Delete wants no key
 * anywhere, so it skips them, succeeds, and names them in its Reason and logs.
 */

import { compare } from '../text/order.ts';
import type { DesiredState } from '../types.ts';
import type { DeniedRegion } from './actualState.ts';

export interface DeniedRegionsVerdict {
  /** Regions skipped: denied and wanted by no desired key. Sorted. */
  skipped: string[];
  /** Set when a desired key lives in a denied Region: the reason to answer FAILED with. */
  failure: string | null;
}

/** Judges the denied Regions against what the resource wants. */
export function judgeDeniedRegions(desired: DesiredState, denied: DeniedRegion[]): DeniedRegionsVerdict {
  const failures: string[] = [];
  const skipped: string[] = [];
  for (const { region, message } of [...denied].sort((a, b) => compare(a.region, b.region))) {
    const wanted = desired.keys.flatMap((key) => {
      if (key.primaryRegion === region) return [`${key.keyName} (${key.perRegion ? 'a key in every Region' : 'primary'})`];
      return key.replicaRegions.includes(region) ? [`${key.keyName} (replica)`] : [];
    });
    if (wanted.length === 0) skipped.push(region);
    else failures.push(`KMS denies access in ${region}, where ${wanted.join(', ')} must live: ${message}`);
  }
  if (failures.length === 0) return { skipped, failure: null };
  const advice =
    "An Organizations service control policy denies KMS there (an organisation's own Region deny, or Control Tower's OU Region deny control): set OptInRegions to the Regions the account may use, " +
    'or remove the Region from the keys that name it.';
  return { skipped, failure: `${failures.join('; ')}. ${advice}` };
}

/** `desired` without the skipped Regions: nothing is read, planned or removed there. */
export function withoutRegions(desired: DesiredState, skipped: string[]): DesiredState {
  if (skipped.length === 0) return desired;
  const gone = new Set(skipped);
  return { ...desired, regions: desired.regions.filter((region) => !gone.has(region)) };
}

/**
 * The longest `SkippedRegions` a request could answer, for the response-size preflight: every Region
 * read in which no desired key lives (a Region holding one fails the request instead).
 */
export function worstCaseSkippedRegions(desired: DesiredState): string[] {
  const used = new Set(desired.keys.flatMap((key) => [key.primaryRegion, ...key.replicaRegions]));
  return desired.regions.filter((region) => !used.has(region));
}
