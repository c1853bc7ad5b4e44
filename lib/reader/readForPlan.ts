/**
 * The read that precedes each plan (docs/behaviour.md §6, §9, §4): the actual state once no key is
 * in transition (lib/reader/settledState.ts), and the verdict on Regions whose KMS calls are denied.
 */

import type { ActualState, DesiredState } from '../types.ts';
import type { ReadActualStateInput } from './actualState.ts';
import { judgeDeniedRegions, withoutRegions } from './deniedRegions.ts';
import type { UnreadableKey } from './keyRead.ts';
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
  const judged = judgeDeniedRegions(desired, read.deniedRegions);
  const { skipped } = judged;
  const failure = read.unreadableKeys.length > 0 ? unreadableReason(read.unreadableKeys) : judged.failure;
  if (read.unreadableKeys.length > 0) options.log.error('keys under aliases of this resource whose tags cannot be read', { keys: read.unreadableKeys });
  if (read.deniedRegions.length > 0) {
    options.log.warn(judged.failure === null ? 'skipping Regions whose KMS calls are denied' : 'KMS calls are denied where a desired key lives', {
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

/**
 * The failure for keys under aliases of this resource's names whose tags KMS will not show: they may
 * be this resource's keys, whose policy no longer lets the function in (the role it names was deleted
 * and recreated: a key policy keeps the old role's unique ID). Taking them for foreign would leave
 * them behind in silence.
 */
export function unreadableReason(keys: UnreadableKey[]): string {
  const named = keys.map((k) => `${k.keyId} in ${k.region} (${k.aliasName}): ${k.message}`).join('; ');
  return (
    `KMS does not let the function read the tags of key(s) under this resource's aliases, so it cannot tell whether they are this resource's: ${named}. ` +
    "If they are, the function's role has lost access to them (a key policy names a role by its unique ID: a deleted and recreated role no longer matches). " +
    'Let the function back in (as the account root or a key administrator: aws kms put-key-policy with a statement for the current role) and retry; ' +
    'if they are not, move the alias away from them (aws kms update-alias) and retry.'
  );
}
