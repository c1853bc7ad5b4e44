// The files of the built Lambda bundle (dist/handler/, build.mjs): with code splitting there is more
// than index.mjs. Used by the build's report, the CDK asset (build/cdkAssets.mjs), the bench's cold
// start (bench/coldStart.ts) and the tests that read the bundle.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/** Every `.mjs` of the bundle, relative to `dir` (`index.mjs`, `chunks/…`), sorted; `missingOk`: none when `dir` does not exist. */
export function bundleFiles(dir, { missingOk = false } = {}) {
  if (missingOk && !existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.mjs'))
    .sort();
}

/** A static `import … from"./x.mjs"` / `import"./x.mjs"` of esbuild's minified output; `import("./x.mjs")` is not one. */
const STATIC_IMPORT = /(?:from|import)\s*"(\.{1,2}\/[^"]+\.mjs)"/g;

/** The files `index.mjs` loads at start: itself and its static imports, transitively (not the chunks of `await import()`). */
export function startupFiles(dir) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, target] of readFileSync(join(dir, file), 'utf8').matchAll(STATIC_IMPORT)) visit(normalize(relative(dir, join(dir, dirname(file), target))));
  };
  visit('index.mjs');
  return [...seen].sort();
}

/** Bytes of `files` in `dir`. */
export function bytesOf(dir, files) {
  return files.reduce((sum, file) => sum + statSync(join(dir, file)).size, 0);
}
