/**
 * Reads what exists (DESIGN.md "Finding owned keys after a crash"): per Region, in parallel, every
 * alias and every key; the tags of every customer managed key; then, for the keys that are ours
 * (Owner or PreviousOwner tag) or that a wanted alias targets, DescribeKey, GetKeyPolicy and
 * GetKeyRotationStatus. Every request is paced through the Pacer shared with the executor, and
 * retried on throttling and transient errors (reads are always safe to repeat).
 */

import type { KmsOperation } from './constants.ts';
import { hasCode } from './errors.ts';
import type { AliasEntry, KmsApi, KmsApiFactory } from './kmsApi.ts';
import { OWNERSHIP_TAGS } from './ownership.ts';
import { Pacer } from './pacer.ts';
import { DEFAULT_BACKOFF, isThrottling, isTransient, type RetryPolicy, realSleep, withRetry } from './retry.ts';
import type { ActualAlias, ActualKey, ActualState, Owner, TagMap } from './types.ts';

export interface ReadActualStateInput {
  regions: string[];
  owner: Owner;
  /** `alias/<name>` of every key the resource wants. */
  aliasNames: string[];
  kms: KmsApiFactory;
  /** Shared with the executor; a default-quota Pacer when absent. */
  pacer?: Pacer;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

/** Attempts in all for one read request. */
const READ_ATTEMPTS = 8;

/** A read changes nothing: throttled and transient failures alike are retried. */
const READ_RETRY: RetryPolicy<'kms'> = {
  classify: (error) => (isThrottling(error) || isTransient(error) ? 'kms' : undefined),
  rules: { kms: { backoff: DEFAULT_BACKOFF, maxAttempts: READ_ATTEMPTS } },
};

/**
 * How many read requests of one Region are in flight at once (the Pacer sets the rate). Unbounded,
 * a Delete of ~1,000 keys held ~1,000 requests and ~850 sockets open at once (bench: 183 MB RSS);
 * 16 × 25 ms latency still allows 640 reads per second per Region.
 */
export const READ_CONCURRENCY_PER_REGION = 16;

/**
 * How many read requests of all Regions are in flight at once. 17 Regions × 16 kept ~270 requests,
 * their SDK contexts and response buffers alive across young-generation GCs, so V8 promoted them
 * and grew the old space (bench Delete of 1,003 keys: heap 82 MB, RSS 163 MB). The read is bound by
 * CPU (~1 ms per SDK call on a small Lambda), not by latency: 96 × 25 ms still allows ~3,800 reads
 * per second, more than the CPU parses.
 */
export const READ_CONCURRENCY_TOTAL = 96;

/** Predefined aliases of AWS managed keys. */
const AWS_MANAGED_ALIAS_PREFIX = 'alias/aws/';

/** Rotation applies only to symmetric encryption keys. */
const ROTATABLE = { spec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' } as const;

export async function readActualState(input: ReadActualStateInput): Promise<ActualState> {
  const pacer = input.pacer ?? new Pacer();
  const sleep = input.sleep ?? realSleep;
  const global = limiter(READ_CONCURRENCY_TOTAL);
  const perRegion = await Promise.all(input.regions.map((region) => readRegion(input.kms(region), input, pacer, sleep, global)));
  return {
    keys: perRegion.flatMap((r) => r.keys),
    aliases: perRegion.flatMap((r) => r.aliases),
  };
}

type Limiter = ReturnType<typeof limiter>;

async function readRegion(api: KmsApi, input: ReadActualStateInput, pacer: Pacer, sleep: (ms: number) => Promise<void>, global: Limiter): Promise<ActualState> {
  const region = api.region;
  const regionSlots = limiter(READ_CONCURRENCY_PER_REGION);
  // A Region's slot first, then a global one: a Region never holds global slots it cannot use.
  const slots: Limiter = (task) => regionSlots(() => global(task));
  /** One read: paced before every attempt, holding one of the Region's slots, retried while the error says it may pass. */
  const read = <T>(operation: KmsOperation, send: () => Promise<T>, paceInside = false): Promise<T> =>
    withRetry(
      () =>
        slots(async () => {
          if (!paceInside) await pacer.acquire(region, operation);
          return send();
        }),
      { policy: READ_RETRY, sleep },
    );
  const pagePacer = (operation: KmsOperation) => ({ beforePage: () => pacer.acquire(region, operation) });

  const [aliases, keys] = await Promise.all([
    read('ListAliases', () => api.listAliases(pagePacer('ListAliases')), true),
    read('ListKeys', () => api.listKeys(pagePacer('ListKeys')), true),
  ]);
  const targeted = (entries: AliasEntry[]) => new Set(entries.flatMap((a) => (a.targetKeyId === null ? [] : [a.targetKeyId])));
  const awsManaged = targeted(aliases.filter((a) => a.aliasName.startsWith(AWS_MANAGED_ALIAS_PREFIX)));
  const wantedNames = new Set(input.aliasNames);
  const wantedTargets = targeted(aliases.filter((a) => wantedNames.has(a.aliasName)));

  const candidates = keys.filter((k) => !awsManaged.has(k.keyId));
  const tagged = await mapLimit(candidates, READ_CONCURRENCY_PER_REGION, async (key) => {
    try {
      return { keyId: key.keyId, tags: await read('ListResourceTags', () => api.listResourceTags(key.keyId, pagePacer('ListResourceTags')), true) };
    } catch (error) {
      // Tags we may not read mean a key that is not ours; a key deleted since ListKeys is gone.
      if (hasCode(error, 'AccessDeniedException', 'NotFoundException')) return { keyId: key.keyId, tags: null };
      throw error;
    }
  });
  const kept = tagged.filter(({ keyId, tags }) => wantedTargets.has(keyId) || (tags !== null && isOurs(tags, input.owner)));

  const described = await mapLimit(kept, READ_CONCURRENCY_PER_REGION, async ({ keyId, tags }): Promise<ActualKey | null> => {
    let description: Awaited<ReturnType<KmsApi['describeKey']>>;
    try {
      description = await read('DescribeKey', () => api.describeKey(keyId));
    } catch (error) {
      if (hasCode(error, 'AccessDeniedException', 'NotFoundException')) return null;
      throw error;
    }
    const { keyManager, ...fields } = description;
    if (keyManager === 'AWS') return null;
    const rotatable = fields.spec === ROTATABLE.spec && fields.keyUsage === ROTATABLE.keyUsage;
    // A Delete (no alias wanted) only removes keys: their policy and rotation are never compared.
    const details = input.aliasNames.length > 0;
    const [policy, rotation] = await Promise.all([
      details ? read('GetKeyPolicy', () => api.getKeyPolicy(keyId)).catch(() => null) : Promise.resolve(null),
      details && rotatable ? read('GetKeyRotationStatus', () => api.getKeyRotationStatus(keyId)).catch(() => null) : Promise.resolve(null),
    ]);
    return { region, ...fields, policy, tags: tags ?? {}, rotation };
  });
  const actualKeys = described.filter((k): k is ActualKey => k !== null).sort((a, b) => compare(a.keyId, b.keyId));
  const keptIds = new Set(actualKeys.map((k) => k.keyId));
  const actualAliases: ActualAlias[] = aliases
    .filter((a): a is AliasEntry & { targetKeyId: string } => a.targetKeyId !== null && (wantedNames.has(a.aliasName) || keptIds.has(a.targetKeyId)))
    .map((a) => ({ region, aliasName: a.aliasName, targetKeyId: a.targetKeyId }))
    .sort((a, b) => compare(a.aliasName, b.aliasName));
  return { keys: actualKeys, aliases: actualAliases };
}

/** Ours: this resource owns the key, or handed it over and has not confirmed yet (PreviousOwner). */
function isOurs(tags: TagMap, owner: Owner): boolean {
  return tags[OWNERSHIP_TAGS.owner] === owner.ownerId || tags[OWNERSHIP_TAGS.previousOwner] === owner.ownerId;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A semaphore: `run(task)` starts `task` once fewer than `limit` tasks run. Waiters start in
 * arrival order. Retry sleeps happen outside a slot (withRetry calls `run` per attempt).
 */
function limiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter, or free it.
      const next = waiting.shift();
      if (next === undefined) running--;
      else next();
    }
  };
}

/** `items.map(fn)` with at most `limit` calls in flight; results in input order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
