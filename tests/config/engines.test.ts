/**
 * `npm ci` on a supported Node.js prints no EBADENGINE warning: the lowest version package.json's
 * `engines` accepts satisfies the `engines` of every locked package, and the README says the same
 * range. (The npm scripts themselves run on the Node 22 of the `node` devDependency.)
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
// npm's own range logic, as installed with the toolchain (a dependency of jest and the SDK).
const semver = createRequire(join(ROOT, 'package.json'))('semver') as {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string): boolean;
};

describe('package.json engines', () => {
  it('accepts Node.js 20, which every locked package accepts too, and the README says so', () => {
    // Prepare
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string }; devDependencies: Record<string, string> };
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { engines?: { node?: unknown } }> };
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

    // Act
    const lowest = semver.minVersion(pkg.engines.node)!.version;
    const refusing = Object.entries(lock.packages)
      .filter(([, entry]) => typeof entry.engines?.node === 'string' && !semver.satisfies(lowest, entry.engines.node as string))
      .map(([path, entry]) => `${path || '(root)'} ${String(entry.engines?.node)}`);

    // Assess
    expect(pkg.engines.node).toBe('>=20');
    expect(refusing).toEqual([]);
    expect(lock.packages['']!.engines).toEqual(pkg.engines);
    expect(pkg.devDependencies.node).toMatch(/^22\./);
    expect(readme.replace(/\s+/g, ' ')).toContain("`npm ci`, on the machine's Node.js 20 or later (`engines` in package.json: no `EBADENGINE` warning there)");
  });
});
