/**
 * examples/cdk, end to end: synthesized (v1 and its next version), then run by `npm start` (the
 * local driver and the emulator, the real bundle): Create, the Fn::GetAtt check of every read of
 * the synthesized template, the cross-Region decrypt, the Update's plan and the Update, the Delete.
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { buildApp } from '../../examples/cdk/app.ts';
import { runStart, STACK_FRAME } from '../preview/run.ts';

/** `cdk synth` of the example: the template file of the cloud assembly, as `cdk deploy` would upload it. */
function synthesized(version: 1 | 2, dir: string): string {
  const stack = buildApp({ outdir: join(dir, `cdk.out.v${version}`), version });
  const assembly = (stack.node.root as App).synth();
  const file = join(dir, `kms-keys.v${version}.json`);
  copyFileSync(assembly.getStackByName(stack.stackName).templateFullPath, file);
  return file;
}

describe('examples/cdk end to end', () => {
  it('synthesizes and runs Create, Update and Delete on the emulator, with ReturnAttributes computed', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'cdk-example-'));
    const v1 = synthesized(1, dir);
    const v2 = synthesized(2, dir);

    // Act
    const run = await runStart(['--template', v1, '--update', v2]);

    // Assess
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(run.stdout).toContain('== Create: SUCCESS');
    expect(run.stdout).toMatch(/Fn::GetAtt: each of the 3 attribute\(s\) of Keys\w+ the template reads is in the answer\./);
    expect(run.stdout).toMatch(/Encrypt in us-east-1 with mrk-\w+, Decrypt in eu-west-1 with its replica: "hello from us-east-1"/);
    expect(run.stdout).toContain('+ CreateKey SYMMETRIC_DEFAULT ENCRYPT_DECRYPT');
    expect(run.stdout).toMatch(/== Update to .*kms-keys\.v2\.json: SUCCESS/);
    expect(run.stdout).toMatch(/Fn::GetAtt: each of the 4 attribute\(s\) of Keys\w+ the template reads is in the answer\./);
    expect(run.stdout).toContain('== Delete: SUCCESS');
    expect(run.stdout).toContain('Full lifecycle done');
    expect(run.code).toBe(0);
  });
});
