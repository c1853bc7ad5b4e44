/**
 * The lower bound on the wall time of a Create or Delete: what the KMS request quotas and the
 * dependency chain allow at best, whatever the implementation. Pure arithmetic, no I/O.
 *
 * Model (the emulator's, which is KMS's): every request waits at least the injected latency ℓ before
 * KMS acts on it, and its quota token is taken at that moment; per Region and quota a token bucket
 * holds C = max(rate, largest single draw) tokens (1 s of quota), starts full, refills at q = rate/s,
 * and a throttled request takes nothing. So a bucket that must hand out N tokens, first at t₀, hands
 * out its last one no earlier than t₀ + (N − C)⁺ / q. An operation whose first draw can come no
 * earlier than `roundTripsToFirstDraw` round trips after the start, and whose last draw is still
 * followed by `roundTripsAfterLastDraw` dependent round trips (plus the replica's `Creating` time when
 * `waitsForReplica`), bounds the whole run from below by
 *
 *   ℓ·first(o) + (N(r,o) − C(o))⁺ / q(o) + ℓ·after(o) [+ replicaCreatingMs]
 *
 * and so does the longest dependency chain on its own. The bound is the largest of these terms.
 *
 * Reads (the quotas of docs/behaviour.md §9 apply to them too): before any write of Region r, the
 * reader must have listed r (ListKeys and ListAliases pages follow each other: P(r) round trips, the
 * model counts one) and read the tags of the customer managed keys that may be ours. The tags come
 * from the Tagging API's index (DESIGN.md "Finding owned keys in a busy account"): G(r) GetResources
 * pages, in parallel with the listings but each page after the previous one's token, so no sooner
 * than max(ℓ·G(r), ℓ + (G(r) − C)⁺ / q) at its quota; then ListResourceTags only for the keys the
 * safe rule still reads directly (one round trip, plus the drain of N(r, ListResourceTags) beyond
 * one second's burst at 2,000/s; likewise DescribeKey, GetKeyPolicy, GetKeyRotationStatus where the
 * comparison needs them: the model's `reads`). That read phase R(r) = max(ℓ·(P(r) − 1), index(r) − ℓ)
 * [+ ℓ when the model's chain does not already count the tag round trip and tags were read] + Σ
 * drains of the read operations delays every write term of r, and the chain by the largest R(r).
 * Without the index (a role lacking `tag:GetResources`) G(r) = 0 and every key's tags are read.
 */
import { DEFAULT_KMS_QUOTAS, type KmsOperation, type KmsQuotas, REPLICATE_KEY_CREATE_KEY_COST } from '../lib/kmsApi.ts';

/** Where an operation sits in the dependency chain of a request type. */
export interface OperationStage {
  /** Round trips from the start to the moment KMS can act on the first request of this operation (its own included). */
  roundTripsToFirstDraw: number;
  /** Dependent round trips that must still follow the last request of this operation. */
  roundTripsAfterLastDraw: number;
  /** The last request's result is a new replica that must leave `Creating` before the next step. */
  waitsForReplica?: boolean;
}

/** The dependency model of one request type: its operations' stages and its longest chain. */
export interface DependencyModel {
  name: string;
  stages: Partial<Record<KmsOperation, OperationStage>>;
  /** The chain's length in round trips, without and with a multi-Region key in the set. */
  chainRoundTrips: { singleRegion: number; withReplicas: number };
  /** Whether the chain with a multi-Region key includes a new replica's `Creating` time. */
  chainWaitsForReplica: boolean;
  /** Human-readable chain, for the printed formula. */
  chainText: { singleRegion: string; withReplicas: string };
  /** Whether the chain already counts the ListResourceTags round trip (else it is added where tags were read). */
  chainCountsTagRead: boolean;
  /** The reads a correct implementation needs (finding owned keys, comparing them): their pages and drains delay the writes. */
  reads: readonly KmsOperation[];
}

/**
 * What finding the owned keys after a crash needs besides the tag index's pages (`indexSeconds`):
 * every listing page, and the tags of the keys the index does not show as foreign.
 */
const DISCOVERY_READS = ['ListKeys', 'ListAliases', 'ListResourceTags'] as const;

/**
 * Create in an account holding none of the keys. The listings (ListKeys + ListAliases, one round
 * trip, in parallel) must precede any write, or a replayed Create would duplicate keys; with no
 * customer managed key found, no ListResourceTags/DescribeKey is needed. CreateKey carries policy
 * and tags; EnableKeyRotation and CreateAlias need the key; ReplicateKey needs the primary; the
 * replica's alias needs the replica `Enabled` (docs/behaviour.md §9). CreateGrant needs the key (or
 * replica) in its Region, like CreateAlias, and draws its own quota (50/s). ListRegions is left out:
 * an implementation could overlap it with speculative listings.
 */
export const CREATE_MODEL: DependencyModel = {
  name: 'create',
  stages: {
    CreateKey: { roundTripsToFirstDraw: 2, roundTripsAfterLastDraw: 1 },
    ReplicateKey: { roundTripsToFirstDraw: 3, roundTripsAfterLastDraw: 1, waitsForReplica: true },
    CreateAlias: { roundTripsToFirstDraw: 3, roundTripsAfterLastDraw: 0 },
    EnableKeyRotation: { roundTripsToFirstDraw: 3, roundTripsAfterLastDraw: 0 },
    CreateGrant: { roundTripsToFirstDraw: 3, roundTripsAfterLastDraw: 0 },
  },
  chainRoundTrips: { singleRegion: 3, withReplicas: 4 },
  chainWaitsForReplica: true,
  chainText: {
    singleRegion: 'listings + CreateKey + CreateAlias',
    withReplicas: 'listings + CreateKey + ReplicateKey + replicaCreatingMs + CreateAlias',
  },
  chainCountsTagRead: false,
  reads: DISCOVERY_READS,
};

/**
 * Delete of keys that all exist. Ownership is only known from tags (listings, then ListResourceTags:
 * two round trips); the alias goes before ScheduleKeyDeletion, and replicas before their primary
 * (docs/behaviour.md §6).
 */
export const DELETE_MODEL: DependencyModel = {
  name: 'delete',
  stages: {
    DeleteAlias: { roundTripsToFirstDraw: 3, roundTripsAfterLastDraw: 1 },
    ScheduleKeyDeletion: { roundTripsToFirstDraw: 4, roundTripsAfterLastDraw: 0 },
  },
  chainRoundTrips: { singleRegion: 4, withReplicas: 5 },
  chainWaitsForReplica: false,
  chainText: {
    singleRegion: 'listings + ListResourceTags + DeleteAlias + ScheduleKeyDeletion',
    withReplicas: 'listings + ListResourceTags + DeleteAlias + ScheduleKeyDeletion(replica) + ScheduleKeyDeletion(primary)',
  },
  chainCountsTagRead: true,
  reads: DISCOVERY_READS,
};

/**
 * Update with no change: nothing to write, only to read. Listings, then the tags of the customer
 * managed keys, then (in parallel) DescribeKey, GetKeyPolicy and GetKeyRotationStatus of the owned
 * keys, which the comparison needs.
 */
export const UPDATE_MODEL: DependencyModel = {
  name: 'update',
  stages: {},
  chainRoundTrips: { singleRegion: 3, withReplicas: 3 },
  chainWaitsForReplica: false,
  chainText: {
    singleRegion: 'listings + ListResourceTags + DescribeKey ∥ GetKeyPolicy ∥ GetKeyRotationStatus',
    withReplicas: 'listings + ListResourceTags + DescribeKey ∥ GetKeyPolicy ∥ GetKeyRotationStatus',
  },
  chainCountsTagRead: true,
  reads: DISCOVERY_READS,
};

/** Successful requests per Region and operation; ReplicateKey entries carry their replica Regions. */
export interface ObservedRequests {
  /** region → operation → successful requests. */
  byRegionOperation: Record<string, Partial<Record<string, number>>>;
  /** primary Region → replica Region of every successful ReplicateKey. */
  replications: { primaryRegion: string; replicaRegion: string }[];
}

export interface BoundInput {
  model: DependencyModel;
  observed: ObservedRequests;
  /** The minimum injected latency per request (the emulator adds uniform jitter on top). */
  latencyMs: number;
  replicaCreatingMs: number;
  quotas?: Partial<KmsQuotas>;
  /** Whether the set holds a multi-Region key (its chain is longer); default: some ReplicateKey was observed. */
  multiRegion?: boolean;
}

/** One term of the bound. */
export interface BoundTerm {
  kind: 'quota' | 'chain';
  region?: string;
  operation?: KmsOperation;
  /** Tokens drawn (CreateKey counts 2 per replica made into the Region). */
  tokens?: number;
  seconds: number;
}

export interface LowerBound {
  seconds: number;
  /** The term that sets the bound. */
  binding: BoundTerm;
  /** Every term, largest first. */
  terms: BoundTerm[];
  formula: string;
}

/** Bucket capacity as the emulator sizes it: one second of quota, never below the largest single draw. */
export function bucketCapacity(operation: KmsOperation, rate: number): number {
  return Math.max(rate, operation === 'CreateKey' ? REPLICATE_KEY_CREATE_KEY_COST : 1);
}

/**
 * Tokens drawn per Region and quota: each successful request draws one of its own operation in its
 * Region, and each ReplicateKey also draws 2 CreateKey in its replica Region.
 */
export function tokensDrawn(observed: ObservedRequests): Record<string, Partial<Record<string, number>>> {
  const tokens: Record<string, Partial<Record<string, number>>> = {};
  const add = (region: string, operation: string, n: number): void => {
    const perRegion = tokens[region] ?? {};
    perRegion[operation] = (perRegion[operation] ?? 0) + n;
    tokens[region] = perRegion;
  };
  for (const [region, operations] of Object.entries(observed.byRegionOperation)) {
    for (const [operation, n] of Object.entries(operations)) if (n !== undefined && n > 0) add(region, operation, n);
  }
  for (const { replicaRegion } of observed.replications) add(replicaRegion, 'CreateKey', REPLICATE_KEY_CREATE_KEY_COST);
  return tokens;
}

/** Seconds the drain of N tokens takes beyond the bucket's initial burst. */
export function drainSeconds(tokens: number, capacity: number, rate: number): number {
  return Math.max(0, tokens - capacity) / rate;
}

/** The lower bound for one run, with every term that went into it. */
export function lowerBound(input: BoundInput): LowerBound {
  const { model, latencyMs } = input;
  const latency = latencyMs / 1000;
  const creating = input.replicaCreatingMs / 1000;
  const quotas: KmsQuotas = { ...DEFAULT_KMS_QUOTAS, ...input.quotas };
  const withReplicas = input.multiRegion ?? input.observed.replications.length > 0;
  const chainRoundTrips = withReplicas ? model.chainRoundTrips.withReplicas : model.chainRoundTrips.singleRegion;
  const drawn = tokensDrawn(input.observed);
  const readPhase = (region: string): number => readPhaseSeconds(model, drawn[region] ?? {}, quotas, latency);
  const slowestReads = Math.max(0, ...Object.keys(drawn).map(readPhase));
  const terms: BoundTerm[] = [
    { kind: 'chain', seconds: chainRoundTrips * latency + (withReplicas && model.chainWaitsForReplica ? creating : 0) + slowestReads },
  ];
  for (const [region, operations] of Object.entries(drawn)) {
    for (const [name, tokens] of Object.entries(operations)) {
      const operation = name as KmsOperation;
      const stage = model.stages[operation];
      if (stage === undefined || tokens === undefined) continue;
      const rate = quotas[operation];
      const seconds =
        readPhase(region) +
        (stage.roundTripsToFirstDraw + stage.roundTripsAfterLastDraw) * latency +
        drainSeconds(tokens, bucketCapacity(operation, rate), rate) +
        (stage.waitsForReplica ? creating : 0);
      terms.push({ kind: 'quota', region, operation, tokens, seconds });
    }
  }
  terms.sort((a, b) => b.seconds - a.seconds);
  return { seconds: terms[0]!.seconds, binding: terms[0]!, terms, formula: formulaText(model, withReplicas) };
}

/** The recorder's name of the Tagging API's GetResources (its X-Amz-Target); the bound accepts both. */
export const TAGGING_GET_RESOURCES_TARGET = 'ResourceGroupsTaggingAPI_20170126.GetResources';

/** GetResources pages of one Region (under either name). */
export function indexPages(tokens: Partial<Record<string, number>>): number {
  return (tokens.GetResources ?? 0) + (tokens[TAGGING_GET_RESOURCES_TARGET] ?? 0);
}

/**
 * The least time G sequential GetResources pages take: each needs the previous page's token (one
 * round trip each), and beyond the bucket's burst they draw at the quota.
 */
export function indexSeconds(pages: number, quotas: KmsQuotas, latency: number): number {
  if (pages === 0) return 0;
  const rate = quotas.GetResources;
  return Math.max(pages * latency, latency + drainSeconds(pages, bucketCapacity('GetResources', rate), rate));
}

/** R(r): how much longer than one round trip of listings the reads of one Region must take before its first write. */
export function readPhaseSeconds(model: DependencyModel, tokens: Partial<Record<string, number>>, quotas: KmsQuotas, latency: number): number {
  const pages = Math.max(1, tokens.ListKeys ?? 0, tokens.ListAliases ?? 0);
  const index = indexSeconds(indexPages(tokens), quotas, latency);
  const tagRoundTrip = !model.chainCountsTagRead && (tokens.ListResourceTags ?? 0) > 0 ? latency : 0;
  let drains = 0;
  for (const operation of model.reads) drains += drainSeconds(tokens[operation] ?? 0, bucketCapacity(operation, quotas[operation]), quotas[operation]);
  return Math.max((pages - 1) * latency, index - latency) + tagRoundTrip + drains;
}

/** The bound's formula in words, for the printed table and results.json. */
export function formulaText(model: DependencyModel, withReplicas: boolean): string {
  const stages = Object.entries(model.stages)
    .map(([op, s]) => `${op}: first=${s.roundTripsToFirstDraw}, after=${s.roundTripsAfterLastDraw}${s.waitsForReplica ? ' + replicaCreatingMs' : ''}`)
    .join('; ');
  const chain = withReplicas ? model.chainText.withReplicas : model.chainText.singleRegion;
  return (
    `LB(${model.name}) = max( ℓ × chain [${chain}], ` +
    'max over Region r, operation o of ℓ·(first(o) + after(o)) + max(0, N(r,o) − C(o)) / q(o) [+ replicaCreatingMs after ReplicateKey] ); ' +
    'ℓ = minimum injected latency per request, q = quota (req/s), C = bucket capacity = 1 s of quota (≥ 2 for CreateKey), ' +
    'N = successful requests (tokens) per Region and operation, ReplicateKey also draws 2 CreateKey in the replica Region; ' +
    '+ R(r) = the read phase of Region r before its writes: max(ℓ·(listing pages − 1), max(ℓ·G, ℓ + (G − C)⁺ / q) − ℓ for the G sequential GetResources pages of the tag index) ' +
    '[+ ℓ for a tag round trip the chain does not count] + Σ over reads (ListKeys, ListAliases, the ListResourceTags the index leaves) of (N − C)⁺ / q; ' +
    `stages: ${stages}`
  );
}
