/**
 * The README a newcomer reads first: short, the two set-up commands at the top, and a link to every
 * page of docs/ (and to the examples it points to, which exist).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './run.ts';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('README.md', () => {
  it('is at most 300 lines and starts with the two set-up commands', () => {
    // Act
    const lines = README.split('\n');
    const firstBlock = README.slice(0, README.indexOf('```', README.indexOf('```sh') + 5));

    // Assess
    expect(lines.length).toBeLessThanOrEqual(300);
    expect(README.indexOf('```sh')).toBeLessThan(1_000);
    expect(firstBlock).toContain('npm ci && npm start');
    expect(firstBlock).toContain('npm ci && npm test');
  });

  it('links every page of docs/, the pages being written alongside, and only files that exist', () => {
    // Prepare
    const pages = new Set([...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')), 'grants.md', 'plan.md', 'behaviour.md']);
    const links = [...README.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)].map((m) => m[1]!).filter((link) => !link.startsWith('http'));

    // Assess
    for (const page of pages) expect(links).toContain(`docs/${page}`);
    const missing = links.filter((link) => !link.startsWith('docs/') && !existsSync(join(ROOT, link)));
    expect(missing).toEqual([]);
    expect(README).not.toMatch(/SPEC|\.\.\/shared/);
  });
});
