/**
 * The operator's questions, answered once and the same way everywhere (issue 28 §5): no page tells
 * anyone to run `sam build`, the StackSets example keeps an account's stack when it leaves an OU and
 * says why, keys belong in the user's own stacks and the page says why, and what KMS charges is
 * written down with AWS's prices.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './run.ts';

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
/** `path`'s text with every run of white space one space: wording survives re-wrapping. */
const prose = (path: string) => read(path).replace(/\s+/g, ' ');
const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((name) => `docs/${name}`)];

/** The lines of every fenced code block of `text`. */
function codeLines(text: string): string[] {
  return [...text.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n'));
}

describe('The docs answer the operator', () => {
  it('never run sam build in any command; the README, docs/deploy.md and docs/plan.md say so', () => {
    // Act
    const running = PAGES.flatMap((page) =>
      codeLines(read(page))
        .filter((line) => /\bsam build\b/.test(line))
        .map((line) => `${page}: ${line}`),
    );

    // Assess
    expect(running).toEqual([]);
    expect(prose('README.md')).toContain('Do not run `sam build`');
    expect(prose('docs/deploy.md')).toContain('Do **not** run `sam build`');
    expect(prose('docs/plan.md')).toContain('never `sam build`');
  });

  it('keeps stacks of accounts leaving an OU in the StackSets example, and says why', () => {
    // Prepare
    const deploy = read('docs/deploy.md');

    // Assess
    expect(codeLines(deploy).join('\n')).toContain('--auto-deployment Enabled=true,RetainStacksOnAccountRemoval=true');
    expect(deploy).not.toContain('RetainStacksOnAccountRemoval=false \\');
    expect(deploy).toMatch(/`RetainStacksOnAccountRemoval=true`: when an account leaves the targeted OUs[\s\S]*schedules every key's deletion/);
  });

  it("recommends keys in the user's own stacks because git pull merges template.yaml", () => {
    // Prepare
    const deploy = read('docs/deploy.md');

    // Assess
    expect(deploy).toContain('## Where your keys live');
    expect(deploy).toMatch(/In your own stacks, not in `template\.yaml`[\s\S]*`git pull` merges upstream's changes to `template\.yaml`/);
  });

  it("states KMS's prices: $1 per key-month (replicas and Region '' keys included) and $0.03 per 10,000 requests", () => {
    // Prepare
    const deploy = read('docs/deploy.md');

    // Assess
    expect(deploy).toContain('## What KMS charges');
    expect(deploy).toMatch(/every KMS key costs\n?\s*\$1 a month/);
    expect(deploy).toContain('$0.03 per 10,000');
    expect(deploy).toContain("`Region: ''` is one key in every enabled Region");
    expect(deploy).toContain('a stack set multiplies the whole template by the accounts');
  });
});
