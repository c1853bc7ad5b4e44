import { productSources, relativeImports } from './sourceFiles.ts';

/**
 * The stages of lib/ in the order DESIGN.md gives ("Layout and ownership of modules"): a file may
 * import from its own folder or from a folder later in this list, never from an earlier one.
 * `shared` is the loose files of lib/ (types, constants, errors, …).
 */
const STAGES = ['handler', 'request', 'desired', 'properties', 'policy', 'reader', 'planner', 'executor', 'aws', 'retry', 'shared', 'text'];

function stageOf(path: string): string {
  if (path.startsWith('handler/')) return 'handler';
  const folder = /^lib\/([^/]+)\//.exec(path)?.[1];
  return folder ?? 'shared';
}

const files = productSources();
const graph = new Map(files.map((file) => [file.path, relativeImports(file).filter((target) => target.startsWith('lib/') || target.startsWith('handler/'))]));

/** Every import circle among the files, each as the path that closes it (depth-first search). */
function circles(): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const target of graph.get(file) ?? []) {
      if (state.get(target) === 'open') found.push([...stack.slice(stack.indexOf(target)), target]);
      else if (state.get(target) === undefined) visit(target);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (state.get(file) === undefined) visit(file);
  return found;
}

describe('Architecture: imports of lib/ and handler/', () => {
  it('knows the stage of every folder of lib/', () => {
    // Act
    const unknown = files.map((file) => stageOf(file.path)).filter((stage) => !STAGES.includes(stage));
    // Assess
    expect(files.length).toBeGreaterThan(50);
    expect([...new Set(unknown)]).toEqual([]);
  });

  it('has no import circle', () => {
    // Act
    const found = circles();
    // Assess
    expect(found.map((circle) => circle.join(' → '))).toEqual([]);
  });

  it('has no import running back up the stages', () => {
    // Act
    const upward = [...graph].flatMap(([file, targets]) =>
      targets.filter((target) => STAGES.indexOf(stageOf(target)) < STAGES.indexOf(stageOf(file))).map((target) => `${file} → ${target}`),
    );
    // Assess
    expect(upward).toEqual([]);
  });

  it('resolves every relative import to a file of the product', () => {
    // Act
    const missing = [...graph].flatMap(([file, targets]) => targets.filter((target) => !graph.has(target)).map((target) => `${file} → ${target}`));
    // Assess
    expect(missing).toEqual([]);
  });
});
