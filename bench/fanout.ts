/**
 * Fan-out figures: Create and Delete of one key set through the CloudFormation driver (the real
 * bundle in a child process) against the emulator, each against its lower bound (bench/bounds.ts)
 * and against the naive sequential baseline (bench/sequential.ts) on the same emulator, reset
 * between runs; and, when asked, the CPU of the bare SDK sending the very requests of the reported
 * run (bench/sdkReplay.ts).
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import {
  CUSTOM_RESOURCE_TYPE,
  createDriver,
  DEFAULT_IDENTITY,
  type DeliverOptions,
  functionArnOf,
  type RequestResult,
  Stack,
  stackIdOf,
} from '../local/driver/index.ts';
import { CREATE_MODEL, DELETE_MODEL, type DependencyModel, type LowerBound, lowerBound } from './bounds.ts';
import { type BenchConditions, emulatorCounts, keyStates, resetEmulator } from './control.ts';
import { baselineKeySet, type KeySetShape, keyInstances, resourceProperties } from './keySet.ts';
import { type ProcessFigures, watchProcess } from './procWatch.ts';
import { type CpuFigures, cpuFigures } from './projection.ts';
import type { RecordedRequests, Recorder } from './recorder.ts';
import { measureSdkReplay, type SdkReplayFigures, withReplay } from './sdkReplay.ts';
import { sequentialCreate, sequentialDelete } from './sequential.ts';
import { type Timeline, timelineOf } from './timeline.ts';

/** One request type's figures, as `results.json` holds them (extra fields are informative). */
export interface PhaseFigures extends CpuFigures {
  keys: number;
  regions: number;
  key_instances: number;
  wall_s: number;
  lower_bound_s: number;
  ratio_to_bound: number;
  sequential_s: number;
  speedup_vs_sequential: number;
  failed_requests: number;
  throttled_retries: number;
  status: string | null;
  violations: string[];
  /** Child process wall time including spawn and module initialisation. */
  wall_with_init_s: number;
  bound_binding: string;
  bound_terms_top: string[];
  formula: string;
  requests: number;
  requests_by_operation: Record<string, number>;
  failed_by_code: Record<string, number>;
  sequential_throttled_retries: number;
  sequential_failed_requests: number;
  key_states_after: Record<string, number>;
  latency_ms: string;
  replica_creating_ms: number;
  timeline: Timeline;
  /** Handler wall time of each repetition (the figures are those of the fastest). */
  wall_runs_s?: number[];
  /** 1-minute load average of the machine after the run: a shared machine's noise shows here. */
  load_average_1m: number;
  /** CPU seconds of the function's process (init included) and of the bench process (emulator + recorder). */
  handler_cpu_s: number;
  emulator_cpu_s: number;
  handler_peak_rss_mb: number;
  /** TCP connections the function opened (each a socket set-up here, a TLS handshake against AWS). */
  connections_opened: number;
  /** The bare SDK's CPU for exactly this run's requests (bench/sdkReplay.ts), when measured. */
  sdk_replay?: SdkReplayFigures;
  /** `cpu_ms_per_request` over `sdk_replay.cpu_ms_per_request`. */
  cpu_ratio_to_replay?: number;
}

export interface FanoutFigures {
  create: PhaseFigures;
  delete: PhaseFigures;
}

export interface FanoutSetup {
  emulatorUrl: string;
  recorder: Recorder;
  shape: KeySetShape;
  conditions: BenchConditions;
  /** Where the function's logs are written for diagnosis. */
  workDir: string;
  /** Default: the driver's (`dist/handler/index.mjs`). */
  bundlePath?: string;
  /** The SDK floor (bench/sdkFloor.ts) and the template's MemorySize, for the CPU figures. */
  cpuReference: CpuReference;
  /** Extra Node.js options of the function's processes (`--cpu-prof`). */
  nodeOptions?: string[];
  /** Skip the sequential baseline (quick iterations on the product). */
  skipSequential?: boolean;
  /** Product runs of Create + Delete; the fastest of each is reported. Default 2. */
  repetitions?: number;
  /** Fresh SDK replay processes of each reported run's requests (median kept); 0 or absent: no replay. */
  sdkReplayRuns?: number;
}

const round = (n: number, digits = 3): number => Number(n.toFixed(digits));

/** What the CPU figures are measured against. */
export interface CpuReference {
  floorMsPerRequest: number;
  memoryMb: number;
}

/** CPU seconds of the handler (init excluded), as the function's process counted them. */
export const handlerCpuSeconds = (result: RequestResult): number => (result.handlerCpuMs ?? Number.NaN) / 1000;

function byOperation(recorded: RecordedRequests): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const ops of Object.values(recorded.byRegionOperation)) for (const [op, n] of Object.entries(ops)) totals[op] = (totals[op] ?? 0) + (n ?? 0);
  return totals;
}

function describeTerm(bound: LowerBound['binding']): string {
  if (bound.kind === 'chain') return `chain ${bound.seconds.toFixed(3)} s`;
  return `${bound.region} ${bound.operation} N=${bound.tokens} → ${bound.seconds.toFixed(3)} s`;
}

/** A stack for the bench's resource, as CloudFormation would address it. */
function benchStack(driver: Awaited<ReturnType<typeof createDriver>>): Stack {
  return new Stack(driver, {
    stackId: stackIdOf(DEFAULT_IDENTITY),
    logicalResourceId: 'BenchKeys',
    resourceType: CUSTOM_RESOURCE_TYPE,
    serviceToken: functionArnOf(DEFAULT_IDENTITY, 'multi-region-kms-keys'),
  });
}

interface ProductRun {
  result: RequestResult;
  child: ProcessFigures;
  benchCpuS: number;
  loadAverage: number;
  wallWithInitS: number;
  recorded: RecordedRequests;
  emulatorThrottled: number;
}

async function runProduct(setup: FanoutSetup, request: (options: DeliverOptions) => Promise<RequestResult>, logName: string): Promise<ProductRun> {
  setup.recorder.reset();
  const before = (await emulatorCounts(setup.emulatorUrl)).throttled;
  let watch: ReturnType<typeof watchProcess> | undefined;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = await request({
    onSpawn: (pid) => {
      watch = watchProcess(pid);
    },
  });
  const wallWithInitS = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const benchCpuS = (cpu.user + cpu.system) / 1e6;
  const child = watch?.stop() ?? { peakRssMb: Number.NaN, cpuS: Number.NaN, samples: 0 };
  const recorded = setup.recorder.snapshot();
  const emulatorThrottled = (await emulatorCounts(setup.emulatorUrl)).throttled - before;
  writeFileSync(join(setup.workDir, `${logName}.log`), result.stdout + result.stderr);
  return { result, child, benchCpuS, loadAverage: round(loadavg()[0]!, 2), wallWithInitS, recorded, emulatorThrottled };
}

async function runSequential(setup: FanoutSetup, work: () => Promise<void>): Promise<{ seconds: number; recorded: RecordedRequests }> {
  setup.recorder.reset();
  const started = performance.now();
  await work();
  return { seconds: (performance.now() - started) / 1000, recorded: setup.recorder.snapshot() };
}

function figures(
  setup: FanoutSetup,
  model: DependencyModel,
  run: ProductRun,
  sequential: { seconds: number; recorded: RecordedRequests },
  states: Record<string, number>,
): PhaseFigures {
  const { shape, conditions } = setup;
  const bound = lowerBound({
    model,
    observed: run.recorded,
    latencyMs: conditions.latencyMs,
    replicaCreatingMs: conditions.replicaCreatingMs,
    multiRegion: shape.multiRegionPrimary !== undefined,
  });
  // The handler's own duration (event sent → handler returned): module init is measured apart (cold start).
  const wall = (run.result.durationMs ?? Number.NaN) / 1000;
  const cpu = cpuFigures({
    cpuS: handlerCpuSeconds(run.result),
    requests: run.recorded.total,
    wallS: wall,
    boundS: bound.seconds,
    floorMsPerRequest: setup.cpuReference.floorMsPerRequest,
    memoryMb: setup.cpuReference.memoryMb,
  });
  return {
    ...cpu,
    keys: shape.perRegionKeys + (shape.multiRegionPrimary === undefined ? 0 : 1),
    regions: shape.regions.length,
    key_instances: keyInstances(shape),
    wall_s: round(wall),
    lower_bound_s: round(bound.seconds),
    ratio_to_bound: round(wall / bound.seconds),
    sequential_s: round(sequential.seconds),
    speedup_vs_sequential: round(sequential.seconds / wall, 2),
    failed_requests: run.recorded.failed,
    // The emulator's count; the recorder's own tally of ThrottlingException answers must agree.
    throttled_retries: run.emulatorThrottled,
    status: run.result.status,
    violations: run.result.violations,
    wall_with_init_s: round(run.wallWithInitS),
    bound_binding: describeTerm(bound.binding),
    bound_terms_top: bound.terms.slice(0, 5).map(describeTerm),
    formula: bound.formula,
    requests_by_operation: byOperation(run.recorded),
    failed_by_code: run.recorded.failedByCode,
    sequential_throttled_retries: sequential.recorded.throttled,
    sequential_failed_requests: sequential.recorded.failed,
    key_states_after: states,
    latency_ms: `${conditions.latencyMs} + uniform [0, ${conditions.latencyJitterMs})`,
    replica_creating_ms: conditions.replicaCreatingMs,
    timeline: timelineOf(run.recorded.trace, wall),
    load_average_1m: run.loadAverage,
    handler_cpu_s: round(run.child.cpuS, 2),
    emulator_cpu_s: round(run.benchCpuS, 2),
    handler_peak_rss_mb: run.child.peakRssMb,
    connections_opened: run.recorded.connections,
  };
}

/** Create, then Delete, of the set by the product; then the same by the sequential baseline. */
interface ProductPhase {
  run: ProductRun;
  states: Record<string, number>;
  /** Handler wall time of every repetition, s. */
  walls: number[];
}

const wallOf = (run: ProductRun): number => (run.result.durationMs ?? Number.POSITIVE_INFINITY) / 1000;
const isClean = (run: ProductRun): boolean => run.result.status === 'SUCCESS' && run.result.violations.length === 0 && run.recorded.failed === 0;

/**
 * Keeps the faster run (best-of-N: the machine is shared, and noise only ever adds time) — but an
 * unclean run (FAILED, a violation, a failed request) always wins, so a failure is never hidden.
 */
function faster(best: ProductPhase | undefined, run: ProductRun, states: Record<string, number>): ProductPhase {
  const walls = [...(best?.walls ?? []), round(wallOf(run))];
  const keepNew = best === undefined || (isClean(best.run) && (!isClean(run) || wallOf(run) < wallOf(best.run)));
  return keepNew ? { run, states, walls } : { ...best, walls };
}

/**
 * `repetitions` × (reset, Create, Delete) by the product, keeping the fastest of each (a failed run
 * always wins, so a failure is never hidden); then the same set once by the sequential baseline.
 */
export async function measureFanout(setup: FanoutSetup): Promise<FanoutFigures> {
  const { emulatorUrl, recorder, shape, conditions } = setup;
  const principals = [shape.adminRoleArn];
  let created: ProductPhase | undefined;
  let deleted: ProductPhase | undefined;
  const replayRuns = setup.sdkReplayRuns ?? 0;
  // Whole exchanges only while the product runs, and only when they are replayed.
  if (replayRuns > 0) recorder.keepBodies(true);
  const driver = await createDriver({
    endpointUrl: recorder.url,
    ...(setup.bundlePath === undefined ? {} : { bundlePath: setup.bundlePath }),
    ...(setup.nodeOptions === undefined ? {} : { nodeOptions: setup.nodeOptions }),
  });
  try {
    for (let i = 0; i < (setup.repetitions ?? 2); i++) {
      await resetEmulator(emulatorUrl, conditions, principals);
      const stack = benchStack(driver);
      const create = await runProduct(setup, (options) => stack.create(resourceProperties(shape), options), 'fanout-create');
      created = faster(created, create, await keyStates(emulatorUrl));
      const remove = await runProduct(setup, (options) => stack.delete(options), 'fanout-delete');
      deleted = faster(deleted, remove, await keyStates(emulatorUrl));
    }
  } finally {
    recorder.keepBodies(false);
    await driver.close();
  }
  if (created === undefined || deleted === undefined) throw new Error('repetitions must be at least 1');
  const replay = (phase: ProductPhase): Promise<SdkReplayFigures | undefined> =>
    replayRuns === 0 ? Promise.resolve(undefined) : measureSdkReplay(phase.run.recorded.exchanges, conditions, replayRuns);
  const createReplay = await replay(created);
  const deleteReplay = await replay(deleted);

  const set = baselineKeySet(shape);
  await resetEmulator(emulatorUrl, conditions, principals);
  const skipped = { seconds: Number.NaN, recorded: setup.recorder.snapshot() };
  const seqCreate = setup.skipSequential ? skipped : await runSequential(setup, () => sequentialCreate(recorder.url, set));
  const seqDelete = setup.skipSequential ? skipped : await runSequential(setup, () => sequentialDelete(recorder.url, set));

  return {
    create: withReplay({ ...figures(setup, CREATE_MODEL, created.run, seqCreate, created.states), wall_runs_s: created.walls }, createReplay),
    delete: withReplay({ ...figures(setup, DELETE_MODEL, deleted.run, seqDelete, deleted.states), wall_runs_s: deleted.walls }, deleteReplay),
  };
}
