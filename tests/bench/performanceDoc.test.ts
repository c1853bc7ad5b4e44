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

  it('refuses a page without its markers', () => {
    // Prepare
    const results = JSON.parse(readFileSync(RESULTS_PATH, 'utf8')) as BenchResults;

    // Act / Assess
    expect(() => withPerformanceSection('# Performance\n', results)).toThrow(BEGIN);
    expect(renderPerformanceSection(results).endsWith(END)).toBe(true);
  });
});
