import { readFileSync } from 'node:fs';
import { RESULTS_PATH, renderPerformanceSection } from '../../bench/performanceDoc.ts';
import { type BenchResults, formatTable } from '../../bench/report.ts';
import { withReplay } from '../../bench/sdkReplay.ts';

const REPLAY = { cpu_ms_per_request: 0.5, requests: 1500, runs: 3, run_cpu_ms_per_request: [0.49, 0.5, 0.6] };

/** The committed results with a replay of 0.5 ms per request on every scenario. */
function replayed(): BenchResults {
  const results = JSON.parse(readFileSync(RESULTS_PATH, 'utf8')) as BenchResults;
  const { scale } = results;
  return {
    ...results,
    fanout: withReplay(results.fanout, REPLAY),
    delete: withReplay(results.delete, REPLAY),
    scale: {
      ...withReplay(scale, REPLAY),
      create: withReplay(scale.create, REPLAY),
      update: withReplay(scale.update, REPLAY),
      delete: withReplay(scale.delete, REPLAY),
    },
  };
}

describe('Function: withReplay', () => {
  it('adds the replay and the ratio of the CPU per request to it', () => {
    // Act
    const figures = withReplay({ cpu_ms_per_request: 0.75 }, REPLAY);

    // Assess
    expect(figures).toEqual({ cpu_ms_per_request: 0.75, sdk_replay: REPLAY, cpu_ratio_to_replay: 1.5 });
    expect(withReplay({ cpu_ms_per_request: 0.75 }, undefined)).toEqual({ cpu_ms_per_request: 0.75 });
  });
});

describe('Function: renderPerformanceSection (SDK replay)', () => {
  it('shows each scenario’s replay CPU per request and its ratio, n/a without a replay', () => {
    // Prepare
    const results = replayed();
    const ratio = (results.fanout.cpu_ms_per_request / 0.5).toFixed(2);

    // Act
    const withReplays = renderPerformanceSection(results);
    const { sdk_replay: _replay, cpu_ratio_to_replay: _ratio, ...fanoutWithout } = JSON.parse(readFileSync(RESULTS_PATH, 'utf8')).fanout;
    const without = renderPerformanceSection({ ...results, fanout: fanoutWithout });

    // Assess
    expect(withReplays).toContain(`| ${results.fanout.cpu_ratio_to_floor.toFixed(2)} | 0.500 ms | ${ratio} |`);
    expect(withReplays.match(/\| 0\.500 ms \|/g)).toHaveLength(5);
    expect(without.match(/\| 0\.500 ms \|/g)).toHaveLength(4);
    expect(without).toContain('| n/a | n/a |');
  });
});

describe('Function: formatTable (SDK replay)', () => {
  it('prints the ratio to the replay for Create, Delete and scale', () => {
    // Act
    const table = formatTable(replayed());

    // Assess
    expect(table).toMatch(/Create: CPU per request × SDK replay .*replay 0\.500 ms \(1500 requests, median of 3\)/);
    expect(table).toMatch(/Delete: CPU per request × SDK replay/);
    expect(table).toMatch(/Scale: CPU per request × SDK replay/);
  });
});
