/**
 * Reads what exists in one Region (DESIGN.md "Finding owned keys after a crash"; lib/reader/index.ts
 * reads the Regions in parallel): every alias and every key; the tags of every customer managed key, except those the Tagging API's index
 * lists as foreign (lib/reader/tagIndex.ts; without the index, every key's); then, for the keys that are ours
 * (Owner or PreviousOwner tag) or that a wanted alias targets, DescribeKey, GetKeyPolicy and
 * GetKeyRotationStatus, and grants. Each key goes through those reads on its own (lib/reader/keyRead.ts);
 * the index is read once ListKeys has answered, and the keys whose tags are read whatever the index
 * says (alias targets, keys this request made) are read meanwhile. Every request is paced through
 * the Pacer shared with the executor, and retried on throttling and transient errors (reads are
 * always safe to repeat).
 *
 * KMS is eventually consistent (docs/behaviour.md §9): a key that ListKeys lists, that an alias
 * targets, or that this request made may answer NotFoundException for a while. That answer is
 * retried until the request's deadline (lib/retry/policy.ts, settling) and never taken for "already
 * gone" (nor the key for a foreign one); a key still not found then fails the read as retryable. Keys made by this request and
 * keys that wanted aliases target are read even when ListKeys does not list them yet.
 *
 * A Region whose listings answer an AccessDeniedException caused by a service control policy (an
 * organisation's Region deny) is reported in `deniedRegions` with nothing read; the caller decides
 * whether that is fatal. Any other AccessDeniedException on a listing is retried for the IAM
 * propagation window, then fails the read (`AccessDeniedError`) naming action, Region and policy type.
 */

import { hasCode } from '../errors.ts';
import type { MadeKeysView } from '../executor/madeKeys.ts';
import { type AliasEntry, type KeyListEntry, type KmsApi, type KmsApiFactory, sendPage } from '../kmsApi.ts';
import type { Log } from '../logger.ts';
import { isScpDenial } from '../retry/accessDenial.ts';
import type { Clock } from '../retry/clock.ts';
import { type Pacer, pacedAttempt } from '../retry/pacer.ts';
import { DEFAULT_RETRY_TIMINGS, IAM_PROPAGATION_MS, kmsRetryPolicy } from '../retry/policy.ts';
import { withRetry } from '../retry/retry.ts';
import { compare } from '../text/order.ts';
import type { ActualAlias, ActualKey, ActualState, Owner } from '../types.ts';
import { type Limiter, limiter, mapLimit } from './concurrency.ts';
import { type KeyRead, type KeyReadContext, type RegionRead, readKey, type UnreadableKey } from './keyRead.ts';
import { directReads, listKeysWithIndex, mustReadTags, readTagIndex, type TagIndex, type TagIndexUse } from './tagIndex.ts';

export interface ReadActualStateInput {
  regions: string[];
  owner: Owner;
  /** `alias/<name>` of every key the resource wants. */
  aliasNames: string[];
  kms: KmsApiFactory;
  /** Shared with the executor; a default-quota Pacer when absent. */
  pacer?: Pacer;
  /** Keys this request made: read even when ListKeys lags. */
  madeKeys?: MadeKeysView;
  /** Narrow the tag scan with the Tagging API's index (lib/reader/tagIndex.ts); absent or null: read every key's tags. */
  tagIndex?: TagIndexUse;
  /**
   * How long a listing answering an AccessDeniedException that no service control policy caused is
   * asked again (IAM changes propagate with a delay; lib/retry/policy.ts); default {@link IAM_PROPAGATION_MS}.
   */
  iamPropagationMs?: number;
  /** Times retries; real time when absent. */
  clock?: Clock;
  /** Epoch ms: no retry past it; a key KMS has not caught up with is read again until then (lib/retry/policy.ts). */
  deadline?: number;
  /** Warnings of the read (a grant still not listed after the look); none when absent. */
  log?: Log;
  /** Regions a desired key wants a replica in, where a replica our keys list that the read missed is read again (./hiddenReplicas.ts). */
  replicaRegions?: readonly string[];
  replicasOfOurs?: readonly string[];
}

/** A Region whose KMS listings were denied: nothing in it was read. */
export interface DeniedRegion {
  region: string;
  /** KMS's answer: `AccessDeniedException: … with an explicit deny in a service control policy` (only SCP denials land here). */
  message: string;
}

/** The actual state of the readable Regions, and the Regions that could not be read. */
export interface ReadResult extends ActualState {
  deniedRegions: DeniedRegion[];
  /** Keys under an alias the properties name whose tags may not be read (lib/reader/keyRead.ts). */
  unreadableKeys: UnreadableKey[];
}

/**
 * How many read requests of one Region are in flight at once (the Pacer sets the rate). Unbounded,
 * a Delete of many keys holds one request and nearly one socket per key at once; 16 in flight still
 * allow hundreds of reads per second per Region at KMS's latency (docs/performance.md, "Why these
 * settings").
 */
export const READ_CONCURRENCY_PER_REGION = 16;

/**
 * How many read requests of all Regions are in flight at once. Every Region's 16 at once kept
 * hundreds of requests, their SDK contexts and response buffers alive across young-generation GCs,
 * so V8 promoted them and grew the old space. The read is bound by CPU (each SDK call costs CPU on a
 * small Lambda), not by latency: 96 in flight allow more reads per second than the CPU parses
 * (docs/performance.md, "Why these settings").
 */
export const READ_CONCURRENCY_TOTAL = 96;

/** Predefined aliases of AWS managed keys. */
const AWS_MANAGED_ALIAS_PREFIX = 'alias/aws/';

/** The listings, whose AccessDeniedException says whether a Region is denied (an SCP's) or IAM is propagating. */
const LISTINGS: ReadonlySet<string> = new Set(['ListKeys', 'ListAliases']);

/** What one Region's read shares with the other Regions' of the same read. */
export interface RegionReadShared {
  /** Shared with the executor. */
  pacer: Pacer;
  clock: Clock;
  /** The slots of all Regions (`READ_CONCURRENCY_TOTAL`). */
  global: Limiter;
}

/** One Region's read: its listings, what it holds (or `denied`), each key read on its own. */
export interface RegionResult extends ActualState {
  region: string;
  /** KMS's answer when the Region's listings were denied: nothing in it was read. */
  denied: string | null;
  /** Keys under an alias the properties name whose tags may not be read (lib/reader/keyRead.ts). */
  unreadable: UnreadableKey[];
}

/** Reads one Region: aliases and keys listed, then the keys that may be ours each read by `readKey`. */
export async function readRegion(api: KmsApi, input: ReadActualStateInput, { pacer, clock, global }: RegionReadShared): Promise<RegionResult> {
  const region = api.region;
  const read = regionRead(region, { deadline: input.deadline, iamPropagationMs: input.iamPropagationMs ?? IAM_PROPAGATION_MS }, pacer, clock, global);
  const { listed: listedKeys, index: indexRead } = listKeysWithIndex(
    (page) => read('ListKeys', (options) => api.listKeys({ page: page(options.page) }), { paged: true }),
    (keys) => readTagIndex(api, input.tagIndex, (send) => read('GetResources', send, { paged: true }), keys),
  );
  let aliases: AliasEntry[];
  let listed: KeyListEntry[];
  try {
    [aliases, listed] = await Promise.all([read('ListAliases', (options) => api.listAliases(options), { paged: true }), listedKeys]);
  } catch (error) {
    await indexRead;
    // Only a service control policy denial makes a denied Region; any other denial was retried and is final.
    if (!hasCode(error, 'AccessDeniedException') || !isScpDenial(error.message)) throw error;
    return { region, keys: [], aliases: [], denied: error.message, unreadable: [] };
  }
  const wantedNames = new Set(input.aliasNames);
  const keys = keysToRead({ api, read, input, aliases, listed, wantedNames });
  const each = (ids: string[]) => mapLimit(ids, READ_CONCURRENCY_PER_REGION, (keyId) => readKey(keys.context, keyId));
  // The direct reads go out at once; the others once the index has said which keys it spares.
  const [directly, others] = await Promise.all([each(keys.direct), indexRead.then((index) => each(keys.afterIndex(index)))]);
  const all = [...directly, ...others];
  const reads = all.filter((r): r is KeyRead & { key: ActualKey } => r.key !== null).sort((a, b) => compare(a.key.keyId, b.key.keyId));
  const actualKeys = reads.map((r) => r.key);
  const actualAliases = keptAliases(region, aliases, wantedNames, new Set(actualKeys.map((k) => k.keyId)));
  const unreadable = all.flatMap((r) => r.unreadable ?? []);
  return { region, keys: actualKeys, aliases: actualAliases, grants: reads.flatMap((r) => r.grants), denied: null, unreadable };
}

/**
 * The Region's read: one read request (each page of a listing on its own) paced before every
 * attempt, holding one of the Region's slots, retried while the error says it may pass (the one KMS
 * retry policy; a read changes nothing); on a key (`onKey`), NotFoundException too, until the deadline.
 */
function regionRead(
  region: string,
  limits: { deadline: number | undefined; iamPropagationMs: number },
  pacer: Pacer,
  clock: Clock,
  global: Limiter,
): RegionRead {
  const { deadline } = limits;
  const window = { deadline, timings: { ...DEFAULT_RETRY_TIMINGS, iamPropagationMs: limits.iamPropagationMs } };
  const regionSlots = limiter(READ_CONCURRENCY_PER_REGION);
  // A Region's slot first, then a global one: a Region never holds global slots it cannot use.
  const slots: Limiter = (task) => regionSlots(() => global(task));
  return (operation, send, { paged = false, onKey = !paged } = {}) => {
    // Only a listing's AccessDenied may be IAM propagating: on a key's read it makes the key foreign (keyRead.ts).
    const denied = LISTINGS.has(operation) ? { region, operation } : undefined;
    const policy = kmsRetryPolicy({ idempotent: true, settling: onKey ? 'listed' : undefined, what: `${operation} in ${region}`, denied }, window);
    const attempt = <T>(sendOne: () => Promise<T>) =>
      slots(() =>
        pacedAttempt(
          () => pacer.acquire(region, operation),
          () => pacer.throttled(region, operation),
          sendOne,
        ),
      );
    const request = <T>(sendOne: () => Promise<T>) => withRetry(() => attempt(sendOne), { policy, clock, deadline });
    return paged ? send({ page: request }) : request(() => send({ page: sendPage }));
  };
}

interface RegionListing {
  api: KmsApi;
  read: RegionRead;
  input: ReadActualStateInput;
  aliases: AliasEntry[];
  listed: KeyListEntry[];
  wantedNames: ReadonlySet<string>;
}

/** The keys of a Region to read (lib/reader/keyRead.ts): may be ours or a wanted alias targets them. */
interface KeysToRead {
  context: KeyReadContext;
  /** Read whatever the index says, at once. */
  direct: string[];
  /** The others, once the index has said which keys it spares. */
  afterIndex: (index: TagIndex) => string[];
}

/** Which keys `readRegion` reads, and with what; the others are left. */
function keysToRead({ api, read, input, aliases, listed, wantedNames }: RegionListing): KeysToRead {
  const region = api.region;
  const targeted = (entries: AliasEntry[]) => new Set(entries.flatMap((a) => (a.targetKeyId === null ? [] : [a.targetKeyId])));
  const awsManaged = targeted(aliases.filter((a) => a.aliasName.startsWith(AWS_MANAGED_ALIAS_PREFIX)));
  const keyIds = new Set(listed.map((k) => k.keyId));
  // Replicas of our keys ListKeys lists are read like the targets of wanted aliases, whoever owns them.
  const replicas = (input.replicasOfOurs ?? []).filter((keyId) => keyIds.has(keyId));
  const wantedTargets = new Set([...targeted(aliases.filter((a) => wantedNames.has(a.aliasName))), ...replicas]);
  // ListKeys may not list a key made moments ago yet: the keys this request made and the targets of
  // wanted aliases exist, whatever the listing says.
  for (const keyId of input.madeKeys?.inRegion(region) ?? []) keyIds.add(keyId);
  for (const keyId of wantedTargets) keyIds.add(keyId);
  const readable = (keyId: string) => keyIds.has(keyId) && !awsManaged.has(keyId);
  const direct = directReads(region, aliases, wantedTargets, input.tagIndex, input.madeKeys);
  const context: KeyReadContext = {
    api,
    read,
    owner: input.owner,
    wantedTargets,
    namedTargets: namedTargetsOf(aliases, [...input.aliasNames, ...(input.tagIndex?.directAliasNames ?? [])]),
    arns: new Map(listed.map((k) => [k.keyId, k.arn])),
    // Policy, rotation and grants are compared only when the request wants keys (not a Delete).
    details: input.aliasNames.length > 0,
  };
  return {
    context,
    direct: [...direct].filter(readable),
    afterIndex: (index) => [...keyIds].filter((keyId) => readable(keyId) && !direct.has(keyId) && mustReadTags(keyId, index, input.owner)),
  };
}

/** Target key id → alias, for the aliases whose names the properties give. */
function namedTargetsOf(aliases: readonly AliasEntry[], names: readonly string[]): Map<string, string> {
  const named = new Set(names);
  return new Map(aliases.flatMap((a) => (a.targetKeyId !== null && named.has(a.aliasName) ? [[a.targetKeyId, a.aliasName] as const] : [])));
}

/** The aliases the plan needs: the wanted ones, and those targeting a key kept. */
function keptAliases(region: string, aliases: AliasEntry[], wantedNames: ReadonlySet<string>, keptIds: ReadonlySet<string>): ActualAlias[] {
  return aliases
    .filter((a): a is AliasEntry & { targetKeyId: string } => a.targetKeyId !== null && (wantedNames.has(a.aliasName) || keptIds.has(a.targetKeyId)))
    .map((a) => ({ region, aliasName: a.aliasName, targetKeyId: a.targetKeyId }))
    .sort((a, b) => compare(a.aliasName, b.aliasName));
}
