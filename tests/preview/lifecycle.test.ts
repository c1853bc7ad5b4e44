/**
 * `npm start` through a whole lifecycle as a user runs it: the snake_case reference template (its
 * demo Update in its own spelling, `DeletionPolicy: Retain` honoured, `--show-policy`), imports,
 * a Delete that is sent, the summary of a long key table and `--all`.
 */
import { keysTemplateFile, runStart, STACK_FRAME, templateFile } from './run.ts';

describe('npm start: a lifecycle', () => {
  it('previews the snake_case reference template: Update in global_tags, policies shown, no Delete under DeletionPolicy: Retain', async () => {
    // Act
    const run = await runStart(['--template', 'examples/reference-template.snake.yaml', '--show-policy']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('== Create: SUCCESS');
    expect(run.stdout).toContain('ServiceToken not resolvable here (Fn::ImportValue multi-region-kms-keys-ServiceToken');
    expect(run.stdout).toContain('Fn::GetAtt: each of the 4 attribute(s) of Keys the template reads is in the answer.');
    expect(run.stdout).toContain('Key policy of cmk-prod (eu-west-1, us-east-1, us-west-2):\n{\n  "Id": "MultiRegionKmsKeys/cmk-prod"');
    expect(run.stdout).toContain('"Sid": "ServicePrincipal1"');
    expect(run.stdout).toContain('== Update (adds the tag PreviewedLocally=true to every key, in global_tags): SUCCESS');
    expect(run.stdout).toContain('== Delete: not sent. Keys has DeletionPolicy: Retain');
    expect(run.stdout).toContain('UpdateReplacePolicy: Retain');
    const afterDelete = run.stdout.slice(run.stdout.indexOf('== Delete'));
    expect(afterDelete).not.toContain('ScheduleKeyDeletion');
    expect(afterDelete.match(/ Enabled /g)).toHaveLength(4);
    expect(run.stdout).toContain('Full lifecycle done');
  });

  it('resolves Fn::ImportValue from --import and sends the Delete when no DeletionPolicy keeps the keys', async () => {
    // Prepare
    const file = templateFile(
      'imports.yaml',
      `Parameters:
  Team: { Type: String }
Resources:
  Keys:
    Type: Custom::MultiRegionKmsKeys
    Properties:
      ServiceToken: !ImportValue multi-region-kms-keys-ServiceToken
      AwsAccountId: !Ref AWS::AccountId
      GlobalTags: { Owner: !Ref Team }
      CustomerMasterKeys:
        cmk-shared:
          Region: !ImportValue shared-region
`,
    );

    // Act
    const run = await runStart(['--template', file, '--import', 'shared-region=eu-west-1', '--param', 'Team=platform']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/eu-west-1 +alias\/cmk-shared/);
    expect(run.stdout).toContain('== Update (adds the tag PreviewedLocally=true to every key, in GlobalTags): SUCCESS');
    expect(run.stdout).toContain('== Delete: SUCCESS');
    expect(run.stdout).toContain('KMS calls made: DeleteAlias×1, ScheduleKeyDeletion×1');
    expect(run.stdout).not.toMatch(STACK_FRAME);
  });

  it('summarises a key table of more than 40 rows per Region, and prints every row with --all', async () => {
    // Prepare: three keys in each of the emulator's enabled Regions.
    const file = keysTemplateFile(
      'wide.yaml',
      `      CustomerMasterKeys:
        a: { Region: '' }
        b: { Region: '' }
        c: { Region: '' }
      ReturnAttributes: [KeyArns.us-east-1.*]
`,
    );

    // Act
    const summarised = await runStart(['--template', file]);
    const full = await runStart(['--template', file, '--all']);

    // Assess
    expect(summarised.code).toBe(0);
    const regions = Number(/\((\d+) keys in (\d+) Regions, summarised; --all prints every key\)/.exec(summarised.stdout)?.[2]);
    expect(regions).toBeGreaterThan(13);
    expect(summarised.stdout).toMatch(/us-east-1 +3 +0 +0 +3 +Enabled 3/);
    expect(full.code).toBe(0);
    expect(full.stdout).not.toContain('summarised');
    expect(full.stdout.match(/alias\/a +\S+ +single-Region .* Enabled /g)).toHaveLength(regions);
  });

  it('previews imported key material end to end with a secret of random material in the emulator, never printing it', async () => {
    // Act
    const run = await runStart(['--template', 'examples/imported-key-material.yaml', '--key-material-secret', 'MaterialSecretArn']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /Key material: 32 random bytes in the emulator's Secrets Manager, secret arn:aws:secretsmanager:us-east-1:\d{12}:secret:preview\/MaterialSecretArn-\S+ /,
    );
    expect(run.stdout).toMatch(/KMS calls made: .*ImportKeyMaterial×3/);
    expect(run.stdout).toContain('(Origin EXTERNAL: the same imported material in both Regions): "hello from us-east-1"');
    expect(run.stdout).toMatch(/AwaitingImport\.eu-west-1\.cmk-later +true/);
    expect(run.stdout).toContain('Full lifecycle done');
  });

  it('refuses a --key-material-secret that names no parameter', async () => {
    // Act
    const run = await runStart(['--key-material-secret', 'not a name']);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr + run.stdout).toContain('--key-material-secret expects NAME or NAME@REGION');
    expect(run.stderr + run.stdout).not.toMatch(STACK_FRAME);
  });
});
