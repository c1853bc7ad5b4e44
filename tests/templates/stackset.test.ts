import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCloudFormation, parseCloudFormationDocument, StackSetError, stackSetTemplateOf, writeStackSetTemplate } from '../../build/stackset.mjs';
import { asRecord, loadTemplate, propertiesOf, ROOT, resourceOf, SAM_TEMPLATE_TEXT, STACKSET_TEMPLATE_TEXT } from './helpers.ts';

const sam = loadTemplate(SAM_TEMPLATE_TEXT);
const stackSet = loadTemplate(STACKSET_TEMPLATE_TEXT);

/** A minimal SAM template for the refusal cases. */
function samTemplate(functionProperties: string, extra = ''): string {
  return `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
${extra}
Resources:
  Function:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: dist/handler
      Handler: index.handler
${functionProperties}
`;
}

describe('Function: stackSetTemplateOf', () => {
  it('has no Transform and no SAM resource type', () => {
    // Prepare
    const types = Object.values(asRecord(stackSet.Resources, 'Resources')).map((resource) => asRecord(resource, 'resource').Type);

    // Act, Assess
    expect(stackSet.Transform).toBeUndefined();
    expect(types.filter((type) => String(type).startsWith('AWS::Serverless::'))).toEqual([]);
  });

  it('hard-codes no account id and no Region name', () => {
    // Prepare, Act
    const accountIds = STACKSET_TEMPLATE_TEXT.match(/(?<!\d)\d{12}(?!\d)/g);
    const regions = STACKSET_TEMPLATE_TEXT.match(/\b[a-z]{2}(-gov)?-(north|south|east|west|central|northeast|northwest|southeast|southwest)-\d\b/g);

    // Assess
    expect(accountIds).toBeNull();
    expect(regions).toBeNull();
  });

  it('loads the function code from the per-Region bucket named by parameters', () => {
    // Prepare
    const fn = resourceOf(stackSet, 'Function');
    const parameters = asRecord(stackSet.Parameters, 'Parameters');

    // Act
    const properties = asRecord(fn.Properties, 'Function.Properties');

    // Assess
    expect(fn.Type).toBe('AWS::Lambda::Function');
    expect(properties.Code).toEqual({ S3Bucket: { 'Fn::Sub': `\${CodeBucketPrefix}-\${AWS::Region}` }, S3Key: { Ref: 'CodeKey' } });
    expect(properties.CodeUri).toBeUndefined();
    expect(asRecord(parameters.CodeBucketPrefix, 'CodeBucketPrefix').Type).toBe('String');
    expect(asRecord(parameters.CodeKey, 'CodeKey').Type).toBe('String');
  });

  it('keeps every other function property, the role, the log group and the conditions as in template.yaml', () => {
    // Prepare
    const { CodeUri: _codeUri, ...samFunction } = propertiesOf(sam, 'Function');
    const { Code: _code, ...stackSetFunction } = propertiesOf(stackSet, 'Function');

    // Act, Assess
    expect(stackSetFunction).toEqual(samFunction);
    for (const logicalId of ['FunctionRole', 'LogGroup', 'FunctionLoggingPolicy']) {
      expect(resourceOf(stackSet, logicalId)).toEqual(resourceOf(sam, logicalId));
    }
    expect(stackSet.Conditions).toEqual(sam.Conditions);
    expect(asRecord(stackSet.Parameters, 'Parameters')).toMatchObject(asRecord(sam.Parameters, 'Parameters'));
  });

  it('turns the Regions of the custom resource into parameters and changes nothing else', () => {
    // Prepare
    const samKeys = resourceOf(sam, 'Keys');
    const stackSetKeys = resourceOf(stackSet, 'Keys');
    const parameters = asRecord(stackSet.Parameters, 'Parameters');
    const keyProperties = (resource: Record<string, unknown>, name: string) =>
      asRecord(asRecord(asRecord(resource.Properties, 'Properties').CustomerMasterKeys, 'CustomerMasterKeys')[name], name);

    // Act
    const prod = keyProperties(stackSetKeys, 'cmk-prod');
    const app = keyProperties(stackSetKeys, 'cmk-app');
    const withoutRegions = (key: Record<string, unknown>) => ({ ...key, Region: undefined, ReplicaRegions: undefined });

    // Assess
    expect(prod.Region).toEqual({ Ref: 'CmkProdRegion' });
    expect(prod.ReplicaRegions).toEqual({ Ref: 'CmkProdReplicaRegions' });
    expect(app.Region).toEqual({ Ref: 'CmkAppRegion' });
    expect(asRecord(parameters.CmkProdRegion, 'CmkProdRegion')).toMatchObject({ Type: 'String' });
    expect(asRecord(parameters.CmkProdRegion, 'CmkProdRegion').Default).toBeUndefined();
    expect(asRecord(parameters.CmkProdReplicaRegions, 'CmkProdReplicaRegions')).toMatchObject({ Type: 'CommaDelimitedList' });
    expect(withoutRegions(prod)).toEqual(withoutRegions(keyProperties(samKeys, 'cmk-prod')));
    expect({ ...stackSetKeys, Properties: undefined }).toEqual({ ...samKeys, Properties: undefined });
  });

  it('keeps the ServiceToken output and drops the outputs that name Regions', () => {
    // Prepare, Act
    const outputs = Object.keys(asRecord(stackSet.Outputs, 'Outputs'));

    // Assess
    expect(outputs).toEqual(['ServiceToken']);
  });

  it('keeps the short forms, so the result reads like template.yaml', () => {
    // Prepare, Act
    const doc = parseCloudFormationDocument(STACKSET_TEMPLATE_TEXT);

    // Assess
    expect(doc.warnings).toEqual([]);
    expect(STACKSET_TEMPLATE_TEXT).toContain('S3Key: !Ref CodeKey');
    expect(STACKSET_TEMPLATE_TEXT).toContain('ServiceToken: !GetAtt Function.Arn');
    expect(STACKSET_TEMPLATE_TEXT.startsWith('# Generated by build/stackset.mjs')).toBe(true);
  });

  it('refuses what it cannot convert or what would not be portable', () => {
    // Prepare
    const cases = [
      samTemplate('', 'Globals:\n  Function:\n    Timeout: 30'),
      samTemplate('      Events:\n        Api:\n          Type: Api'),
      samTemplate('      Policies: [AWSLambdaBasicExecutionRole]'),
      samTemplate("      Role: 'arn:aws:iam::123456789012:role/fixed'"),
      samTemplate('      Environment:\n        Variables:\n          HOME_REGION: eu-west-1'),
      samTemplate('').replace('AWS::Serverless::Function', 'AWS::Serverless::Api'),
    ];

    // Act, Assess
    for (const text of cases) expect(() => stackSetTemplateOf(text)).toThrow();
  });
});

describe('Function: stackSetTemplateOf (any valid template)', () => {
  const withKeys = (properties: string) =>
    samTemplate('', '') +
    `  Keys:
    Type: Custom::MultiRegionKmsKeys
    Properties:
      ServiceToken: !GetAtt Function.Arn
${properties}`;

  it('parameterises the Regions of snake_case properties as of PascalCase ones', () => {
    // Prepare
    const text = withKeys(`      opt_in_regions: [us-east-1, eu-west-1]
      customer_master_keys:
        cmk-prod:
          region: us-east-1
          replica_regions: [eu-west-1]
`);

    // Act
    const keys = resourceOf(loadTemplate(stackSetTemplateOf(text)), 'Keys');

    // Assess
    expect(keys.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': ['Function', 'Arn'] },
      opt_in_regions: { Ref: 'OptInRegions' },
      customer_master_keys: { 'cmk-prod': { region: { Ref: 'CmkProdRegion' }, replica_regions: { Ref: 'CmkProdReplicaRegions' } } },
    });
  });

  it('turns the Region of a ReturnAttributes entry into *, in either spelling', () => {
    // Prepare
    const text = withKeys(`      CustomerMasterKeys:
        cmk-prod:
          Region: us-east-1
      ReturnAttributes: [KeyArns.us-east-1.cmk-prod, KeyIds.*, InvalidCmkInputs]
`);

    // Act
    const keys = resourceOf(loadTemplate(stackSetTemplateOf(text)), 'Keys');
    const snake = resourceOf(loadTemplate(stackSetTemplateOf(text.replace('ReturnAttributes', 'return_attributes'))), 'Keys');

    // Assess
    expect(asRecord(keys.Properties, 'Properties').ReturnAttributes).toEqual(['KeyArns.*.cmk-prod', 'KeyIds.*', 'InvalidCmkInputs']);
    expect(asRecord(snake.Properties, 'Properties').return_attributes).toEqual(['KeyArns.*.cmk-prod', 'KeyIds.*', 'InvalidCmkInputs']);
  });

  it('names the file and line of the source template in its errors', () => {
    // Prepare
    const region = samTemplate('      Environment:\n        Variables:\n          HOME_REGION: eu-west-1');
    const account = samTemplate("      Role: 'arn:aws:iam::123456789012:role/fixed'");
    const sam = samTemplate('      Events:\n        Api:\n          Type: Api');

    // Act, Assess
    expect(() => stackSetTemplateOf(region, 'my.yaml')).toThrow(
      new StackSetError('my.yaml:12: hard-codes the Region eu-west-1, which a stack set deploys to every Region: use AWS::Region or a parameter'),
    );
    expect(() => stackSetTemplateOf(account, 'my.yaml')).toThrow(/^my\.yaml:10: hard-codes the account id 123456789012/);
    expect(() => stackSetTemplateOf(sam, 'my.yaml')).toThrow(/^my\.yaml:10: Function: Events is SAM-only/);
  });
});

describe('npm run stackset', () => {
  const run = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(join(ROOT, 'node_modules', '.bin', 'node'), [join(ROOT, 'build', 'stackset.mjs'), ...args], (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr }),
      );
    });

  it('is its own step: neither npm run build nor npm start generates it', () => {
    // Prepare, Act
    const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
    const build = readFileSync(join(ROOT, 'build.mjs'), 'utf8');

    // Assess
    expect(scripts.stackset).toBe('node build/stackset.mjs');
    expect(build).not.toMatch(/stackset\.mjs'/);
    expect(scripts.start).not.toContain('stackset');
  });

  it('prints one line naming the template and line on an error, without a stack trace', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'stackset-cli-'));
    const template = join(dir, 'edited.yaml');
    writeFileSync(template, samTemplate('      Environment:\n        Variables:\n          HOME_REGION: eu-west-1'));

    try {
      // Act
      const failed = await run([join(dir, 'out.yaml'), template]);
      const written = await run([join(dir, 'out.yaml'), join(ROOT, 'template.yaml')]);

      // Assess
      expect(failed.code).toBe(1);
      expect(failed.stderr).toBe(
        `stackset: ${template}:12: hard-codes the Region eu-west-1, which a stack set deploys to every Region: use AWS::Region or a parameter\n`,
      );
      expect(written).toEqual({ code: 0, stdout: `wrote ${join(dir, 'out.yaml')}\n`, stderr: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Function: parseCloudFormation', () => {
  it('reads every short form into its long form', () => {
    // Prepare
    const text = [
      'A: !Ref X',
      `B: !Sub 'a-\${X}'`,
      'C: !GetAtt Keys.KeyArns.us-east-1.cmk',
      'D: !If [Cond, !Ref Y, !Ref AWS::NoValue]',
      'E: !Join [",", [a, b]]',
      'F: !Equals [!Ref P, "true"]',
    ].join('\n');

    // Act
    const parsed = parseCloudFormation(text);

    // Assess
    expect(parsed).toEqual({
      A: { Ref: 'X' },
      B: { 'Fn::Sub': `a-\${X}` },
      C: { 'Fn::GetAtt': ['Keys', 'KeyArns.us-east-1.cmk'] },
      D: { 'Fn::If': ['Cond', { Ref: 'Y' }, { Ref: 'AWS::NoValue' }] },
      E: { 'Fn::Join': [',', ['a', 'b']] },
      F: { 'Fn::Equals': [{ Ref: 'P' }, 'true'] },
    });
  });
});

describe('Function: writeStackSetTemplate', () => {
  it('writes the generated template, creating the folder', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'stackset-'));
    const out = join(dir, 'nested', 'stackset.yaml');

    try {
      // Act
      const written = writeStackSetTemplate(out, join(ROOT, 'template.yaml'));

      // Assess
      expect(written).toBe(out);
      expect(readFileSync(out, 'utf8')).toBe(STACKSET_TEMPLATE_TEXT);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
