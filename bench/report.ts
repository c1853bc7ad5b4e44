/**
 * The bench's outputs: `bench/results.json` (the figures docs/behaviour.md §11 asks for, plus informative extras)
 * and a table on stdout with each figure against its target.
 */
import { writeFileSync } from 'node:fs';
import type { ColdStartFigures } from './coldStart.ts';
import type { FanoutFigures, PhaseFigures } from './fanout.ts';
import type { MemoryFigures } from './memory.ts';
import type { CpuFigures } from './projection.ts';
import type { ScaleResults } from './scaleReplay.ts';
import type { SdkFloorFigures } from './sdkFloor.ts';
import type { ReplayFields } from './sdkReplay.ts';

export interface BenchResults {
  sdk_floor: SdkFloorFigures;
  fanout: PhaseFigures;
  delete: PhaseFigures;
  scale: ScaleResults;
  bundle: ColdStartFigures['bundle'];
  init: ColdStartFigures['init'];
  memory: MemoryFigures;
}

/** The targets. */
export const TARGETS = {
  ratioToBound: 1.15,
  speedupVsSequential: 10,
  /** Guard rails, not targets: the product's code may cost this much over the SDK clients alone. */
  bundleRatio: 1.2,
  initRatio: 1.25,
  peakRssMb: 128,
  cpuRatioToFloor: 1.3,
  projectedRatioToBound: 1.15,
} as const;

export function assembleResults(parts: {
  fanout: FanoutFigures;
  scale: ScaleResults;
  coldStart: ColdStartFigures;
  memory: MemoryFigures;
  sdkFloor: SdkFloorFigures;
}): BenchResults {
  const { fanout, scale, coldStart, memory, sdkFloor } = parts;
  return { sdk_floor: sdkFloor, fanout: fanout.create, delete: fanout.delete, scale, bundle: coldStart.bundle, init: coldStart.init, memory };
}

export function writeResults(path: string, results: BenchResults): void {
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}

type Row = [figure: string, value: string, reference: string, target: string, met: boolean];

function phaseRows(label: string, p: PhaseFigures): Row[] {
  const clean = p.status === 'SUCCESS' && p.violations.length === 0;
  return [
    [
      `${label}: wall (${p.keys} keys × ${p.regions} Regions)`,
      `${p.wall_s.toFixed(2)} s`,
      `bound ${p.lower_bound_s.toFixed(2)} s`,
      `ratio ≤ ${TARGETS.ratioToBound}`,
      p.ratio_to_bound <= TARGETS.ratioToBound,
    ],
    [`${label}: ratio to bound`, p.ratio_to_bound.toFixed(2), p.bound_binding, `≤ ${TARGETS.ratioToBound}`, p.ratio_to_bound <= TARGETS.ratioToBound],
    [
      `${label}: speedup vs sequential`,
      `${p.speedup_vs_sequential.toFixed(1)}×`,
      `sequential ${p.sequential_s.toFixed(1)} s`,
      `≥ ${TARGETS.speedupVsSequential}`,
      p.speedup_vs_sequential >= TARGETS.speedupVsSequential,
    ],
    ...cpuRows(label, p),
    [`${label}: failed requests`, String(p.failed_requests), `throttled+retried ${p.throttled_retries}`, '0', p.failed_requests === 0],
    [`${label}: answer`, p.status ?? 'none', p.violations.length === 0 ? 'no violations' : p.violations.join('; '), 'SUCCESS', clean],
  ];
}

/** The bare SDK's CPU for the same requests (bench/sdkReplay.ts), when it was measured. */
function replayRows(label: string, p: Partial<ReplayFields>): Row[] {
  if (p.sdk_replay === undefined || p.cpu_ratio_to_replay === undefined) return [];
  return [
    [
      `${label}: CPU per request × SDK replay`,
      p.cpu_ratio_to_replay.toFixed(2),
      `replay ${p.sdk_replay.cpu_ms_per_request.toFixed(3)} ms (${p.sdk_replay.requests} requests, median of ${p.sdk_replay.runs})`,
      'informative',
      true,
    ],
  ];
}

function cpuRows(label: string, p: CpuFigures & Partial<ReplayFields>): Row[] {
  return [
    [
      `${label}: CPU per request`,
      `${p.cpu_ms_per_request.toFixed(3)} ms`,
      `${p.requests} requests, ${p.cpu_s.toFixed(2)} s`,
      `≤ ${TARGETS.cpuRatioToFloor}× floor (is ${p.cpu_ratio_to_floor.toFixed(2)})`,
      p.cpu_ratio_to_floor <= TARGETS.cpuRatioToFloor,
    ],
    ...replayRows(label, p),
    [
      `${label}: projected wall at ${p.function_memory_mb} MB`,
      `${p.projected_wall_s.toFixed(2)} s`,
      'max(wall, CPU × 1769 / MB)',
      `≤ ${TARGETS.projectedRatioToBound}× bound (is ${p.projected_ratio_to_bound.toFixed(2)})`,
      p.projected_ratio_to_bound <= TARGETS.projectedRatioToBound,
    ],
  ];
}

function scaleRows(s: ScaleResults): Row[] {
  const label = `Scale (${s.foreign_keys} foreign keys, ${s.regions} Regions)`;
  return [
    [`${label}: wall C+U+D`, `${s.wall_s.toFixed(2)} s`, `bound ${s.lower_bound_s.toFixed(2)} s`, 'informative', true],
    ...cpuRows('Scale', s),
    [`Scale: failed requests`, String(s.failed_requests), '', '0', s.failed_requests === 0],
    [`Scale: peak RSS`, `${s.peak_rss_mb.toFixed(1)} MB`, '', `≤ ${TARGETS.peakRssMb} MB`, s.peak_rss_mb <= TARGETS.peakRssMb],
  ];
}

/** The table, one row per figure. */
export function formatTable(results: BenchResults): string {
  const { bundle, init, memory } = results;
  const rows: Row[] = [
    ...phaseRows('Create', results.fanout),
    ...phaseRows('Delete', results.delete),
    ...scaleRows(results.scale),
    ['SDK floor: CPU per request', `${results.sdk_floor.cpu_ms_per_request.toFixed(3)} ms`, 'bench/sdkFloor.ts', 'reference', true],
    [
      'Bundle bytes loaded at start',
      String(bundle.bytes),
      `floor ${bundle.floor_bytes}`,
      `ratio ≤ ${TARGETS.bundleRatio} (is ${bundle.ratio.toFixed(3)})`,
      bundle.ratio <= TARGETS.bundleRatio,
    ],
    [
      'Init median',
      `${init.median_ms.toFixed(1)} ms`,
      `floor ${init.floor_median_ms.toFixed(1)} ms`,
      `ratio ≤ ${TARGETS.initRatio} (is ${init.ratio.toFixed(3)})`,
      init.ratio <= TARGETS.initRatio,
    ],
    [
      `Peak RSS (${memory.key_instances} key instances)`,
      `${memory.peak_rss_mb.toFixed(1)} MB`,
      `create ${memory.create.peak_rss_mb} / delete ${memory.delete.peak_rss_mb} MB`,
      `≤ ${TARGETS.peakRssMb} MB`,
      memory.peak_rss_mb <= TARGETS.peakRssMb,
    ],
  ];
  const header: Row = ['figure', 'value', 'against', 'target', true];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...[header, ...rows].map((r) => String(r[i]).length)));
  const line = (r: Row, mark: string): string => `${[0, 1, 2, 3].map((i) => String(r[i]).padEnd(widths[i]!)).join(' │ ')} │ ${mark}`;
  return [line(header, 'met'), widths.map((w) => '─'.repeat(w)).join('─┼─') + '─┼────', ...rows.map((r) => line(r, r[4] ? 'yes' : 'NO'))].join('\n');
}
