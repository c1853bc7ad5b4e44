/**
 * The emulator stands in for AWS: it must hold its own KMS facts, so that a wrong value in `lib/`
 * meets a right one in the emulator instead of being confirmed by it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const EMULATOR = join(__dirname, '..', '..', 'local', 'emulator');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('Module: local/emulator', () => {
  it('imports nothing from lib/', () => {
    // Prepare
    const files = sourceFiles(EMULATOR);

    // Act
    const offenders = files.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/from\s+'([^']+)'/g)]
        .map((match) => match[1]!)
        .filter((specifier) => /(^|\/)lib\//.test(specifier))
        .map((specifier) => `${relative(EMULATOR, file)} → ${specifier}`),
    );

    // Assess
    expect(files.length).toBeGreaterThan(10);
    expect(offenders).toEqual([]);
  });
});
