/**
 * The reader's entry points (docs/behaviour.md §6, §9, §4). `readForPlan` is the read that precedes
 * each plan: every Region read (lib/reader/actualState.ts, `readRegion`), again while a key is in a
 * transitional state, and the verdict on Regions whose KMS calls are denied. `readActualState` is one
 * read of every Region as it is, for the plan CLI (local/plan/) and the tests.
 *
 * Waiting for transitions: `Creating` (a replica made by an earlier, interrupted run) and `Updating`
 * (a primary Region moving). KMS refuses most operations on such a key (docs/behaviour.md §9: wait
 * for Enabled before using it); it settles within seconds.
 *
 * Both entries call `readRegion` themselves, which calls `readKey` (lib/reader/keyRead.ts): a key
 * read is three calls from `reconcile` (tests/architecture/readerDepth.test.ts).
 */

import type { Log } from '../logger.ts';
import { type Clock, systemClock } from '../retry/clock.ts';
import { Pacer } from '../retry/pacer.ts';
import { SETTLE_POLL } from '../retry/policy.ts';
import { poll } from '../retry/poll.ts';
import type { ActualState, DesiredState } from '../types.ts';
import { READ_CONCURRENCY_TOTAL, type ReadActualStateInput, type ReadResult, type RegionResult, readRegion } from './actualState.ts';
import { limiter } from './concurrency.ts';
import { judgeDeniedRegions, withoutRegions } from './deniedRegions.ts';
import { replicaRegionsOf, withHiddenReplicas } from './hiddenReplicas.ts';
import type { UnreadableKey } from './keyRead.ts';

export type { DeniedRegion, ReadActualStateInput, ReadResult } from './actualState.ts';
// Pure helpers the request needs before and after the read (no KMS call).
export { worstCaseSkippedRegions } from './deniedRegions.ts';
export { replicaRegionsOf } from './hiddenReplicas.ts';
export { aliasNamesOf } from './tagIndex.ts';

/** What the planner gets from the read, and what the answer needs besides. */
export interface PlanInput {
  /** The desired state without the skipped Regions: what the planner gets. */
  desired: DesiredState;
  actual: ActualState;
  /** Denied Regions that no desired key needs (attribute `SkippedRegions`). */
  skippedRegions: string[];
  /** Set when a desired key lives in a denied Region: answer FAILED with it. */
  failure: string | null;
}

/** `readForPlan`'s input: the Regions and the owner come from the desired state. */
export type ReadForPlanInput = Omit<ReadActualStateInput, 'regions' | 'owner'> & {
  /** Epoch ms: no wait for a transition past it; the last read is planned from as it is. */
  deadline: number;
  clock: Clock;
  log: Log;
};

/** One read of every Region of `input.regions`, in parallel; denied Regions are reported, not judged. */
export async function readActualState(input: ReadActualStateInput): Promise<ReadResult> {
  const shared = { pacer: input.pacer ?? new Pacer(), clock: input.clock ?? systemClock, global: limiter(READ_CONCURRENCY_TOTAL) };
  const first = await Promise.all(input.regions.map((region) => readRegion(input.kms(region), input, shared)));
  const again = (region: string, replicasOfOurs: string[]) => readRegion(input.kms(region), { ...input, replicasOfOurs }, shared);
  return merged(await withHiddenReplicas(first, input.replicaRegions ?? [], again));
}

/** Reads `desired.regions` once no key is in transition (or as they are at the deadline), and judges the denied ones. */
export async function readForPlan(desired: DesiredState, input: ReadForPlanInput): Promise<PlanInput> {
  const { deadline, clock, log } = input;
  const regionInput: ReadActualStateInput = { ...input, regions: desired.regions, owner: desired.owner };
  const pacer = input.pacer ?? new Pacer();
  const inTransition = (actual: ActualState) => actual.keys.filter((key) => key.state === 'Creating' || key.state === 'Updating');
  const { value: read } = await poll(
    async () => {
      const shared = { pacer, clock, global: limiter(READ_CONCURRENCY_TOTAL) };
      const first = await Promise.all(desired.regions.map((region) => readRegion(input.kms(region), regionInput, shared)));
      // Regions some desired key wants a replica in, where a key read lists one the read missed: read again, with it.
      const again = (region: string, replicasOfOurs: string[]) => readRegion(input.kms(region), { ...regionInput, replicasOfOurs }, shared);
      return merged(await withHiddenReplicas(first, replicaRegionsOf(desired), again));
    },
    (actual) => inTransition(actual).length === 0,
    {
      delay: (n) => Math.min(SETTLE_POLL.firstMs * 2 ** Math.min(n, 30), SETTLE_POLL.capMs),
      deadline,
      clock,
      onWait: (actual) => log.info('waiting for keys in transition', { keys: inTransition(actual).map((key) => `${key.region} ${key.keyId} ${key.state}`) }),
    },
  );
  const judged = judgeDeniedRegions(desired, read.deniedRegions);
  const { skipped } = judged;
  const failure = read.unreadableKeys.length > 0 ? unreadableReason(read.unreadableKeys) : judged.failure;
  if (read.unreadableKeys.length > 0) log.error('keys under aliases of this resource whose tags cannot be read', { keys: read.unreadableKeys });
  if (read.deniedRegions.length > 0) {
    log.warn(judged.failure === null ? 'skipping Regions whose KMS calls are denied' : 'KMS calls are denied where a desired key lives', {
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

/** The Regions' reads as one state: keys, aliases and grants in Region order, the denied Regions apart. */
function merged(perRegion: RegionResult[]): ReadResult {
  const grants = perRegion.flatMap((r) => r.grants ?? []);
  return {
    keys: perRegion.flatMap((r) => r.keys),
    aliases: perRegion.flatMap((r) => r.aliases),
    deniedRegions: perRegion.flatMap((r) => (r.denied === null ? [] : [{ region: r.region, message: r.denied }])),
    unreadableKeys: perRegion.flatMap((r) => r.unreadable),
    ...(grants.length === 0 ? {} : { grants }),
  };
}

/**
 * The failure for keys under aliases of this resource's names whose tags KMS will not show: they may
 * be this resource's keys, whose policy no longer lets the function in (the role it names was deleted
 * and recreated: a key policy keeps the old role's unique ID). Taking them for foreign would leave
 * them behind in silence.
 */
function unreadableReason(keys: UnreadableKey[]): string {
  const named = keys.map((k) => `${k.keyId} in ${k.region} (${k.aliasName}): ${k.message}`).join('; ');
  return (
    `KMS does not let the function read the tags of key(s) under this resource's aliases, so it cannot tell whether they are this resource's: ${named}. ` +
    "If they are, the function's role has lost access to them (a key policy names a role by its unique ID: a deleted and recreated role no longer matches). " +
    'Let the function back in (as the account root or a key administrator: aws kms put-key-policy with a statement for the current role) and retry; ' +
    'if they are not, move the alias away from them (aws kms update-alias) and retry.'
  );
}
