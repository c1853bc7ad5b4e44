/**
 * What one execution shares between its actions: the Pacer, the clock, the retry budget and the
 * retry counter.
 */
import type { KmsApiFactory } from '../kmsApi.ts';
import type { Pacer } from '../retry/pacer.ts';

export interface ExecutionContext {
  kms: KmsApiFactory;
  pacer: Pacer;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  /** Epoch ms; retries and waits do not run past it. */
  deadline: number | undefined;
  replicaReadyTimeoutMs: number;
  policyPropagationTimeoutMs: number;
  /** How long both keys may stay `Updating` after UpdatePrimaryRegion. */
  primaryUpdateTimeoutMs: number;
  /** How long a key KMS has not caught up with is retried (executor/settling.ts). */
  settlingTimeoutMs: number;
  /**
   * Members (`memberKey(region, keyId)`) of keys made or changed in this request, including earlier
   * reconcile passes: their NotFound / KMSInvalidState answers are retried.
   */
  madeKeys: Set<string>;
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

/** Attempts in all for an idempotent request meeting 5xx / network errors. */
export const MAX_ATTEMPTS = 6;

/**
 * Attempts in all while KMS throttles: higher, because a throttled request did nothing and the
 * deadline bounds the wait anyway (a throttling storm must slow the run down, not fail it).
 */
export const MAX_THROTTLED_ATTEMPTS = 20;

/** Backoff while waiting for IAM to propagate new principals: full jitter over 1 s … 15 s. */
export const POLICY_PROPAGATION_BACKOFF = { baseMs: 1_000, capMs: 15_000 } as const;

/**
 * Polling of a new replica's state: once at once (a replica found existing may be ready), then after
 * `firstMs` (a replica takes seconds: earlier polls only spend requests), then every `intervalMs`.
 * Fine-grained because every alias and key of the replica waits on it: a 250 ms poll made it ready
 * 125 ms late on average; 100 ms costs ~10 DescribeKey/s per replica of a 2,000/s quota.
 */
export const REPLICA_POLL = { firstMs: 1_000, intervalMs: 100 } as const;

/**
 * Polling of both keys after UpdatePrimaryRegion: first after `firstMs`, then doubling up to
 * `maxIntervalMs` (KMS takes seconds to minutes; a few DescribeKey calls of a 2,000/s quota).
 */
export const PRIMARY_UPDATE_POLL = { firstMs: 250, maxIntervalMs: 2_000 } as const;
