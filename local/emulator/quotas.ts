/**
 * KMS request quotas per account, per Region, per quota: token buckets holding one second's worth
 * of requests and refilling continuously. A request that finds too few tokens is throttled.
 */
import { REPLICATE_KEY_CREATE_KEY_TOKENS, TAGGING_REQUEST_QUOTAS, type TaggingQuotaName, UPDATE_PRIMARY_REGION_TOKENS_PER_REGION } from './kmsFacts.ts';
import { KMS_REQUEST_QUOTAS, type KmsQuotaName } from './operations/index.ts';

/** Request quotas: KMS's per-operation ones, the shared cryptographic-operations quota, and GetResources. */
export type EmulatorQuotas = Record<KmsQuotaName | TaggingQuotaName, number>;

export const DEFAULT_EMULATOR_QUOTAS: EmulatorQuotas = { ...KMS_REQUEST_QUOTAS, ...TAGGING_REQUEST_QUOTAS };

export type QuotaName = keyof EmulatorQuotas;

/** One draw on one bucket. */
export interface QuotaCharge {
  region: string;
  quota: QuotaName;
  tokens: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * What a request costs: one token of its own quota in its Region; ReplicateKey also costs
 * `REPLICATE_KEY_CREATE_KEY_TOKENS` CreateKey tokens in the replica Region, UpdatePrimaryRegion one
 * UpdatePrimaryRegion token in the new primary's Region too (`kmsFacts.ts`). `otherRegion` is the
 * request's `ReplicaRegion` / `PrimaryRegion` member.
 */
export function chargesFor(operation: string, quota: QuotaName, region: string, otherRegion: string | undefined): QuotaCharge[] {
  const charges: QuotaCharge[] = [{ region, quota, tokens: 1 }];
  if (otherRegion === undefined || otherRegion === region) return charges;
  if (operation === 'ReplicateKey') charges.push({ region: otherRegion, quota: 'CreateKey', tokens: REPLICATE_KEY_CREATE_KEY_TOKENS });
  if (operation === 'UpdatePrimaryRegion') charges.push({ region: otherRegion, quota: 'UpdatePrimaryRegion', tokens: UPDATE_PRIMARY_REGION_TOKENS_PER_REGION });
  return charges;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly rateOf: (quota: QuotaName) => number;

  /** `rateOf` is read at every request, so quota changes through the control API apply at once. */
  constructor(rateOf: (quota: QuotaName) => number) {
    this.rateOf = rateOf;
  }

  /**
   * Capacity: one second's worth, but never less than the largest single draw (2 CreateKey tokens
   * for a ReplicateKey), or a scaled-down quota could never admit that request at all.
   */
  private capacity(quota: QuotaName): number {
    return Math.max(this.rateOf(quota), quota === 'CreateKey' ? REPLICATE_KEY_CREATE_KEY_TOKENS : 1);
  }

  private bucket(region: string, quota: QuotaName, now: number): Bucket {
    const id = `${region}\u0000${quota}`;
    const capacity = this.capacity(quota);
    let bucket = this.buckets.get(id);
    if (!bucket) {
      bucket = { tokens: capacity, updatedAt: now };
      this.buckets.set(id, bucket);
    }
    const elapsedSeconds = Math.max(0, now - bucket.updatedAt) / 1000;
    bucket.tokens = Math.min(capacity, bucket.tokens + elapsedSeconds * this.rateOf(quota));
    bucket.updatedAt = now;
    return bucket;
  }

  /** Takes every charge or none: false (throttled) when any bucket is short. */
  tryTake(charges: QuotaCharge[], now: number): boolean {
    const buckets = charges.map((c) => this.bucket(c.region, c.quota, now));
    if (charges.some((c, i) => buckets[i]!.tokens < c.tokens)) return false;
    charges.forEach((c, i) => {
      buckets[i]!.tokens -= c.tokens;
    });
    return true;
  }

  reset(): void {
    this.buckets.clear();
  }
}
