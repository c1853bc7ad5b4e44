/**
 * The scale scenario: a busy account. Each of three Regions already holds 2,000 customer managed
 * keys of other owners (a tenth of them made by another stack's Custom::MultiRegionKmsKeys, so they
 * carry the product's ownership tags with another owner) and the AWS managed keys an account's
 * services leave behind, all seeded through the emulator's control API (not counted as requests).
 * Then Create, Update with no change, and Delete of the standard set (20 per-Region keys and one
 * multi-Region key) in those Regions, each watched for CPU and memory, each against its bound.
 */
import { CUSTOM_RESOURCE_TYPE, createDriver, DEFAULT_IDENTITY, functionArnOf, type RequestResult, Stack, stackIdOf } from '../local/driver/index.ts';
import { emulatorControl } from '../local/emulator/client.ts';
import { CREATE_MODEL, DELETE_MODEL, type DependencyModel, lowerBound, TAGGING_GET_RESOURCES_TARGET, UPDATE_MODEL } from './bounds.ts';
import { type BenchConditions, emulatorCounts, resetEmulator } from './control.ts';
import { type CpuReference, handlerCpuSeconds } from './fanout.ts';
import { type KeySetShape, keyInstances, resourceProperties } from './keySet.ts';
import { MEMORY_LIMIT_MB } from './memory.ts';
import { watchProcess } from './procWatch.ts';
import { type CpuFigures, cpuFigures } from './projection.ts';
import type { Recorder } from './recorder.ts';

/** Foreign customer managed keys per Region. */
export const FOREIGN_KEYS_PER_REGION = 2_000;

/**
 * The predefined aliases of AWS managed keys an account typically has once its services ran
 * (alias/aws/s3 is seeded by every emulator reset).
 */
export const AWS_MANAGED_ALIASES = [
  'acm',
  'backup',
  'dynamodb',
  'ebs',
  'elasticfilesystem',
  'glue',
  'kinesis',
  'lambda',
  'rds',
  'redshift',
  'secretsmanager',
  'sns',
  'sqs',
  'ssm',
].map((service) => `alias/aws/${service}`);

/**
 * The pause before each phase: the quotas' buckets (1 s of quota each) are full again, as each
 * phase's bound assumes (the Update's 21 index pages per Region would otherwise leave the Delete's
 * GetResources bucket empty, and the Delete would be measured against a bound it cannot meet).
 */
const PHASE_GAP_MS = 1_000;

/** How many seeding requests are sent to the control API at once. */
const SEED_CONCURRENCY = 32;

export interface ScalePhaseFigures extends CpuFigures {
  wall_s: number;
  lower_bound_s: number;
  ratio_to_bound: number;
  bound_binding: string;
  failed_requests: number;
  throttled_retries: number;
  peak_rss_mb: number;
  status: string | null;
  violations: string[];
  requests_by_operation: Record<string, number>;
  connections_opened: number;
}

export interface ScaleFigures extends CpuFigures {
  foreign_keys: number;
  aws_managed_keys: number;
  regions: number;
  key_instances: number;
  /** Sums over Create, Update and Delete (projected_wall_s: the sum of each phase's projection). */
  wall_s: number;
  lower_bound_s: number;
  ratio_to_bound: number;
  failed_requests: number;
  peak_rss_mb: number;
  create: ScalePhaseFigures;
  update: ScalePhaseFigures;
  delete: ScalePhaseFigures;
  note: string;
}

export interface ScaleSetup {
  emulatorUrl: string;
  recorder: Recorder;
  shape: KeySetShape;
  conditions: BenchConditions;
  cpuReference: CpuReference;
  bundlePath?: string;
  nodeOptions?: string[];
}

const round = (n: number, digits = 3): number => Number(n.toFixed(digits));

async function seed(emulatorUrl: string, regions: readonly string[]): Promise<void> {
  const control = emulatorControl(emulatorUrl);
  const requests: Parameters<typeof control.seedKey>[0][] = [];
  for (const region of regions) {
    for (const aliasName of AWS_MANAGED_ALIASES) requests.push({ region, aliasName, keyManager: 'AWS' });
    for (let i = 0; i < FOREIGN_KEYS_PER_REGION; i++) {
      const tags: Record<string, string> =
        i % 10 === 0
          ? { 'MultiRegionKmsKeys:Owner': `mrkk-${String(i).padStart(32, '0')}`, 'MultiRegionKmsKeys:KeyName': `other-${i}` }
          : { team: `team-${i % 37}`, Environment: 'production' };
      requests.push({ region, tags, ...(i % 3 === 0 ? { aliasName: `alias/other/${i}` } : {}) });
    }
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < requests.length) await control.seedKey(requests[next++]!);
  };
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, worker));
}

function byOperation(recorded: ReturnType<Recorder['snapshot']>): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const ops of Object.values(recorded.byRegionOperation)) {
    for (const [name, n] of Object.entries(ops)) {
      // The recorder names the Tagging API's requests by their X-Amz-Target.
      const op = name === TAGGING_GET_RESOURCES_TARGET ? 'GetResources' : name;
      totals[op] = (totals[op] ?? 0) + (n ?? 0);
    }
  }
  return totals;
}

async function phase(
  setup: ScaleSetup,
  model: DependencyModel,
  deliver: (onSpawn: (pid: number) => void) => Promise<RequestResult>,
): Promise<ScalePhaseFigures> {
  await new Promise((resolve) => setTimeout(resolve, PHASE_GAP_MS));
  setup.recorder.reset();
  const throttledBefore = (await emulatorCounts(setup.emulatorUrl)).throttled;
  let watch: ReturnType<typeof watchProcess> | undefined;
  const result = await deliver((pid) => {
    watch = watchProcess(pid);
  });
  const child = watch?.stop() ?? { peakRssMb: Number.NaN, cpuS: Number.NaN, samples: 0 };
  const recorded = setup.recorder.snapshot();
  const bound = lowerBound({
    model,
    observed: recorded,
    latencyMs: setup.conditions.latencyMs,
    replicaCreatingMs: setup.conditions.replicaCreatingMs,
    multiRegion: setup.shape.multiRegionPrimary !== undefined,
  });
  const wall = (result.durationMs ?? Number.NaN) / 1000;
  const binding = bound.binding.kind === 'chain' ? `chain ${bound.binding.seconds.toFixed(3)} s` : `${bound.binding.region} ${bound.binding.operation}`;
  return {
    ...cpuFigures({
      cpuS: handlerCpuSeconds(result),
      requests: recorded.total,
      wallS: wall,
      boundS: bound.seconds,
      floorMsPerRequest: setup.cpuReference.floorMsPerRequest,
      memoryMb: setup.cpuReference.memoryMb,
    }),
    wall_s: round(wall),
    lower_bound_s: round(bound.seconds),
    ratio_to_bound: round(wall / bound.seconds),
    bound_binding: binding,
    failed_requests: recorded.failed,
    throttled_retries: (await emulatorCounts(setup.emulatorUrl)).throttled - throttledBefore,
    peak_rss_mb: child.peakRssMb,
    status: result.status,
    violations: result.violations,
    requests_by_operation: byOperation(recorded),
    connections_opened: recorded.connections,
  };
}

/** Seeds the busy account, then Create, Update (no change) and Delete of the set. */
export async function measureScale(setup: ScaleSetup): Promise<ScaleFigures> {
  const { shape } = setup;
  await resetEmulator(setup.emulatorUrl, setup.conditions, [shape.adminRoleArn], [...shape.regions]);
  await seed(setup.emulatorUrl, shape.regions);
  const driver = await createDriver({
    endpointUrl: setup.recorder.url,
    memoryLimitInMB: MEMORY_LIMIT_MB,
    ...(setup.nodeOptions === undefined ? {} : { nodeOptions: setup.nodeOptions }),
    ...(setup.bundlePath === undefined ? {} : { bundlePath: setup.bundlePath }),
  });
  try {
    const stack = new Stack(driver, {
      stackId: stackIdOf(DEFAULT_IDENTITY),
      logicalResourceId: 'BenchScale',
      resourceType: CUSTOM_RESOURCE_TYPE,
      serviceToken: functionArnOf(DEFAULT_IDENTITY, 'multi-region-kms-keys'),
    });
    const properties = resourceProperties(shape);
    const create = await phase(setup, CREATE_MODEL, (onSpawn) => stack.create(properties, { onSpawn }));
    const update = await phase(setup, UPDATE_MODEL, (onSpawn) => stack.update(properties, { onSpawn }));
    const remove = await phase(setup, DELETE_MODEL, (onSpawn) => stack.delete({ onSpawn }));
    const phases = [create, update, remove];
    const sum = (pick: (p: ScalePhaseFigures) => number): number => phases.reduce((total, p) => total + pick(p), 0);
    const wall = sum((p) => p.wall_s);
    const bound = sum((p) => p.lower_bound_s);
    const totals = cpuFigures({
      cpuS: sum((p) => p.cpu_s),
      requests: sum((p) => p.requests),
      wallS: wall,
      boundS: bound,
      floorMsPerRequest: setup.cpuReference.floorMsPerRequest,
      memoryMb: setup.cpuReference.memoryMb,
    });
    const projected = sum((p) => p.projected_wall_s);
    return {
      ...totals,
      projected_wall_s: round(projected),
      projected_ratio_to_bound: round(projected / bound),
      foreign_keys: FOREIGN_KEYS_PER_REGION * shape.regions.length,
      aws_managed_keys: (AWS_MANAGED_ALIASES.length + 1) * shape.regions.length,
      regions: shape.regions.length,
      key_instances: keyInstances(shape),
      wall_s: round(wall),
      lower_bound_s: round(bound),
      ratio_to_bound: round(wall / bound),
      failed_requests: sum((p) => p.failed_requests),
      peak_rss_mb: Math.max(...phases.map((p) => p.peak_rss_mb)),
      create,
      update,
      delete: remove,
      note: `Create, Update (no change) and Delete in turn; totals are sums over the three; the function runs with Lambda's heap limits for ${MEMORY_LIMIT_MB} MB`,
    };
  } finally {
    await driver.close();
  }
}
