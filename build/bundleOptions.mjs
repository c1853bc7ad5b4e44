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
  // Non-ASCII characters as themselves (UTF-8, what Node reads a module as), not as \uXXXX escapes.
  charset: 'utf8',
  logLevel: 'silent',
  // Some CommonJS dependencies call require() on Node built-ins; give the ESM bundle a require.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
};
