/**
 * Client-side pacing to the KMS request quotas (SPEC §9): one token bucket per Region per operation,
 * refilled at the quota rate, holding at most one second of quota (KMS and the emulator throttle the
 * same way). Waiters are served first come, first served: each `acquire` reserves its tokens at call
 * time (the balance may go negative) and sleeps until the reservation is covered, so a later caller
 * can never overtake an earlier one.
 */
import { DEFAULT_KMS_QUOTAS, type KmsOperation, type KmsQuotas, REPLICATE_KEY_CREATE_KEY_COST } from './constants.ts';
import { realSleep } from './retry.ts';

export interface PacerOptions {
  /** Overrides of the default quotas (requests per second) for accounts with raised quotas. */
  quotas?: Partial<KmsQuotas>;
  /** Epoch ms; injectable for tests. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface Bucket {
  /** Requests per second. */
  rate: number;
  /** Tokens available at `updatedAt`; negative while reservations are pending. */
  tokens: number;
  updatedAt: number;
}

/** Token buckets per Region per operation. One Pacer serves the reader and the executor of a request. */
export class Pacer {
  readonly quotas: KmsQuotas;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: PacerOptions = {}) {
    this.quotas = { ...DEFAULT_KMS_QUOTAS, ...definedOnly(options.quotas ?? {}) };
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? realSleep;
  }

  /** Waits until `tokens` requests of `operation` may be sent in `region`. */
  async acquire(region: string, operation: KmsOperation, tokens = 1): Promise<void> {
    const wait = this.#reserve(region, operation, tokens);
    if (wait > 0) await this.#sleep(wait);
  }

  /**
   * A ReplicateKey costs its own token in the primary Region and `REPLICATE_KEY_CREATE_KEY_COST`
   * CreateKey tokens in the replica Region; both are reserved at once.
   */
  async acquireReplicateKey(primaryRegion: string, replicaRegion: string): Promise<void> {
    const wait = Math.max(
      this.#reserve(primaryRegion, 'ReplicateKey', 1),
      this.#reserve(replicaRegion, 'CreateKey', REPLICATE_KEY_CREATE_KEY_COST),
    );
    if (wait > 0) await this.#sleep(wait);
  }

  /** Takes `tokens` from the bucket now and returns how long (ms) until they are covered. */
  #reserve(region: string, operation: KmsOperation, tokens: number): number {
    const now = this.#now();
    const key = `${region}\u0000${operation}`;
    const rate = Math.max(this.quotas[operation], Number.MIN_VALUE);
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = { rate, tokens: rate, updatedAt: now };
      this.#buckets.set(key, bucket);
    }
    // Refill since the last reservation, never above one second of quota.
    bucket.tokens = Math.min(bucket.rate, bucket.tokens + ((now - bucket.updatedAt) * bucket.rate) / 1000);
    bucket.updatedAt = now;
    bucket.tokens -= tokens;
    return bucket.tokens >= 0 ? 0 : Math.ceil((-bucket.tokens * 1000) / bucket.rate);
  }
}

function definedOnly(quotas: Partial<KmsQuotas>): Partial<KmsQuotas> {
  return Object.fromEntries(Object.entries(quotas).filter(([, v]) => typeof v === 'number' && v > 0)) as Partial<KmsQuotas>;
}
