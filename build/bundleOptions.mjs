/**
 * The esbuild settings of the Lambda bundle, shared by build.mjs and the bench's SDK-only floor
 * bundle (bench/coldStart.ts), so both are built exactly alike.
 */
export const BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'silent',
  // Some CommonJS dependencies call require() on Node built-ins; give the ESM bundle a require.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
};
