import { productSources } from './sourceFiles.ts';

/** The most lines a file of lib/ or handler/ may have (DESIGN.md, Code style: small files). */
const MAX_FILE_LINES = 250;

/** The one file allowed to be longer, and why: the catalogue of the product's plain-data types. */
const CATALOGUES = new Set(['lib/types.ts']);

describe('Architecture: file length in lib/ and handler/', () => {
  it(`has no file over ${MAX_FILE_LINES} lines except the type catalogue`, () => {
    // Act
    const files = productSources().map((f) => ({ path: f.path, lines: f.source.getLineAndCharacterOfPosition(f.source.getEnd()).line }));
    const tooLong = files.filter((f) => f.lines > MAX_FILE_LINES && !CATALOGUES.has(f.path));
    // Assess
    expect(files.length).toBeGreaterThan(100);
    expect(tooLong.map((f) => `${f.path}: ${f.lines} lines`)).toEqual([]);
  });
});
