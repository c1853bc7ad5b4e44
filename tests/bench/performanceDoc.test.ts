import { readFileSync } from 'node:fs';
import {
  BEGIN,
  END,
  PAGE_PATH,
  README_PATH,
  RESULTS_PATH,
  renderPerformanceSection,
  renderReadmeSummary,
  withPerformanceSection,
  withReadmeSummary,
} from '../../bench/performanceDoc.ts';
import type { BenchResults } from '../../bench/report.ts';

describe('Function: renderPerformanceSection', () => {
  it('is what docs/performance.md shows for the committed bench/results.json', () => {
    // Prepare
    const results = JSON.parse(readFileSync(RESULTS_PATH, 'utf8')) as BenchResults;
    const page = readFileSync(PAGE_PATH, 'utf8');

    // Act
    const regenerated = withPerformanceSection(page, results);

    // Assess: run `node bench/performanceDoc.ts` after changing results.json or the renderer
    expect(page).toEqual(regenerated);
    expect(page).toContain(renderPerformanceSection(results));
  });

  it("is what the README's performance summary shows for the committed bench/results.json", () => {
    // Prepare
    const results = JSON.parse(readFileSync(RESULTS_PATH, 'utf8')) as BenchResults;
    const readme = readFileSync(README_PATH, 'utf8');

    // Act
    const regenerated = withReadmeSummary(readme, results);

    // Assess: the cost per operation and the projected wall of every scenario are in the README
    expect(readme).toEqual(regenerated);
    expect(readme).toContain(renderReadmeSummary(results));
    expect(renderReadmeSummary(results)).toMatch(/GB-s, \$0\.\d{5}/);
  });

  it('puts the KMS cost next to the Lambda cost: the requests at $0.03 per 10,000, the keys left at $1 a month each', () => {
    // Prepare
    const results = JSON.parse(readFileSync(RESULTS_PATH, 'utf8')) as BenchResults;

    // Act
    const rows = renderReadmeSummary(results)
      .split('\n')
      .filter((line) => line.startsWith('| '));

    // Assess
    expect(rows[0]).toMatch(/\| cost per operation \(arm64\) \| KMS cost: requests; keys \|$/);
    const create = (results.fanout.requests * 0.03) / 10_000;
    expect(rows[1]).toContain(`| $${create.toFixed(5)}; ${results.fanout.key_instances} keys: $${results.fanout.key_instances} a month |`);
    expect(rows[2]).toContain(`| $${((results.delete.requests * 0.03) / 10_000).toFixed(5)}; none left billed |`);
  });

  it('refuses a page without its markers', () => {
    // Prepare
    const results = JSON.parse(readFileSync(RESULTS_PATH, 'utf8')) as BenchResults;

    // Act / Assess
    expect(() => withPerformanceSection('# Performance\n', results)).toThrow(BEGIN);
    expect(renderPerformanceSection(results).endsWith(END)).toBe(true);
  });
});
