import ts from 'typescript';
import { productSources, relativeImports, type SourceFile } from './sourceFiles.ts';

/** How many calls from `reconcile` to one key's read, at most (DESIGN.md, Layout: no pass-through layer). */
const MAX_READ_DEPTH = 3;

/** The reader's entry points: what lib/reader/index.ts exports as functions; the rest of the product reads through them. */
const READER_ENTRIES = ['readActualState', 'readForPlan'];

/** Top-level functions (declarations and `const f = () => …`) by name, with the top-level functions their bodies name. */
function callGraph(files: SourceFile[]): Map<string, Set<string>> {
  const bodies = new Map<string, ts.Node>();
  for (const file of files) {
    for (const statement of file.source.statements) {
      if (ts.isFunctionDeclaration(statement) && statement.name && statement.body) bodies.set(statement.name.text, statement.body);
      if (ts.isVariableStatement(statement)) {
        for (const d of statement.declarationList.declarations) {
          if (ts.isIdentifier(d.name) && d.initializer && (ts.isArrowFunction(d.initializer) || ts.isFunctionExpression(d.initializer))) {
            bodies.set(d.name.text, d.initializer.body);
          }
        }
      }
    }
  }
  const graph = new Map<string, Set<string>>();
  for (const [name, body] of bodies) {
    const named = new Set<string>();
    const visit = (node: ts.Node): void => {
      if (ts.isIdentifier(node) && bodies.has(node.text) && node.text !== name) named.add(node.text);
      ts.forEachChild(node, visit);
    };
    visit(body);
    graph.set(name, named);
  }
  return graph;
}

/** The most calls on any path from `from` to `to` (-1: none); a circle counts once. */
function longestPath(graph: Map<string, Set<string>>, from: string, to: string, seen: ReadonlySet<string> = new Set()): number {
  if (from === to) return 0;
  let longest = -1;
  for (const next of graph.get(from) ?? []) {
    if (seen.has(next)) continue;
    const rest = longestPath(graph, next, to, new Set([...seen, from]));
    if (rest >= 0) longest = Math.max(longest, rest + 1);
  }
  return longest;
}

describe('Architecture: the reader has no pass-through layer', () => {
  it(`reads a key at most ${MAX_READ_DEPTH} calls from reconcile`, () => {
    // Prepare
    const files = productSources(['lib/reader', 'lib/request']);
    // Act
    const graph = callGraph(files);
    // Assess: reconcile → readForPlan → readRegion → readKey
    expect(longestPath(graph, 'reconcile', 'readKey')).toBe(MAX_READ_DEPTH);
    expect(longestPath(graph, 'readActualState', 'readKey')).toBe(MAX_READ_DEPTH - 1);
  });

  it('counts every function a body names, so a new layer in between is seen', () => {
    // Prepare: a pass-through between readForPlan and readRegion
    const source = 'function a() { return b(); }\nfunction b() { return c(); }\nconst c = () => [1].map(() => d());\nfunction d() {}';
    const file = { path: 'x.ts', source: ts.createSourceFile('x.ts', source, ts.ScriptTarget.ES2022, true) };
    // Act
    const depth = longestPath(callGraph([file]), 'a', 'd');
    // Assess
    expect(depth).toBe(3);
  });

  it('is read through lib/reader/index.ts only, whose functions are the entry points', () => {
    // Prepare
    const outside = productSources(['lib', 'handler', 'local']).filter((f) => !f.path.startsWith('lib/reader/'));
    const [index] = productSources(['lib/reader']).filter((f) => f.path === 'lib/reader/index.ts');
    // Act
    const readerImports = outside.flatMap((f) => relativeImports(f).filter((target) => target.startsWith('lib/reader/')));
    const exported = index.source.statements.flatMap((s) =>
      ts.isFunctionDeclaration(s) && s.name && s.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ? [s.name.text] : [],
    );
    // Assess
    expect([...new Set(readerImports)]).toEqual(['lib/reader/index.ts']);
    expect(exported.sort()).toEqual(READER_ENTRIES);
  });
});
