/**
 * `npm pack` of cdk/ gives a tarball that a fresh CDK app installs (offline: the tarball needs
 * nothing from a registry; aws-cdk-lib and constructs are the repository's, linked in as an app's
 * own would be) and synthesizes with, in plain JavaScript (require) and type-checked TypeScript.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFiles } from '../../build/bundleFiles.mjs';

const ROOT = join(__dirname, '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const HANDLER = join(ROOT, 'dist', 'handler');

const APP_JS = `
const { App, Stack, CfnOutput } = require('aws-cdk-lib');
const iam = require('aws-cdk-lib/aws-iam');
const { MultiRegionKmsKeys } = require('multi-region-kms-keys-cdk');
const app = new App({ outdir: process.argv[2] });
const stack = new Stack(app, 'Fresh', { env: { account: '111122223333', region: 'us-east-1' } });
const fn = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
const keys = new MultiRegionKmsKeys(stack, 'Keys', { customerMasterKeys: { 'cmk-prod': { region: 'us-east-1', replicaRegions: ['eu-west-1'] } } });
keys.grantEncryptDecrypt(fn, 'cmk-prod');
new CfnOutput(stack, 'Arn', { value: keys.keyArn('cmk-prod', 'eu-west-1') });
app.synth();
`;

const APP_TS = `
import { App, Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { MultiRegionKmsKeys, type MultiRegionKmsKeysProps } from 'multi-region-kms-keys-cdk';
const props: MultiRegionKmsKeysProps = { customerMasterKeys: { k: { region: 'us-east-1', deletionWindowInDays: 7 } } };
const keys = new MultiRegionKmsKeys(new Stack(new App(), 'S'), 'Keys', props);
const key: kms.IKey = keys.key('k');
export const arn: string = key.keyArn;
`;

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } });
}

describe('Package: npm pack of the construct', () => {
  it('installs in a fresh CDK app and synthesizes with it', () => {
    // Prepare: the tarball
    const work = mkdtempSync(join(tmpdir(), 'cdk-pack-'));
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], join(ROOT, 'cdk'))) as {
      filename: string;
      files: { path: string }[];
    }[];
    const files = packed[0]!.files.map((file) => file.path);
    expect(files).toEqual(expect.arrayContaining(['dist/index.cjs', 'dist/types/cdk/src/index.d.ts', 'asset/function/index.mjs', 'asset/function.json']));
    // The bundle's chunks (code splitting, build.mjs) ship with it.
    expect(files).toEqual(expect.arrayContaining(bundleFiles(HANDLER).map((file) => `asset/function/${file}`)));
    expect(files).toEqual(expect.arrayContaining(['schema/properties.schema.json', 'LICENSE', 'README.md', 'package.json']));
    expect(files.some((file) => file.startsWith('src/'))).toBe(false);

    // Prepare: the app
    const app = join(work, 'app');
    mkdirSync(join(app, 'node_modules'), { recursive: true });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'fresh-app', private: true }));
    run('npm', ['install', '--offline', '--no-save', '--legacy-peer-deps', join(work, packed[0]!.filename)], app);
    // After the install, which would prune links it did not make.
    for (const name of ['aws-cdk-lib', 'constructs']) symlinkSync(join(ROOT, 'node_modules', name), join(app, 'node_modules', name), 'dir');
    writeFileSync(join(app, 'app.js'), APP_JS);
    writeFileSync(join(app, 'app.ts'), APP_TS);

    // Act
    run(NODE, ['app.js', join(app, 'cdk.out')], app);
    run(join(ROOT, 'node_modules', '.bin', 'tsc'), ['--noEmit', '--strict', '--module', 'nodenext', '--skipLibCheck', 'app.ts'], app);

    // Assess
    const template = JSON.parse(readFileSync(join(app, 'cdk.out', 'Fresh.template.json'), 'utf8'));
    const resources = Object.values(template.Resources) as { Type: string; Properties: Record<string, unknown> }[];
    const custom = resources.find((resource) => resource.Type === 'Custom::MultiRegionKmsKeys')!;
    expect(custom.Properties.ReturnAttributes).toEqual(['KeyArns.eu-west-1.cmk-prod', 'KeyIds.us-east-1.cmk-prod']);
    expect(resources.filter((resource) => resource.Type === 'AWS::Lambda::Function')).toHaveLength(1);
    const manifest = JSON.parse(readFileSync(join(app, 'cdk.out', 'Fresh.assets.json'), 'utf8')) as { files: Record<string, { source: { path: string } }> };
    const directories = Object.values(manifest.files).filter((file) => file.source.path.startsWith('asset.'));
    expect(directories).toHaveLength(1);
    const assetDir = join(app, 'cdk.out', directories[0]!.source.path);
    expect(bundleFiles(assetDir)).toEqual(bundleFiles(HANDLER));
    expect(readdirSync(assetDir).sort()).toEqual(['chunks', 'index.mjs']);
    for (const file of bundleFiles(HANDLER)) expect([file, readFileSync(join(assetDir, file)).equals(readFileSync(join(HANDLER, file)))]).toEqual([file, true]);
  });
});
