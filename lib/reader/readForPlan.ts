/**
 * The read that precedes each plan (docs/behaviour.md §6, §9, §4): the actual state once no key is
 * in transition (lib/reader/settledState.ts), and the verdict on Regions whose KMS calls are denied.
 */

import type { ActualState, DesiredState } from '../types.ts';
import type { ReadActualStateInput } from './actualState.ts';
import { judgeDeniedRegions, withoutRegions } from './deniedRegions.ts';
import { readSettledState, type SettleOptions } from './settledState.ts';

export interface PlanInput {
  /** The desired state without the skipped Regions: what the planner gets. */
  desired: DesiredState;
  actual: ActualState;
  /** Denied Regions that no desired key needs (attribute `SkippedRegions`). */
  skippedRegions: string[];
  /** Set when a desired key lives in a denied Region: answer FAILED with it. */
  failure: string | null;
}

/** Reads `desired.regions` and judges the denied ones. */
export async function readForPlan(desired: DesiredState, input: Omit<ReadActualStateInput, 'regions' | 'owner'>, options: SettleOptions): Promise<PlanInput> {
  const read = await readSettledState({ ...input, regions: desired.regions, owner: desired.owner }, options);
  const { skipped, failure } = judgeDeniedRegions(desired, read.deniedRegions);
  if (read.deniedRegions.length > 0) {
    options.log.warn(failure === null ? 'skipping Regions whose KMS calls are denied' : 'KMS calls are denied where a desired key lives', {
      deniedRegions: read.deniedRegions,
    });
  }
  return {
    desired: withoutRegions(desired, skipped),
    actual: { keys: read.keys, aliases: read.aliases, ...(read.grants === undefined ? {} : { grants: read.grants }) },
    skippedRegions: skipped,
    failure,
  };
}
