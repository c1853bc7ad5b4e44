/**
 * Reads the actual state, waiting while a key is in a transitional state (`Creating`: a replica
 * made by an earlier, interrupted run; `Updating`: a primary Region moving). KMS refuses most
 * operations on such a key (docs/behaviour.md §9: wait for Enabled before using it); it settles
 * within seconds.
 */

import type { Log } from '../logger.ts';
import type { Clock } from '../retry/clock.ts';
import { SETTLE_POLL } from '../retry/policy.ts';
import { poll } from '../retry/poll.ts';
import type { ActualState } from '../types.ts';
import { type ReadActualStateInput, type ReadResult, readActualState } from './actualState.ts';

export interface SettleOptions {
  /** Epoch ms: no wait past it; the last read is returned as it is. */
  deadline: number;
  clock: Clock;
  log: Log;
}

/** The actual state once no key is in transition, or as it is when the deadline comes first. */
export async function readSettledState(input: ReadActualStateInput, options: SettleOptions): Promise<ReadResult> {
  const inTransition = (actual: ActualState) => actual.keys.filter((key) => key.state === 'Creating' || key.state === 'Updating');
  const result = await poll(
    () => readActualState(input),
    (actual) => inTransition(actual).length === 0,
    {
      delay: (n) => Math.min(SETTLE_POLL.firstMs * 2 ** Math.min(n, 30), SETTLE_POLL.capMs),
      deadline: options.deadline,
      clock: options.clock,
      onWait: (actual) =>
        options.log.info('waiting for keys in transition', { keys: inTransition(actual).map((key) => `${key.region} ${key.keyId} ${key.state}`) }),
    },
  );
  return result.value;
}
