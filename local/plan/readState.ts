/**
 * The actual state, read Region by Region through the product's own reader (lib/actualState.ts)
 * over a read-only KMS, so that a Region whose KMS denies access (an SCP's Region deny) is skipped
 * and reported when no desired key lives there, as the function does (docs/behaviour.md §4), and
 * names the Region when one does.
 */
import { readActualState } from '../../lib/actualState.ts';
import { KmsError } from '../../lib/errors.ts';
import type { KmsApiFactory } from '../../lib/kmsApi.ts';
import { Pacer } from '../../lib/pacer.ts';
import type { ActualState, DesiredState } from '../../lib/types.ts';

export interface ReadResult {
  actual: ActualState;
  skippedRegions: string[];
}

/** A Region's KMS denied access where the template wants a key. */
export class RegionDeniedError extends Error {
  constructor(region: string, keyNames: string[], cause: KmsError) {
    super(`KMS in ${region} denied access (${cause.message}), and ${keyNames.join(', ')} ${keyNames.length === 1 ? 'lives' : 'live'} there`);
    this.name = 'RegionDeniedError';
  }
}

export async function readStateForPlan(desired: DesiredState, kms: KmsApiFactory): Promise<ReadResult> {
  const pacer = new Pacer();
  const aliasNames = [...new Set(desired.keys.map((k) => k.aliasName))];
  const skippedRegions: string[] = [];
  const perRegion = await Promise.all(
    desired.regions.map(async (region) => {
      try {
        return await readActualState({ regions: [region], owner: desired.owner, aliasNames, kms, pacer });
      } catch (error) {
        if (!(error instanceof KmsError) || error.code !== 'AccessDeniedException') throw error;
        const wanted = desired.keys.filter((k) => k.primaryRegion === region || k.replicaRegions.includes(region)).map((k) => k.keyName);
        if (wanted.length > 0) throw new RegionDeniedError(region, [...new Set(wanted)], error);
        skippedRegions.push(region);
        return { keys: [], aliases: [] };
      }
    }),
  );
  return { actual: { keys: perRegion.flatMap((s) => s.keys), aliases: perRegion.flatMap((s) => s.aliases) }, skippedRegions: skippedRegions.sort() };
}
