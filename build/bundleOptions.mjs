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

/** Where the Lambda bundle goes: template.yaml's CodeUri, the CDK asset's source. */
export const HANDLER_DIR = 'dist/handler';

/**
 * Code splitting of the Lambda bundle (build.mjs): what the handler imports with `await import()`
 * goes into chunks of its own, loaded on first use, not at every cold start. Shared code goes into
 * chunks the entry imports statically.
 */
export const SPLIT_OPTIONS = {
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
};
