// The construct package's assets (cdk/asset/), written by `npm run build` and by the package's
// `prepack`, never committed:
//
// - cdk/asset/function/: the built function bundle (index.mjs and its chunks/), the same files SAM
//   deploys (without the source maps);
// - cdk/asset/function.json: the function's settings as template.yaml declares them (the execution
//   role's inline policies with their Fn::If, the Parameters and Conditions they use, the function's
//   runtime, memory, timeout, environment, the log group's retention and the logging policy), so the
//   construct builds the same function from the same source. tests/cdk/provider.test.ts proves the
//   role statements equal.
import { copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bundleFiles } from './bundleFiles.mjs';
import { parseCloudFormation } from './stackset.mjs';

const ROOT = join(import.meta.dirname, '..');
export const CDK_ASSET_DIR = join(ROOT, 'cdk', 'asset');

function resourceProperties(template, logicalId) {
  const resource = template.Resources?.[logicalId];
  if (resource?.Properties === undefined) throw new Error(`template.yaml has no resource ${logicalId} with Properties`);
  return resource.Properties;
}

/** The settings of template.yaml's function that the construct reproduces. */
export function functionSettingsOf(templateText) {
  const template = parseCloudFormation(templateText);
  const role = resourceProperties(template, 'FunctionRole');
  const fn = resourceProperties(template, 'Function');
  const logGroup = resourceProperties(template, 'LogGroup');
  const loggingPolicy = resourceProperties(template, 'FunctionLoggingPolicy');
  const sample = template.Resources.Keys?.Properties ?? {};
  return {
    parameters: template.Parameters ?? {},
    conditions: template.Conditions ?? {},
    role: { Description: role.Description, AssumeRolePolicyDocument: role.AssumeRolePolicyDocument, Policies: role.Policies },
    function: {
      Description: fn.Description,
      Handler: fn.Handler,
      Runtime: fn.Runtime,
      Architectures: fn.Architectures,
      MemorySize: fn.MemorySize,
      Timeout: fn.Timeout,
      Environment: fn.Environment,
    },
    logGroup: { RetentionInDays: logGroup.RetentionInDays },
    loggingPolicy: { PolicyName: loggingPolicy.PolicyName, PolicyDocument: loggingPolicy.PolicyDocument },
    serviceTimeout: sample.ServiceTimeout ?? null,
  };
}

/**
 * Copies the bundle and writes function.json into `dir`; returns the paths written. Each file is
 * replaced whole (written aside, then renamed): tests that read them may run meanwhile.
 */
export function writeCdkAssets(dir = CDK_ASSET_DIR) {
  const source = join(ROOT, 'dist', 'handler');
  const files = bundleFiles(source);
  // Chunk names carry a hash: those of an earlier build go (index.mjs is replaced, never absent).
  for (const stale of bundleFiles(join(dir, 'function'), { missingOk: true })) {
    if (!files.includes(stale)) rmSync(join(dir, 'function', stale), { force: true });
  }
  // Chunks first, index.mjs last: whoever reads index.mjs finds the chunks it imports.
  for (const file of [...files.filter((f) => f !== 'index.mjs'), 'index.mjs']) {
    const target = join(dir, 'function', file);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(source, file), `${target}.tmp`);
    renameSync(`${target}.tmp`, target);
  }
  const bundle = join(dir, 'function', 'index.mjs');
  const settings = join(dir, 'function.json');
  writeFileSync(`${settings}.tmp`, `${JSON.stringify(functionSettingsOf(readFileSync(join(ROOT, 'template.yaml'), 'utf8')), null, 2)}\n`);
  renameSync(`${settings}.tmp`, settings);
  return [bundle, settings];
}
