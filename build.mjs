// Bundles the Lambda entry point (handler/index.ts) into dist/handler/ with esbuild: index.mjs, and
// with code splitting the chunks (dist/handler/chunks/) of what is loaded on first use only
// (`await import()`: the Secrets Manager client, lib/aws/secrets.ts; docs/performance.md "Cold
// start"). Fails on any esbuild warning, so a dubious import never reaches production silently.

import { rmSync } from 'node:fs';
import { relative } from 'node:path';
import { build } from 'esbuild';
import { bundleFiles, bytesOf, startupFiles } from './build/bundleFiles.mjs';
import { BUNDLE_OPTIONS, HANDLER_DIR, SPLIT_OPTIONS } from './build/bundleOptions.mjs';
import { writeCdkAssets } from './build/cdkAssets.mjs';

// Chunk names carry a hash: the chunks of an earlier build must not linger beside the new ones.
rmSync(HANDLER_DIR, { recursive: true, force: true });
const result = await build({
  ...BUNDLE_OPTIONS,
  ...SPLIT_OPTIONS,
  entryPoints: { index: 'handler/index.ts' },
  outdir: HANDLER_DIR,
  metafile: true,
});

if (result.warnings.length > 0) {
  for (const w of result.warnings) console.error(`esbuild warning: ${w.text} (${w.location?.file ?? ''}:${w.location?.line ?? ''})`);
  process.exit(1);
}
const files = bundleFiles(HANDLER_DIR);
const startup = bytesOf(HANDLER_DIR, startupFiles(HANDLER_DIR));
const total = bytesOf(HANDLER_DIR, files);
console.log(
  `built ${HANDLER_DIR}: ${startup} bytes (${(startup / 1024).toFixed(1)} KiB) loaded at start by index.mjs, ${total} bytes in all ${files.length} .mjs files`,
);
// The StackSets template is its own step (npm run stackset): a single-account deployment never needs it.

// The construct package's assets: the bundle and template.yaml's function settings.
console.log(
  `wrote ${writeCdkAssets()
    .map((file) => relative(process.cwd(), file))
    .join(', ')}`,
);
