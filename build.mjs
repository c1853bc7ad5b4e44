// Bundles the Lambda entry point (handler/index.ts) into dist/handler/index.mjs with esbuild.
// Fails on any esbuild warning, so a dubious import never reaches production silently.

import { statSync } from 'node:fs';
import { relative } from 'node:path';
import { build } from 'esbuild';
import { BUNDLE_OPTIONS } from './build/bundleOptions.mjs';
import { writeCdkAssets } from './build/cdkAssets.mjs';

const outfile = 'dist/handler/index.mjs';

const result = await build({
  ...BUNDLE_OPTIONS,
  entryPoints: ['handler/index.ts'],
  outfile,
  metafile: true,
});

if (result.warnings.length > 0) {
  for (const w of result.warnings) console.error(`esbuild warning: ${w.text} (${w.location?.file ?? ''}:${w.location?.line ?? ''})`);
  process.exit(1);
}
const bytes = statSync(outfile).size;
console.log(`built ${outfile}: ${bytes} bytes (${(bytes / 1024).toFixed(1)} KiB)`);
// The StackSets template is its own step (npm run stackset): a single-account deployment never needs it.

// The construct package's assets: the bundle and template.yaml's function settings.
console.log(
  `wrote ${writeCdkAssets()
    .map((file) => relative(process.cwd(), file))
    .join(', ')}`,
);
