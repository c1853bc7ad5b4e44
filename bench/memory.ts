/**
 * Peak memory of the function: the real bundle run by the driver in its own process over ~1,000 key
 * instances (per-Region keys × every Region), Create and then Delete, each process watched through
 * /proc (bench/procWatch.ts). The figure is the larger of the two peaks.
 */
import { CUSTOM_RESOURCE_TYPE, createDriver, DEFAULT_IDENTITY, functionArnOf, type RequestResult, Stack, stackIdOf } from '../local/driver/index.ts';
import { type BenchConditions, resetEmulator } from './control.ts';
import { type KeySetShape, keyInstances, resourceProperties } from './keySet.ts';
import { type ProcessFigures, watchProcess } from './procWatch.ts';

/** The smallest Lambda memory size, the target the peak must stay under. */
export const MEMORY_LIMIT_MB = 128;

export interface MemoryFigures {
  key_instances: number;
  peak_rss_mb: number;
  create: { peak_rss_mb: number; cpu_s: number; wall_s: number; status: string | null; violations: string[] };
  delete: { peak_rss_mb: number; cpu_s: number; wall_s: number; status: string | null; violations: string[] };
  note: string;
}

async function watched(deliver: (onSpawn: (pid: number) => void) => Promise<RequestResult>): Promise<{ result: RequestResult; figures: ProcessFigures }> {
  let watch: ReturnType<typeof watchProcess> | undefined;
  const result = await deliver((pid) => {
    watch = watchProcess(pid);
  });
  return { result, figures: watch?.stop() ?? { peakRssMb: Number.NaN, cpuS: Number.NaN, samples: 0 } };
}

function summary(run: { result: RequestResult; figures: ProcessFigures }): MemoryFigures['create'] {
  return {
    peak_rss_mb: run.figures.peakRssMb,
    cpu_s: run.figures.cpuS,
    wall_s: Number(((run.result.durationMs ?? Number.NaN) / 1000).toFixed(3)),
    status: run.result.status,
    violations: run.result.violations,
  };
}

/** Creates and deletes the set of `shape` through the driver at `endpointUrl`, watching each function process. */
export async function measureMemory(options: {
  emulatorUrl: string;
  endpointUrl: string;
  shape: KeySetShape;
  conditions: BenchConditions;
  bundlePath?: string;
}): Promise<MemoryFigures> {
  const { shape } = options;
  await resetEmulator(options.emulatorUrl, options.conditions, [shape.adminRoleArn]);
  // As a function of the smallest Lambda size: the child gets Lambda's heap limits for 128 MB.
  const driver = await createDriver({
    endpointUrl: options.endpointUrl,
    memoryLimitInMB: MEMORY_LIMIT_MB,
    ...(options.bundlePath === undefined ? {} : { bundlePath: options.bundlePath }),
  });
  try {
    const stack = new Stack(driver, {
      stackId: stackIdOf(DEFAULT_IDENTITY),
      logicalResourceId: 'BenchMemory',
      resourceType: CUSTOM_RESOURCE_TYPE,
      serviceToken: functionArnOf(DEFAULT_IDENTITY, 'multi-region-kms-keys'),
    });
    const created = await watched((onSpawn) => stack.create(resourceProperties(shape), { onSpawn }));
    const deleted = await watched((onSpawn) => stack.delete({ onSpawn }));
    return {
      key_instances: keyInstances(shape),
      peak_rss_mb: Math.max(created.figures.peakRssMb, deleted.figures.peakRssMb),
      create: summary(created),
      delete: summary(deleted),
      note: `VmHWM of the driver child process (Node 22 + bundle, with Lambda's heap limits for a ${MEMORY_LIMIT_MB} MB function); the larger of Create and Delete`,
    };
  } finally {
    await driver.close();
  }
}
