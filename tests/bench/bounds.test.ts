import {
  bucketCapacity,
  CREATE_MODEL,
  DELETE_MODEL,
  drainSeconds,
  indexSeconds,
  lowerBound,
  type ObservedRequests,
  readPhaseSeconds,
  TAGGING_GET_RESOURCES_TARGET,
  tokensDrawn,
  UPDATE_MODEL,
} from '../../bench/bounds.ts';
import { DEFAULT_KMS_QUOTAS } from '../../lib/kmsApi.ts';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-south-1'];

/** K per-Region keys in every Region (CreateKey, EnableKeyRotation, CreateAlias each), plus optional replicas of a us-east-1 primary. */
function createRun(k: number, replicaRegions: string[] = []): ObservedRequests {
  const byRegionOperation: ObservedRequests['byRegionOperation'] = {};
  for (const region of REGIONS) {
    const primary = region === 'us-east-1' && replicaRegions.length > 0 ? 1 : 0;
    const replica = replicaRegions.includes(region) ? 1 : 0;
    byRegionOperation[region] = { ListKeys: 1, ListAliases: 1, CreateKey: k + primary, EnableKeyRotation: k + primary, CreateAlias: k + primary + replica };
  }
  if (replicaRegions.length > 0) byRegionOperation['us-east-1']!.ReplicateKey = replicaRegions.length;
  return { byRegionOperation, replications: replicaRegions.map((replicaRegion) => ({ primaryRegion: 'us-east-1', replicaRegion })) };
}

describe('Function: drainSeconds', () => {
  it('is zero while the burst covers the requests', () => {
    // Act & Assess
    expect(drainSeconds(5, 5, 5)).toBe(0);
    expect(drainSeconds(3, 5, 5)).toBe(0);
  });

  it('charges the requests beyond the burst at the quota rate', () => {
    // Act & Assess
    expect(drainSeconds(22, 5, 5)).toBeCloseTo(3.4);
    expect(drainSeconds(21, 15, 15)).toBeCloseTo(0.4);
  });
});

describe('Function: bucketCapacity', () => {
  it('holds one second of quota, and at least the 2 tokens a ReplicateKey draws from CreateKey', () => {
    // Act & Assess
    expect(bucketCapacity('DeleteAlias', 15)).toBe(15);
    expect(bucketCapacity('CreateKey', 1)).toBe(2);
    expect(bucketCapacity('CreateAlias', 0.5)).toBe(1);
  });
});

describe('Function: tokensDrawn', () => {
  it('charges 2 CreateKey in the replica Region for every ReplicateKey', () => {
    // Prepare
    const observed = createRun(20, ['eu-west-1', 'ap-south-1']);

    // Act
    const tokens = tokensDrawn(observed);

    // Assess
    expect(tokens['eu-west-1']!.CreateKey).toBe(22);
    expect(tokens['ap-south-1']!.CreateKey).toBe(22);
    expect(tokens['us-east-1']!.CreateKey).toBe(21);
    expect(tokens['us-east-1']!.ReplicateKey).toBe(2);
  });
});

describe('Function: lowerBound', () => {
  it('is the dependency chain alone when every quota burst covers the requests', () => {
    // Prepare
    const observed = createRun(2);

    // Act
    const bound = lowerBound({ model: CREATE_MODEL, observed, latencyMs: 25, replicaCreatingMs: 2000 });

    // Assess: listings + CreateKey + CreateAlias
    expect(bound.seconds).toBeCloseTo(0.075);
    expect(bound.binding.kind).toBe('chain');
  });

  it('is set by the CreateKey drain of the busiest Region when there are many keys', () => {
    // Prepare: 20 keys + 2 tokens of a replica in eu-west-1, 5/s with a burst of 5
    const observed = createRun(20, ['eu-west-1']);

    // Act
    const bound = lowerBound({ model: CREATE_MODEL, observed, latencyMs: 25, replicaCreatingMs: 0 });

    // Assess: 3 round trips + (22 − 5) / 5
    expect(bound.binding).toMatchObject({ kind: 'quota', region: 'eu-west-1', operation: 'CreateKey', tokens: 22 });
    expect(bound.seconds).toBeCloseTo(0.075 + 3.4);
  });

  it('adds the replica Creating time after the last ReplicateKey', () => {
    // Prepare: 16 replicas, ReplicateKey 5/s with a burst of 5
    const replicaRegions = Array.from({ length: 16 }, (_, i) => `xx-test-${i + 1}`);
    const observed = createRun(20, replicaRegions);

    // Act
    const bound = lowerBound({ model: CREATE_MODEL, observed, latencyMs: 25, replicaCreatingMs: 2000 });

    // Assess: 4 round trips + (16 − 5) / 5 + 2 s
    expect(bound.binding).toMatchObject({ kind: 'quota', region: 'us-east-1', operation: 'ReplicateKey' });
    expect(bound.seconds).toBeCloseTo(0.1 + 2.2 + 2);
  });

  it('bounds a Delete by DeleteAlias and ScheduleKeyDeletion at 15/s and their chain', () => {
    // Prepare: 21 keys per Region
    const byRegionOperation: ObservedRequests['byRegionOperation'] = {};
    for (const region of REGIONS) byRegionOperation[region] = { ListResourceTags: 21, DescribeKey: 21, DeleteAlias: 21, ScheduleKeyDeletion: 21 };

    // Act
    const bound = lowerBound({
      model: DELETE_MODEL,
      observed: { byRegionOperation, replications: [] },
      latencyMs: 25,
      replicaCreatingMs: 2000,
      multiRegion: true,
    });

    // Assess: 4 round trips + (21 − 15) / 15; the chain with replicas is 5 round trips
    expect(bound.seconds).toBeCloseTo(0.1 + 0.4);
    expect(bound.terms.find((t) => t.kind === 'chain')!.seconds).toBeCloseTo(0.125);
  });

  it('delays the writes of a Region by its listing pages and tag reads beyond the burst', () => {
    // Prepare: a Region of 2,021 customer managed keys (3 ListKeys pages) and one key to delete
    const observed: ObservedRequests = {
      byRegionOperation: { 'us-east-1': { ListKeys: 3, ListAliases: 1, ListResourceTags: 4021, DeleteAlias: 1, ScheduleKeyDeletion: 1 } },
      replications: [],
    };

    // Act
    const bound = lowerBound({ model: DELETE_MODEL, observed, latencyMs: 25, replicaCreatingMs: 0 });

    // Assess: 2 more listing pages + (4021 − 2000) / 2000 s of tag reads, then the 4 round trips of the chain
    expect(readPhaseSeconds(DELETE_MODEL, observed.byRegionOperation['us-east-1']!, DEFAULT_KMS_QUOTAS, 0.025)).toBeCloseTo(0.05 + 1.0105);
    expect(bound.seconds).toBeCloseTo(0.05 + 1.0105 + 0.1);
  });

  it('adds the tag round trip to a Create only where tags were read', () => {
    // Prepare
    const observed: ObservedRequests = { byRegionOperation: { 'us-east-1': { ListResourceTags: 10 }, 'eu-west-1': {} }, replications: [] };

    // Act
    const bound = lowerBound({ model: CREATE_MODEL, observed, latencyMs: 25, replicaCreatingMs: 0 });

    // Assess: the 3 round trips of the chain + 1
    expect(bound.seconds).toBeCloseTo(0.1);
  });

  it('bounds an Update without change by its reads alone', () => {
    // Prepare
    const observed: ObservedRequests = {
      byRegionOperation: { 'us-east-1': { ListKeys: 1, ListResourceTags: 30, DescribeKey: 21, GetKeyPolicy: 21 } },
      replications: [],
    };

    // Act
    const bound = lowerBound({ model: UPDATE_MODEL, observed, latencyMs: 25, replicaCreatingMs: 2000, multiRegion: true });

    // Assess
    expect(bound.seconds).toBeCloseTo(0.075);
  });

  it('ignores operations a minimal implementation would not need', () => {
    // Prepare: 100 GetKeyPolicy and TagResource calls in one Region
    const observed: ObservedRequests = { byRegionOperation: { 'us-east-1': { GetKeyPolicy: 100, TagResource: 100 } }, replications: [] };

    // Act
    const bound = lowerBound({ model: DELETE_MODEL, observed, latencyMs: 10, replicaCreatingMs: 0 });

    // Assess
    expect(bound.terms).toHaveLength(1);
    expect(bound.seconds).toBeCloseTo(0.04);
  });

  it('uses raised quotas when given', () => {
    // Prepare
    const observed = createRun(20);

    // Act
    const bound = lowerBound({ model: CREATE_MODEL, observed, latencyMs: 0, replicaCreatingMs: 0, quotas: { CreateKey: 50, CreateAlias: 50 } });

    // Assess
    expect(bound.binding.operation).toBe('EnableKeyRotation');
    expect(bound.seconds).toBeCloseTo(5 / 15);
  });

  it('counts CreateGrant tokens at their own quota, after the key exists', () => {
    // Prepare: 120 keys, each with one grant, in one Region (CreateGrant 50/s, burst 50)
    const observed: ObservedRequests = { byRegionOperation: { 'us-east-1': { CreateKey: 120, CreateAlias: 120, CreateGrant: 120 } }, replications: [] };

    // Act
    const bound = lowerBound({ model: CREATE_MODEL, observed, latencyMs: 25, replicaCreatingMs: 0 });

    // Assess: 3 round trips + (120 − 50) / 50
    expect(bound.terms.find((t) => t.operation === 'CreateGrant')?.seconds).toBeCloseTo(0.075 + 1.4);
    expect(bound.binding).toMatchObject({ operation: 'CreateKey' });
  });
});

describe('Function: the tag index in the read phase', () => {
  it('takes G sequential GetResources pages: one round trip each, and beyond the burst at the quota', () => {
    // Assess: 20 pages at 25 ms are 0.5 s of round trips; at 10/s with a burst of 10, 0.025 + 1 s
    expect(indexSeconds(0, DEFAULT_KMS_QUOTAS, 0.025)).toBe(0);
    expect(indexSeconds(5, DEFAULT_KMS_QUOTAS, 0.025)).toBeCloseTo(0.125);
    expect(indexSeconds(20, DEFAULT_KMS_QUOTAS, 0.025)).toBeCloseTo(1.025);
  });

  it('overlaps the index with the listings and counts only the ListResourceTags left (under either name of GetResources)', () => {
    // Prepare: 2,000 foreign keys listed in 3 ListKeys pages and 20 GetResources pages; one tag read left
    const tokens = { ListKeys: 3, ListAliases: 7, [TAGGING_GET_RESOURCES_TARGET]: 20, ListResourceTags: 1 };

    // Act
    const seconds = readPhaseSeconds(UPDATE_MODEL, tokens, DEFAULT_KMS_QUOTAS, 0.025);

    // Assess: max(6 × 25 ms, 1.025 − 0.025) s; no drain of 1 tag read
    expect(seconds).toBeCloseTo(1.0);
  });
});
