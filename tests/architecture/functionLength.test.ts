import { functionLengths, productSources } from './sourceFiles.ts';

/** The longest a function of lib/ or handler/ may be, in lines from its first to its last (DESIGN.md, Habits). */
const MAX_FUNCTION_LINES = 60;

/**
 * Data tables allowed to be longer (`path#name`), each with why: a function whose body is a table
 * of data, not logic. Empty today.
 */
const DATA_TABLES: Readonly<Record<string, string>> = {};

describe('Architecture: function length in lib/ and handler/', () => {
  it(`has no function over ${MAX_FUNCTION_LINES} lines except the data tables`, () => {
    // Act
    const functions = productSources().flatMap(functionLengths);
    const tooLong = functions.filter((f) => f.lines > MAX_FUNCTION_LINES && DATA_TABLES[`${f.path}#${f.name}`] === undefined);
    // Assess
    expect(functions.length).toBeGreaterThan(300);
    expect(tooLong.map((f) => `${f.path}#${f.name}: ${f.lines} lines`)).toEqual([]);
  });

  it('measures a function from its first line to its last', () => {
    // Act
    const lengths = productSources(['lib/text']).flatMap(functionLengths);
    // Assess: compare() in lib/text/order.ts is written on three lines
    expect(lengths.find((f) => f.path === 'lib/text/order.ts' && f.name === 'compare')?.lines).toBe(3);
  });

  it('keeps the data-table allow-list to functions that exist and need it', () => {
    // Act
    const functions = new Map(
      productSources()
        .flatMap(functionLengths)
        .map((f) => [`${f.path}#${f.name}`, f.lines]),
    );
    const stale = Object.keys(DATA_TABLES).filter((id) => (functions.get(id) ?? 0) <= MAX_FUNCTION_LINES);
    // Assess
    expect(stale).toEqual([]);
  });
});
