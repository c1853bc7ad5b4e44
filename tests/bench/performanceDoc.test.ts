import { readFileSync } from 'node:fs';
import { BEGIN, END, PAGE_PATH, RESULTS_PATH, renderPerformanceSection, withPerformanceSection } from '../../bench/performanceDoc.ts';
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

  it('refuses a page without its markers', () => {
    // Prepare
    const results = JSON.parse(readFileSync(RESULTS_PATH, 'utf8')) as BenchResults;

    // Act / Assess
    expect(() => withPerformanceSection('# Performance\n', results)).toThrow(BEGIN);
    expect(renderPerformanceSection(results).endsWith(END)).toBe(true);
  });
});
