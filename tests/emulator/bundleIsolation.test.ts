import { readFileSync } from 'node:fs';

/** `npm test` builds the bundle first (pretest); run `npm run build` before this test alone. */
const BUNDLE = new URL('../../dist/handler/index.mjs', import.meta.url);

describe('Function: the Lambda bundle and the emulator', () => {
  it('holds nothing of the emulator or its AGPL policy simulator (@cloud-copilot/*)', () => {
    // Prepare
    const map = JSON.parse(readFileSync(new URL(`${BUNDLE.href}.map`), 'utf8')) as { sources: string[] };
    const code = readFileSync(BUNDLE, 'utf8');
    // Act
    const leaked = map.sources.filter((source) => /@cloud-copilot|local\/emulator/.test(source));
    // Assess
    expect(map.sources.length).toBeGreaterThan(0);
    expect(leaked).toEqual([]);
    expect(code).not.toMatch(/iam-simulate|runSimulation/);
  });
});
