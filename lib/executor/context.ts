/**
 * What one execution shares between its actions: the Pacer, the clock, the retry budget and the
 * retry counter.
 */
import type { KmsApiFactory } from '../kmsApi.ts';
import type { Log } from '../logger.ts';
import type { Clock } from '../retry/clock.ts';
import type { Pacer } from '../retry/pacer.ts';
import type { RetryTimings } from '../retry/policy.ts';
import type { MadeKeys } from './madeKeys.ts';

export interface ExecutionContext {
  kms: KmsApiFactory;
  pacer: Pacer;
  clock: Clock;
  log: Log;
  random: () => number;
  /** Epoch ms; retries and waits do not run past it. */
  deadline: number | undefined;
  /** The time limits of the waits (lib/retry/policy.ts). */
  timings: RetryTimings;
  /**
   * Keys made or changed in this request, including earlier reconcile passes: their NotFound /
   * KMSInvalidState answers are retried.
   */
  madeKeys: MadeKeys;
  /** Key ids that an UpdatePrimaryRegion of this plan changes: every member is `Updating` for a while. */
  movingKeyIds: ReadonlySet<string>;
  /**
   * Members (`memberKey`) an UpdatePrimaryRegion of this run has put in `Updating` and nobody has
   * seen leave it yet: the actions KMS refuses while Updating wait for them (executor/primaryUpdated.ts).
   */
  updatingMembers: Set<string>;
  /** Counts every retried request (ExecutionResult.retries). */
  countRetry: () => void;
  /**
   * Per ReplicateKey action id, the release of the CreateKey tokens reserved for it in its replica
   * Region (Pacer `reserve`): called once its tokens are taken, or when it ends without a request.
   */
  reservations: Map<string, () => void>;
}
