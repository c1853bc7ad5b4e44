/**
 * `npm run bench` (docs/behaviour.md §11): in one run, on the emulator with default quotas and injected latency —
 * fan-out Create and Delete against their lower bounds and the sequential baseline, cold start
 * against the SDK-only floor, peak memory over ~1,000 key instances. Prints a table and writes
 * `bench/results.json`.
 *
 * Options: `--bundle FILE` (measure another build, e.g. a candidate fix), `--out FILE`,
 * `--skip-sequential` (quick iterations; speedups are then NaN), `--only memory|fanout` (one part
 * alone, printed and written as raw figures, for quick iterations).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_BUNDLE_PATH, DEFAULT_IDENTITY, executionRoleArnOf } from '../local/driver/index.ts';
import { DEFAULT_ENABLED_REGIONS, startEmulator } from '../local/emulator/index.ts';
import { realismFromArgv } from '../local/emulator/realism.ts';
import { measureColdStart } from './coldStart.ts';
import type { BenchConditions } from './control.ts';
import { type FanoutFigures, measureFanout } from './fanout.ts';
import type { KeySetShape } from './keySet.ts';
import { type MemoryFigures, measureMemory } from './memory.ts';
import { startRecorder } from './recorder.ts';
import { assembleResults, formatTable, writeResults } from './report.ts';

/** 25 ms per request plus up to 10 ms of jitter; a replica stays `Creating` 2 s (the emulator's default, KMS takes seconds). */
const CONDITIONS: BenchConditions = { latencyMs: 25, latencyJitterMs: 10, replicaCreatingMs: 2_000 };

const WORK_DIR = fileURLToPath(new URL('./.tmp/', import.meta.url));

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

async function fanoutPart(emulatorUrl: string, recorder: Awaited<ReturnType<typeof startRecorder>>, bundlePath: string): Promise<FanoutFigures> {
  console.log('fan-out: Create/Delete of 20 per-Region keys × 17 Regions + 1 multi-Region key (16 replicas), then the sequential baseline …');
  return measureFanout({
    emulatorUrl,
    recorder,
    conditions: CONDITIONS,
    workDir: WORK_DIR,
    bundlePath,
    skipSequential: process.argv.includes('--skip-sequential'),
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
  const out = option('--out') ?? fileURLToPath(new URL('./results.json', import.meta.url));
  mkdirSync(WORK_DIR, { recursive: true });
  const started = performance.now();
  const emulator = await startEmulator({ port: 0, ...realismFromArgv(process.argv.slice(2), (path) => readFileSync(path, 'utf8')) });
  const recorder = await startRecorder(emulator.url);
  const only = option('--only');
  try {
    if (only !== undefined) {
      const figures = only === 'memory' ? await memoryPart(emulator.url, recorder.url, bundlePath) : await fanoutPart(emulator.url, recorder, bundlePath);
      writeFileSync(out, `${JSON.stringify(figures, null, 2)}\n`);
      console.log(JSON.stringify(figures, null, 2));
      return;
    }
    const fanout = await fanoutPart(emulator.url, recorder, bundlePath);
    const memory = await memoryPart(emulator.url, recorder.url, bundlePath);
    console.log('cold start: bundle size and init time against the SDK-only floor …');
    const coldStart = await measureColdStart({ bundle: bundlePath, workDir: WORK_DIR, runs: 21 });
    const results = assembleResults(fanout, coldStart, memory);
    writeResults(out, results);
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
