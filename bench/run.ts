/**
 * `npm run bench` (docs/behaviour.md §11): in one run, on the emulator with default quotas and injected latency —
 * fan-out Create and Delete against their lower bounds and the sequential baseline, cold start
 * against the SDK-only floor, peak memory over ~1,000 key instances. Prints a table and writes
 * `bench/results.json`.
 *
 * Options: `--bundle FILE` (measure another build, e.g. a candidate fix), `--out FILE`,
 * `--skip-sequential` (quick iterations; speedups are then NaN), `--skip-replay` (no SDK replay),
 * `--only memory|fanout|scale` (one part alone, printed and written as raw figures, for quick
 * iterations), `--cpu-prof DIR` (every function process writes a V8 CPU profile into DIR, for
 * `node --cpu-prof`'s flame graphs).
 *
 * The SDK floor of CPU per request (bench/sdkFloor.ts) is measured first, in the same run, and the
 * CPU figures of every scenario are projected onto template.yaml's MemorySize (bench/projection.ts).
 * The requests of fanout, delete and scale are replayed by the bare SDK (bench/sdkReplay.ts) for
 * their `sdk_replay` and `cpu_ratio_to_replay`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_BUNDLE_PATH, DEFAULT_IDENTITY, executionRoleArnOf } from '../local/driver/index.ts';
import { DEFAULT_ENABLED_REGIONS, startEmulator } from '../local/emulator/index.ts';
import { realismFromArgv } from '../local/emulator/realism.ts';
import { measureColdStart } from './coldStart.ts';
import type { BenchConditions } from './control.ts';
import { type CpuReference, type FanoutFigures, measureFanout } from './fanout.ts';
import type { KeySetShape } from './keySet.ts';
import { type MemoryFigures, measureMemory } from './memory.ts';
import { RESULTS_PATH, updatePerformanceDoc } from './performanceDoc.ts';
import { functionMemoryMb } from './projection.ts';
import { startRecorder } from './recorder.ts';
import { assembleResults, formatTable, writeResults } from './report.ts';
import { measureScale } from './scale.ts';
import { replayScale, type ScaleResults } from './scaleReplay.ts';
import { measureSdkFloor } from './sdkFloor.ts';

/** 25 ms per request plus up to 10 ms of jitter; a replica stays `Creating` 2 s (the emulator's default, KMS takes seconds). */
const CONDITIONS: BenchConditions = { latencyMs: 25, latencyJitterMs: 10, replicaCreatingMs: 2_000 };

const WORK_DIR = fileURLToPath(new URL('./.tmp/', import.meta.url));

/** Fresh processes per SDK replay (the median is kept); 0 with `--skip-replay`. */
const SDK_REPLAY_RUNS = process.argv.includes('--skip-replay') ? 0 : 3;

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function baseShape(): Omit<KeySetShape, 'perRegionKeys' | 'returnAttributes'> {
  return {
    regions: DEFAULT_ENABLED_REGIONS,
    accountId: DEFAULT_IDENTITY.accountId,
    executionRoleArn: executionRoleArnOf(DEFAULT_IDENTITY),
    adminRoleArn: `arn:aws:iam::${DEFAULT_IDENTITY.accountId}:role/bench-key-admin`,
  };
}

/** Node.js options of every function process: `--cpu-prof DIR` profiles them. */
function profileOptions(): { nodeOptions?: string[] } {
  const dir = option('--cpu-prof');
  return dir === undefined ? {} : { nodeOptions: ['--cpu-prof', `--cpu-prof-dir=${dir}`] };
}

/** The three Regions of the scale scenario, the multi-Region key's primary first. */
const SCALE_REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

async function scalePart(
  emulatorUrl: string,
  recorder: Awaited<ReturnType<typeof startRecorder>>,
  bundlePath: string,
  cpuReference: CpuReference,
): Promise<ScaleResults> {
  console.log('scale: Create/Update/Delete of 20 per-Region keys + 1 multi-Region key in 3 Regions, each holding 2,000 foreign keys …');
  // bench/scale.ts resets the recorder per phase: each phase's requests are one of its sessions.
  if (SDK_REPLAY_RUNS > 0) recorder.keepBodies(true);
  let sessions: ReturnType<typeof recorder.sessions>;
  let scale: Awaited<ReturnType<typeof measureScale>>;
  try {
    scale = await measureScale({
      emulatorUrl,
      recorder,
      conditions: CONDITIONS,
      bundlePath,
      cpuReference,
      ...profileOptions(),
      shape: {
        ...baseShape(),
        regions: SCALE_REGIONS,
        perRegionKeys: 20,
        multiRegionPrimary: 'us-east-1',
        returnAttributes: ['KeyIds.eu-west-1.*', 'InvalidCmkInputs'],
      },
    });
    sessions = recorder.sessions();
  } finally {
    recorder.keepBodies(false);
  }
  if (SDK_REPLAY_RUNS === 0) return scale;
  console.log(`scale: the same ${scale.requests} requests sent by the bare SDK, ${SDK_REPLAY_RUNS} fresh processes per phase …`);
  const started = performance.now();
  const replayed = await replayScale(scale, sessions, CONDITIONS, SDK_REPLAY_RUNS);
  console.log(`scale: replayed in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return replayed;
}

async function fanoutPart(
  emulatorUrl: string,
  recorder: Awaited<ReturnType<typeof startRecorder>>,
  bundlePath: string,
  cpuReference: CpuReference,
): Promise<FanoutFigures> {
  console.log('fan-out: Create/Delete of 20 per-Region keys × 17 Regions + 1 multi-Region key (16 replicas), then the sequential baseline …');
  return measureFanout({
    emulatorUrl,
    recorder,
    conditions: CONDITIONS,
    workDir: WORK_DIR,
    bundlePath,
    cpuReference,
    ...profileOptions(),
    skipSequential: process.argv.includes('--skip-sequential'),
    sdkReplayRuns: SDK_REPLAY_RUNS,
    // 21 KeyIds of one Region: ~1.8 KB of answer; every ARN of every Region would be ~50 KB.
    shape: { ...baseShape(), perRegionKeys: 20, multiRegionPrimary: 'us-east-1', returnAttributes: ['KeyIds.eu-west-1.*', 'InvalidCmkInputs'] },
  });
}

async function memoryPart(emulatorUrl: string, endpointUrl: string, bundlePath: string): Promise<MemoryFigures> {
  console.log('memory: Create/Delete of 59 per-Region keys × 17 Regions …');
  return measureMemory({
    emulatorUrl,
    endpointUrl,
    conditions: CONDITIONS,
    bundlePath,
    shape: { ...baseShape(), perRegionKeys: 59, returnAttributes: ['InvalidCmkInputs'] },
  });
}

async function main(): Promise<void> {
  const bundlePath = option('--bundle') ?? DEFAULT_BUNDLE_PATH;
  const out = option('--out') ?? RESULTS_PATH;
  mkdirSync(WORK_DIR, { recursive: true });
  const started = performance.now();
  const emulator = await startEmulator({ port: 0, ...realismFromArgv(process.argv.slice(2), (path) => readFileSync(path, 'utf8')) });
  const recorder = await startRecorder(emulator.url);
  const only = option('--only');
  try {
    console.log('SDK floor: CPU per DescribeKey of a bare KMS client against a loopback server …');
    const sdkFloor = measureSdkFloor();
    const cpuReference: CpuReference = { floorMsPerRequest: sdkFloor.cpu_ms_per_request, memoryMb: functionMemoryMb() };
    if (only !== undefined) {
      const parts = {
        memory: () => memoryPart(emulator.url, recorder.url, bundlePath),
        fanout: () => fanoutPart(emulator.url, recorder, bundlePath, cpuReference),
        scale: () => scalePart(emulator.url, recorder, bundlePath, cpuReference),
      } as const;
      if (!(only in parts)) throw new Error(`--only takes ${Object.keys(parts).join('|')}, not ${only}`);
      const figures = { sdk_floor: sdkFloor, ...(await parts[only as keyof typeof parts]()) };
      writeFileSync(out, `${JSON.stringify(figures, null, 2)}\n`);
      console.log(JSON.stringify(figures, null, 2));
      return;
    }
    const fanout = await fanoutPart(emulator.url, recorder, bundlePath, cpuReference);
    const scale = await scalePart(emulator.url, recorder, bundlePath, cpuReference);
    const memory = await memoryPart(emulator.url, recorder.url, bundlePath);
    console.log('cold start: bundle size and init time against the SDK-only floor …');
    const coldStart = await measureColdStart({ bundle: bundlePath, workDir: WORK_DIR, runs: 21 });
    const results = assembleResults({ fanout, scale, coldStart, memory, sdkFloor });
    writeResults(out, results);
    // docs/performance.md shows the committed run: regenerate it only from the committed file.
    if (out === RESULTS_PATH) updatePerformanceDoc();
    console.log(`\n${formatTable(results)}\n`);
    console.log(`Create bound: ${results.fanout.formula}`);
    console.log(`Delete bound: ${results.delete.formula}`);
    console.log(
      `latency ${results.fanout.latency_ms} ms, replicaCreatingMs ${CONDITIONS.replicaCreatingMs}; results in ${out}; ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
  } finally {
    await recorder.close();
    await emulator.close();
  }
}

await main();
