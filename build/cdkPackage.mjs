// Builds the construct package in cdk/ for `npm pack` (its `prepack`), from the repository:
//
// - cdk/dist/index.cjs: cdk/src bundled with the parts of lib/ it uses (the property parser, the
//   desired state, the attribute sizing), aws-cdk-lib and constructs left to the app (peer
//   dependencies); CommonJS, so both `require` and `import` load it;
// - cdk/dist/types/: the declarations (tsc);
// - cdk/asset/: the function bundle and template.yaml's function settings (build/cdkAssets.mjs),
//   from the dist/ of `npm run build`, which must have run (it is not rebuilt here: tests run this
//   while other tests read dist/);
// - cdk/schema/properties.schema.json and cdk/LICENSE, copies of the repository's.
//
// The construct bundle must not import the AWS SDK (only the function does): checked.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { writeCdkAssets } from './cdkAssets.mjs';

const ROOT = join(import.meta.dirname, '..');
const PACKAGE = join(ROOT, 'cdk');

/** Builds everything `npm pack` of cdk/ ships; returns the bundle's size in bytes. */
export async function buildCdkPackage() {
  if (!existsSync(join(ROOT, 'dist', 'handler', 'index.mjs'))) throw new Error('dist/handler/index.mjs is missing: run npm run build in the repository first');
  rmSync(join(PACKAGE, 'dist'), { recursive: true, force: true });
  const result = await build({
    entryPoints: [join(PACKAGE, 'src', 'index.ts')],
    outfile: join(PACKAGE, 'dist', 'index.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs'],
    metafile: true,
    logLevel: 'silent',
  });
  if (result.warnings.length > 0) throw new Error(`esbuild warnings: ${result.warnings.map((w) => w.text).join('; ')}`);
  const sdk = Object.keys(result.metafile.inputs).filter((input) => input.includes('@aws-sdk/') || input.includes('@smithy/'));
  if (sdk.length > 0) throw new Error(`the construct bundle must not contain the AWS SDK: ${sdk.join(', ')}`);
  execFileSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', join(PACKAGE, 'tsconfig.build.json')], { stdio: 'inherit' });
  // The sources import with `.ts` (Node's type stripping); published declarations name the `.js` files.
  for (const entry of readdirSync(join(PACKAGE, 'dist', 'types'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
    const file = join(entry.parentPath, entry.name);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/(from '\.{1,2}\/[^']+)\.ts'/g, "$1.js'"));
  }
  writeCdkAssets(join(PACKAGE, 'asset'));
  mkdirSync(join(PACKAGE, 'schema'), { recursive: true });
  copyFileSync(join(ROOT, 'schema', 'properties.schema.json'), join(PACKAGE, 'schema', 'properties.schema.json'));
  copyFileSync(join(ROOT, 'LICENSE'), join(PACKAGE, 'LICENSE'));
  return readFileSync(join(PACKAGE, 'dist', 'index.cjs')).length;
}

if (process.argv[1] === import.meta.filename) {
  const bytes = await buildCdkPackage();
  // On stderr: `npm pack --json` prints its JSON on stdout.
  console.error(`built cdk/dist/index.cjs: ${bytes} bytes, cdk/dist/types, cdk/asset, cdk/schema`);
}
