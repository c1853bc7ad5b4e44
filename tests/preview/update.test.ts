/**
 * `npm start -- --template v1.yaml --update v2.yaml`: the plan of v1 → v2 printed before the Update
 * runs (destructive actions and refusals marked), then the Update and its result.
 */
import { keysTemplateFile, runStart, STACK_FRAME, sampleAndRun, samplesOfReadme } from './run.ts';

describe('npm start --update: the change a change set cannot show', () => {
  it('prints the plan of the reference template to its v2, destructive actions marked, then runs it', async () => {
    // Prepare: the README shows this run's output.
    const args = ['--template', 'examples/reference-template.pascal.yaml', '--update', 'examples/reference-template.v2.yaml'];
    const sample = samplesOfReadme().find((s) => s.args.join(' ') === args.join(' '));

    // Act
    const run = await runStart(args);

    // Assess
    expect(run.code).toBe(0);
    const plan = run.stdout.slice(run.stdout.indexOf('== Plan of the Update'), run.stdout.indexOf('== Update to'));
    expect(plan).toMatch(/Plan: \d+ KMS action\(s\) \(2 destructive\)/);
    expect(plan).toMatch(/ap-southeast-2\n +cmk-prod +key mrk-\w+\n +\+ ReplicateKey key mrk-\w+ into ap-southeast-2/);
    expect(plan).toMatch(/us-west-1\n +cmk-stage +key [\w-]+\n +- DeleteAlias alias\/cmk-stage +DESTRUCTIVE/);
    expect(plan).toMatch(/- ScheduleKeyDeletion key [\w-]+ in 30 days +DESTRUCTIVE/);
    expect(run.stdout).toContain('== Update to examples/reference-template.v2.yaml: SUCCESS');
    expect(run.stdout).toContain('Fn::GetAtt: each of the 5 attribute(s) of Keys the template reads is in the answer.');
    expect(run.stdout).toMatch(/us-west-1 +- +[\w-]+ +single-Region +SYMMETRIC_DEFAULT +PendingDeletion/);
    expect(sample).toBeDefined();
    // npm run readme:samples writes the README's samples anew when the output changed on purpose.
    const { readme, run: printed } = sampleAndRun(sample!, run.stdout);
    expect(readme).toEqual(printed);
  });

  it('shows a refused replacement in the plan, and the Update failing with nothing changed', async () => {
    // Prepare
    const version = (spec: string) => `      CustomerMasterKeys:
        cmk-sign: { Region: eu-west-1, Spec: ${spec}, KeyUsage: SIGN_VERIFY }
`;
    const v1 = keysTemplateFile('v1.yaml', version('RSA_2048'));
    const v2 = keysTemplateFile('v2.yaml', version('ECC_NIST_P256'));

    // Act
    const run = await runStart(['--template', v1, '--update', v2]);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/REFUSED: an Update to this template would fail and change nothing:\n +x cmk-sign .*\[replacement\]/);
    expect(run.stdout).toMatch(/== Update to \S+v2\.yaml: FAILED/);
    expect(run.stdout).toMatch(/Update to \S+: FAILED[\s\S]*KMS calls made: none/);
    expect(run.stdout).not.toMatch(STACK_FRAME);
  });
});
