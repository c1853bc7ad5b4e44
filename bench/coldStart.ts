/**
 * Cold-start figures: the bundle's size (what `index.mjs` loads at start: itself and the chunks it
 * imports statically, not those of `await import()`, build.mjs) and its module initialisation time, each against the floor
 * of the AWS SDK clients alone (a bundle of the four clients the function imports — KMS, Account,
 * Tagging API, CloudFormation for the request verification — with an empty handler, built here with
 * build.mjs's own esbuild settings, build/bundleOptions.mjs).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { bytesOf, startupFiles } from '../build/bundleFiles.mjs';
import { BUNDLE_OPTIONS } from '../build/bundleOptions.mjs';

export interface ColdStartFigures {
  bundle: { bytes: number; floor_bytes: number; ratio: number };
  init: { median_ms: number; floor_median_ms: number; ratio: number; runs: number };
}

const FLOOR_SOURCE = `
import { KMSClient } from '@aws-sdk/client-kms';
import { AccountClient } from '@aws-sdk/client-account';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
export const clients = [KMSClient, AccountClient, ResourceGroupsTaggingAPIClient, CloudFormationClient];
export const handler = async () => ({});
`;

/** Builds the SDK-only floor bundle with the settings of build.mjs. */
async function buildFloor(workDir: string): Promise<string> {
  mkdirSync(workDir, { recursive: true });
  const entry = join(workDir, 'floor-entry.mjs');
  const outfile = join(workDir, 'floor', 'index.mjs');
  writeFileSync(entry, FLOOR_SOURCE);
  await build({ ...BUNDLE_OPTIONS, entryPoints: [entry], outfile, nodePaths: [resolve('node_modules')] });

  return outfile;
}

/** Milliseconds one fresh `node` process spends importing `bundle` (what Lambda's init phase pays). */
function initOnce(bundle: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(resolve(bundle))}); process.stdout.write(String(performance.now() - t));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, AWS_REGION: 'us-east-1', EXECUTION_ROLE_ARN: 'arn:aws:iam::111122223333:role/bench' },
  });
  if (child.status !== 0) throw new Error(`importing ${bundle} failed: ${child.stderr}`);
  return Number(child.stdout);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round = (n: number, digits = 3): number => Number(n.toFixed(digits));

/** Measures both bundles, interleaving the runs so machine noise hits both alike. */
export async function measureColdStart(options: { bundle: string; workDir: string; runs?: number }): Promise<ColdStartFigures> {
  const runs = Math.max(15, options.runs ?? 21);
  const floor = await buildFloor(options.workDir);
  initOnce(options.bundle); // warm the file-system cache for both before measuring
  initOnce(floor);
  const product: number[] = [];
  const floorTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    product.push(initOnce(options.bundle));
    floorTimes.push(initOnce(floor));
  }
  const bytes = bytesOf(dirname(options.bundle), startupFiles(dirname(options.bundle)));
  const floorBytes = statSync(floor).size;
  const medianMs = median(product);
  const floorMedianMs = median(floorTimes);
  return {
    bundle: { bytes, floor_bytes: floorBytes, ratio: round(bytes / floorBytes) },
    init: { median_ms: round(medianMs, 2), floor_median_ms: round(floorMedianMs, 2), ratio: round(medianMs / floorMedianMs), runs },
  };
}
