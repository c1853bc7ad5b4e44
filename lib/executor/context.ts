/**
 * What one execution shares between its actions: the Pacer, the clock, the retry budget and the
 * retry counter.
 */
import type { KmsApiFactory } from '../kmsApi.ts';
import type { Pacer } from '../pacer.ts';

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
  /** Counts every retried request (ExecutionResult.retries). */
  countRetry: () => void;
}

/** Attempts in all for an idempotent request meeting 5xx / network errors. */
export const MAX_ATTEMPTS = 6;

/**
 * Attempts in all while KMS throttles: higher, because a throttled request did nothing and the
 * deadline bounds the wait anyway (a throttling storm must slow the run down, not fail it).
 */
export const MAX_THROTTLED_ATTEMPTS = 20;

/** Backoff of throttling / 5xx retries: full jitter over 100 ms … 5 s. */
export const RETRY_BACKOFF = { baseMs: 100, capMs: 5_000 } as const;

/** Backoff while waiting for IAM to propagate new principals: full jitter over 1 s … 15 s. */
export const POLICY_PROPAGATION_BACKOFF = { baseMs: 1_000, capMs: 15_000 } as const;

/** Polling of a new replica's state: every 250 ms (DescribeKey's quota is 2,000/s; a slower poll delays every alias behind it). */
export const REPLICA_POLL = { firstMs: 250, capMs: 250 } as const;
