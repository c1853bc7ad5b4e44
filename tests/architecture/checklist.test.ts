/**
 * DESIGN.md's checklist "Adding a KMS action the product performs" stays true: every file it names
 * exists, and its "Counted:" paragraph lists as many files edited by hand as it says, at most the 8
 * issue 25 asks for.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const DESIGN = readFileSync(join(ROOT, 'DESIGN.md'), 'utf8');
const NUMBERS: Record<string, number> = { eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12, thirteen: 13 };

/** The text of the checklist section, up to the next heading. */
function section(title: string): string {
  const start = DESIGN.indexOf(`### ${title}\n`);
  if (start < 0) throw new Error(`DESIGN.md has no section "${title}"`);
  const end = DESIGN.indexOf('\n### ', start + 1);
  return DESIGN.slice(start, end < 0 ? undefined : end);
}

/** Backticked repository paths (a folder and a file name with an extension; `…` marks a pattern, not a path; `dist/` is built, not committed). */
function pathsIn(text: string): string[] {
  return [...text.matchAll(/`([\w./-]+\.(?:ts|mjs|json|yaml|md))`/g)]
    .map((m) => m[1]!)
    .filter((path) => (path.includes('/') || path === 'template.yaml') && !path.startsWith('dist/'));
}

describe('DESIGN.md: adding a KMS action', () => {
  const checklist = section('Adding a KMS action the product performs');
  const counted = checklist.slice(checklist.indexOf('Counted:'));

  it('names only files that exist', () => {
    // Act
    const missing = pathsIn(checklist).filter((path) => !existsSync(join(ROOT, path)));

    // Assess
    expect(pathsIn(checklist).length).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });

  it('counts the files it lists as edited by hand', () => {
    // Prepare
    const said = /^Counted: (\d+) files edited by hand/.exec(counted);
    const listed = counted.slice(counted.indexOf('one test file per layer:'), counted.indexOf('(`tests/architecture/checklist.test.ts`'));
    const patterns = (listed.match(/the\s+planner\s+module|the\s+emulator's\s+operation\s+module/g) ?? []).length;
    const claimed = /these files exist\s+and\s+are\s+(\w+)\)/.exec(counted)?.[1];

    // Act
    const files = pathsIn(listed).length + patterns;

    // Assess
    expect(said).not.toBeNull();
    expect(files).toBe(Number(said?.[1]));
    expect(NUMBERS[claimed ?? '']).toBe(files);
    expect(files).toBeLessThanOrEqual(8);
  });
});
