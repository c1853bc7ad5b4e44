import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleFiles } from '../../build/bundleFiles.mjs';

/** `npm test` builds the bundle first (pretest); run `npm run build` before this test alone. */
const HANDLER = join(__dirname, '..', '..', 'dist', 'handler');

describe('Function: the Lambda bundle and the emulator', () => {
  it('holds nothing of the emulator or its AGPL policy simulator (@cloud-copilot/*), in any of its files', () => {
    // Prepare
    const files = bundleFiles(HANDLER);
    const sources = files.flatMap((file) => (JSON.parse(readFileSync(join(HANDLER, `${file}.map`), 'utf8')) as { sources: string[] }).sources);
    const code = files.map((file) => readFileSync(join(HANDLER, file), 'utf8')).join('\n');
    // Act
    const leaked = sources.filter((source) => /@cloud-copilot|local\/emulator/.test(source));
    // Assess
    expect(files).toContain('index.mjs');
    expect(sources.length).toBeGreaterThan(0);
    expect(leaked).toEqual([]);
    expect(code).not.toMatch(/iam-simulate|runSimulation/);
  });
});
