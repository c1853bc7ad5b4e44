/**
 * `npm start` as a new user meets it: usage, bad options, broken templates, and the checks of the
 * answers against the template (Fn::GetAtt reads, response size), exit codes and output checked.
 */
import { keysTemplateFile, runStart, STACK_FRAME, sampleAndRun, samplesOfReadme, templateFile } from './run.ts';

describe('npm start: the command line', () => {
  it('prints the usage and exits 0 for --help', async () => {
    // Act
    const run = await runStart(['--help']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: npm start [-- OPTIONS]');
    for (const option of ['--template FILE', '--update FILE', '--import Name=Value', '--all', '--show-policy']) expect(run.stdout).toContain(option);
  });

  it('refuses an unknown option and a value-less one with a message and no stack trace', async () => {
    // Act
    const unknown = await runStart(['--templat', 'x.yaml']);
    const valueless = await runStart(['--template']);

    // Assess
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('unknown argument --templat\nRun npm start -- --help for the options.\n');
    expect(valueless.code).toBe(1);
    expect(valueless.stderr).toContain('--template needs a value');
    expect(`${unknown.stderr}${valueless.stderr}`).not.toMatch(STACK_FRAME);
  });

  it('names the file, the line and the key of a duplicate key, and a missing file', async () => {
    // Prepare
    const file = keysTemplateFile('dup.yaml', `      CustomerMasterKeys:\n        cmk: { Region: us-east-1 }\n      AwsAccountId: '111122223333'\n`);

    // Act
    const duplicate = await runStart(['--template', file]);
    const missing = await runStart(['--template', 'no-such-template.yaml']);

    // Assess
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toBe(`Template error: ${file}:9: the key "AwsAccountId" is given twice in the same map (YAML map keys must be unique)\n`);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('Cannot read no-such-template.yaml: ENOENT\n');
  });

  it('names the file, line and path of a template it cannot resolve, and says how to give an import', async () => {
    // Prepare
    const file = keysTemplateFile('import.yaml', `      CustomerMasterKeys:\n        cmk:\n          Region: !ImportValue shared-region\n`);

    // Act
    const run = await runStart(['--template', file]);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Template error: ${file}:9: [/Resources/Keys/Properties/CustomerMasterKeys/cmk/Region/Fn::ImportValue]`);
    expect(run.stderr).toContain('--import shared-region=VALUE');
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });
  it('gives each invalid property the line of the template that holds it, in either spelling', async () => {
    // Prepare
    const file = templateFile(
      'invalid.yaml',
      `Resources:
  Keys:
    Type: Custom::MultiRegionKmsKeys
    Properties:
      ServiceToken: !ImportValue multi-region-kms-keys-ServiceToken
      aws_account_id: !Ref AWS::AccountId
      customer_master_keys:
        cmk-prod:
          region: us-east-1
          deletion_window_in_days: 3
        cmk-b:
          Regoin: us-east-1
`,
    );

    // Act
    const run = await runStart(['--template', file]);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`   Reason: Invalid properties:\n     ${file}:10: CustomerMasterKeys.cmk-prod.DeletionWindowInDays: must be 7–30, got 3`);
    expect(run.stdout).toContain(`     ${file}:12: CustomerMasterKeys.cmk-b.Regoin: is not a known property; did you mean Region?`);
    expect(run.stdout).toContain('KMS calls made: none');
  });
});

describe('npm start: the answers checked against the template', () => {
  it('fails a template reading an attribute the answer does not carry, naming it and the ReturnAttributes that cover the reads', async () => {
    // Prepare: the README shows this run's output.
    const args = ['--template', 'tests/preview/fixtures/missing-attribute.yaml'];
    const sample = samplesOfReadme().find((s) => s.args.join(' ') === args.join(' '));

    // Act
    const run = await runStart(args);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('== Create: SUCCESS');
    expect(run.stdout).toContain('ERROR: the template reads Keys.KeyIds.us-west-2.a (at /Outputs/AKeyId/Value/Fn::GetAtt), which the answer does not carry');
    expect(run.stdout).not.toContain('reads Keys.KeyArns.eu-west-1.b');
    expect(run.stdout).toMatch(
      /ReturnAttributes covering exactly what the template reads \(answer: \d+ bytes of 4096\):\n {5}ReturnAttributes: \[KeyArns\.eu-west-1\.b, KeyIds\.us-west-2\.a\]/,
    );
    expect(run.stdout).toContain('ERROR: Keys never returns KeyArns.us-west-3.a with these properties');
    expect(run.stdout).not.toMatch(STACK_FRAME);
    expect(sample).toBeDefined();
    // npm run readme:samples writes the README's samples anew when the output changed on purpose.
    const { readme, run: printed } = sampleAndRun(sample!, run.stdout);
    expect(readme).toEqual(printed);
  });

  it('prints, for an answer that would be too large, the exact list the template reads and its size', async () => {
    // Prepare: three keys in every Region with every attribute family: far over 4,096 bytes.
    const file = keysTemplateFile(
      'large.yaml',
      `      CustomerMasterKeys:
        app: { Region: '' }
        ops: { Region: '' }
        prod: { Region: us-east-1, ReplicaRegions: [us-west-2, eu-west-1] }
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: { SSEAlgorithm: aws:kms, KMSMasterKeyID: !GetAtt Keys.KeyArns.us-east-1.prod }
Outputs:
  AppInIreland: { Value: !GetAtt Keys.KeyArns.eu-west-1.app }
`,
    );

    // Act
    const run = await runStart(['--template', file]);

    // Assess
    expect(run.code).toBe(1);
    const refused = /the response would be (\d+) bytes, over CloudFormation's limit of 4096/.exec(run.stdout);
    expect(refused).not.toBeNull();
    expect(run.stdout).toContain(`The answer with these ReturnAttributes would be ${refused![1]} bytes, over CloudFormation's 4096.`);
    expect(run.stdout).toMatch(/answer: \d{3} bytes of 4096\):\n {5}ReturnAttributes: \[KeyArns\.eu-west-1\.app, KeyArns\.us-east-1\.prod\]/);
    expect(run.stdout).toContain('KMS calls made: none');
  });

  it('names file and line of a key-name error such as alias/x', async () => {
    // Prepare
    const file = keysTemplateFile(
      'key-name.yaml',
      `      CustomerMasterKeys:
        alias/x:
          Region: us-east-1
`,
    );

    // Act
    const run = await runStart(['--template', file]);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`     ${file}:8: CustomerMasterKeys.alias/x: a key name must not start with alias/`);
  });

  it("warns, with file and line, about a replica Region equal to the key's own and a key whose Region is not enabled, and prints the keys' cost", async () => {
    // Prepare: nothing selects InvalidCmkInputs or InvalidReplicaRegions.
    const file = keysTemplateFile(
      'left-out.yaml',
      `      ReturnAttributes: [KeyArns.*]
      CustomerMasterKeys:
        app:
          Region: us-east-1
          ReplicaRegions: [us-east-1, eu-west-1]
        far:
          Region: me-south-1
`,
    );

    // Act
    const run = await runStart(['--template', file]);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `   WARNING: ${file}:11: CustomerMasterKeys.app.ReplicaRegions: us-east-1 is the key's own Region, and a key is never its own replica: left out (InvalidReplicaRegions)`,
    );
    expect(run.stdout).toContain(
      `   WARNING: ${file}:13: CustomerMasterKeys.far.Region: "me-south-1" is not an enabled Region: the key is not created (InvalidCmkInputs)`,
    );
    // The keys the resource holds and their monthly cost (aws.amazon.com/kms/pricing): the primary and its one replica; none after the Delete.
    expect(run.stdout).toContain('\nKMS cost: 2 keys (1 replica among them) × $1 = $2 a month in this account, plus $1 a month per backing key');
    expect(run.stdout).toContain('\nKMS cost: 0 keys (0 replicas among them) × $1 = $0 a month in this account; requests $0.03 per 10,000');
  });
});
