/**
 * Client-side pacing to the KMS request quotas (docs/behaviour.md §9): one token bucket per Region per operation,
 * refilled at the quota rate.
 *
 * - Headroom: KMS (and the emulator) hold one second of quota and take a token when a request
 *   *arrives*, after a jittered network latency. A client bucket exactly as large as the server's
 *   lets arrival jitter land a request on an empty server bucket. The client therefore runs
 *   `HEADROOM_MS` behind the server (`bucketCapacity`: 90 % of one second of quota), which absorbs
 *   jitter and event-loop stalls that bunch requests (how the headroom was chosen: docs/performance.md,
 *   "Why these settings"); a bucket that meets a ThrottlingException anyway (a busier network,
 *   another client of the same account) drops to one token or 20 % below the server
 *   (`throttledBucketCapacity`) for the rest of the request.
 * - Priority: waiters of a bucket are served highest priority first, first come first served within
 *   equal priority. The executor gives critical-path work (a multi-Region primary, its ReplicateKeys)
 *   a high priority so it does not queue behind independent per-Region keys. A waiter is never
 *   overtaken by a later waiter of the same or lower priority.
 * - Reservations: tokens a known future request will need (`reserve`): waiters of a lower priority
 *   leave them in the bucket. The executor reserves, in each replica Region, the CreateKey tokens of
 *   the ReplicateKeys still to come, so a ReplicateKey (on the critical path, and paced at 5/s in
 *   the primary's Region) finds them there instead of waiting behind the Region's own
 *   CreateKeys, which only lose that once (they still get the whole refill rate).
 */
import { DEFAULT_KMS_QUOTAS, type KmsOperation, type KmsQuotas, REPLICATE_KEY_CREATE_KEY_COST, UPDATE_PRIMARY_REGION_COST_PER_REGION } from '../kmsApi.ts';
import { type Clock, systemClock } from './clock.ts';
import { isThrottling } from './retry.ts';

export interface PacerOptions {
  /** Overrides of the default quotas (requests per second) for accounts with raised quotas. */
  quotas?: Partial<KmsQuotas>;
  /** Refills and waits; the request's clock (real time when absent). */
  clock?: Clock;
}

/** Default priority: ordinary work. Higher numbers are served first. */
export const DEFAULT_PRIORITY = 0;

interface Waiter {
  tokens: number;
  priority: number;
  /** Arrival order: FIFO within equal priority. */
  seq: number;
  resolve: () => void;
}

interface Bucket {
  /** Requests per second. */
  rate: number;
  /** Most tokens the bucket holds (the burst the client allows itself). */
  capacity: number;
  /** Tokens available at `updatedAt`; negative only after a request larger than `capacity`. */
  tokens: number;
  updatedAt: number;
  /** Waiters, kept sorted: highest priority first, then arrival order. */
  queue: Waiter[];
  /** True while a timer is pending to serve the head of `queue`. */
  pumping: boolean;
  /** Reserved tokens by priority: waiters of a lower priority leave them (see `reserve`). */
  reserved: Map<number, number>;
}

/** How far the client's buckets run behind the server's: covers the jitter of request arrival. */
export const HEADROOM_MS = 100;

/** Burst the client allows itself for a quota of `rate` requests per second (never under one token). */
export function bucketCapacity(rate: number): number {
  return Math.max(1, rate * (1 - HEADROOM_MS / 1000));
}

/** The burst after a ThrottlingException: one token or 20 % below the server's, whichever is more. */
export function throttledBucketCapacity(rate: number): number {
  return Math.max(1, Math.min(rate - 1, rate * 0.8));
}

/** Token buckets per Region per operation. One Pacer serves the reader and the executor of a request. */
export class Pacer {
  readonly quotas: KmsQuotas;
  readonly #clock: Clock;
  readonly #buckets = new Map<string, Bucket>();
  #seq = 0;

  constructor(options: PacerOptions = {}) {
    this.quotas = { ...DEFAULT_KMS_QUOTAS, ...definedOnly(options.quotas ?? {}) };
    this.#clock = options.clock ?? systemClock;
  }

  /**
   * Waits until `tokens` requests of `operation` may be sent in `region`. The tokens are taken
   * synchronously when they are available and nobody of equal or higher priority waits, so callers
   * that call in priority order are served in that order.
   */
  acquire(region: string, operation: KmsOperation, tokens = 1, priority = DEFAULT_PRIORITY): Promise<void> {
    const bucket = this.#bucket(region, operation);
    this.#refill(bucket);
    const head = bucket.queue[0];
    if ((head === undefined || head.priority < priority) && this.#fits(bucket, tokens, priority)) {
      bucket.tokens -= tokens;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      insertSorted(bucket.queue, { tokens, priority, seq: this.#seq++, resolve });
      this.#pump(bucket);
    });
  }

  /**
   * Keeps `tokens` of `operation` in `region` for a later request of `priority`: until the returned
   * release is called, waiters of a lower priority leave them in the bucket (never so many that a
   * lower-priority request could not go at all). Releasing twice is harmless.
   */
  reserve(region: string, operation: KmsOperation, tokens: number, priority: number): () => void {
    const bucket = this.#bucket(region, operation);
    bucket.reserved.set(priority, (bucket.reserved.get(priority) ?? 0) + tokens);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (bucket.reserved.get(priority) ?? 0) - tokens;
      if (left > 0) bucket.reserved.set(priority, left);
      else bucket.reserved.delete(priority);
      this.#pump(bucket);
    };
  }

  /**
   * A ReplicateKey costs its own token in the primary Region and `REPLICATE_KEY_CREATE_KEY_COST`
   * CreateKey tokens in the replica Region, both at the same priority. The primary's token first,
   * then the replica's (waiting in a reservation, when the executor made one): KMS charges both when
   * the request arrives, so tokens taken in the replica Region long before it is sent (while the
   * primary's ReplicateKey bucket is the bottleneck) would leave KMS's bucket there two tokens
   * emptier than ours the moment it is sent (a throttled CreateKey per replica Region in the bench).
   */
  async acquireReplicateKey(primaryRegion: string, replicaRegion: string, priority = DEFAULT_PRIORITY): Promise<void> {
    await this.acquire(primaryRegion, 'ReplicateKey', 1, priority);
    await this.acquire(replicaRegion, 'CreateKey', REPLICATE_KEY_CREATE_KEY_COST, priority);
  }

  /** An UpdatePrimaryRegion costs one UpdatePrimaryRegion token in the current primary's Region and one in the new primary's. */
  async acquireUpdatePrimaryRegion(region: string, newPrimaryRegion: string, priority = DEFAULT_PRIORITY): Promise<void> {
    await Promise.all([
      this.acquire(region, 'UpdatePrimaryRegion', UPDATE_PRIMARY_REGION_COST_PER_REGION, priority),
      this.acquire(newPrimaryRegion, 'UpdatePrimaryRegion', UPDATE_PRIMARY_REGION_COST_PER_REGION, priority),
    ]);
  }

  /**
   * KMS throttled a request of `operation` in `region` although it was paced: the server's bucket is
   * empty now and fuller than ours was assumed to be. Shrink this bucket's burst and empty it.
   */
  throttled(region: string, operation: KmsOperation): void {
    const bucket = this.#bucket(region, operation);
    this.#refill(bucket);
    bucket.capacity = Math.min(bucket.capacity, throttledBucketCapacity(bucket.rate));
    bucket.tokens = Math.min(bucket.tokens, 0);
  }

  #bucket(region: string, operation: KmsOperation): Bucket {
    const key = `${region}\u0000${operation}`;
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      const rate = Math.max(this.quotas[operation], Number.MIN_VALUE);
      const capacity = bucketCapacity(rate);
      bucket = { rate, capacity, tokens: capacity, updatedAt: this.#clock.now(), queue: [], pumping: false, reserved: new Map() };
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }

  #refill(bucket: Bucket): void {
    const now = this.#clock.now();
    bucket.tokens = Math.min(bucket.capacity, bucket.tokens + ((now - bucket.updatedAt) * bucket.rate) / 1000);
    bucket.updatedAt = now;
  }

  /**
   * Tokens a request needs before it goes: a request larger than the bucket goes once the bucket is
   * full (the balance then goes negative); one of `priority` also leaves the tokens reserved for
   * higher priorities, as far as the bucket can hold both.
   */
  #needed(bucket: Bucket, tokens: number, priority: number): number {
    const own = Math.min(tokens, bucket.capacity);
    let reserved = 0;
    for (const [level, amount] of bucket.reserved) if (level > priority) reserved += amount;
    return own + Math.min(reserved, bucket.capacity - own);
  }

  #fits(bucket: Bucket, tokens: number, priority: number): boolean {
    return bucket.tokens >= this.#needed(bucket, tokens, priority);
  }

  /** Serves the queue's head while it fits, then sleeps until it will (one timer per bucket). */
  #pump(bucket: Bucket): void {
    if (bucket.pumping) return;
    this.#refill(bucket);
    for (let head = bucket.queue[0]; head !== undefined && this.#fits(bucket, head.tokens, head.priority); head = bucket.queue[0]) {
      bucket.queue.shift();
      bucket.tokens -= head.tokens;
      head.resolve();
    }
    const head = bucket.queue[0];
    if (head === undefined) return;
    const missing = this.#needed(bucket, head.tokens, head.priority) - bucket.tokens;
    bucket.pumping = true;
    // Whoever is the head when the timer fires is served: a later, higher-priority waiter included.
    void this.#clock.sleep(Math.max(1, Math.ceil((missing * 1000) / bucket.rate))).then(() => {
      bucket.pumping = false;
      this.#pump(bucket);
    });
  }
}

/** Inserts after every waiter of equal or higher priority (FIFO within a priority). */
function insertSorted(queue: Waiter[], waiter: Waiter): void {
  let index = queue.length;
  while (index > 0 && queue[index - 1]!.priority < waiter.priority) index--;
  queue.splice(index, 0, waiter);
}

function definedOnly(quotas: Partial<KmsQuotas>): Partial<KmsQuotas> {
  return Object.fromEntries(Object.entries(quotas).filter(([, v]) => typeof v === 'number' && v > 0)) as Partial<KmsQuotas>;
}

/**
 * One paced attempt, for the executor and the reader alike: waits for `pace`, sends, and reports an
 * answer throttled although paced (`onThrottled`: the quota's bucket is shared with other
 * invocations and callers, so it was emptier than the Pacer assumed) before rethrowing it.
 */
export async function pacedAttempt<T>(pace: () => Promise<void>, onThrottled: (() => void) | undefined, send: () => Promise<T>): Promise<T> {
  await pace();
  try {
    return await send();
  } catch (error) {
    if (isThrottling(error)) onThrottled?.();
    throw error;
  }
}
