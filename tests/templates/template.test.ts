import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { matchesReturnAttributes } from '../../lib/request/attributes.ts';
import { asRecord, loadTemplate, propertiesOf, ROOT, resourceOf, SAM_TEMPLATE_TEXT } from './helpers.ts';

const template = loadTemplate(SAM_TEMPLATE_TEXT);

describe('Function: template.yaml', () => {
  it('is a SAM template', () => {
    // Prepare, Act
    const transform = template.Transform;

    // Assess
    expect(transform).toBe('AWS::Serverless-2016-10-31');
  });

  it('packages the prebuilt bundle for nodejs22.x on arm64', () => {
    // Prepare
    const fn = resourceOf(template, 'Function');

    // Act
    const properties = asRecord(fn.Properties, 'Function.Properties');

    // Assess
    expect(fn.Type).toBe('AWS::Serverless::Function');
    expect(properties).toMatchObject({
      CodeUri: 'dist/handler',
      Handler: 'index.handler',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Timeout: 900,
      MemorySize: 1769,
      Role: { 'Fn::GetAtt': ['FunctionRole', 'Arn'] },
    });
    expect(properties.Policies).toBeUndefined();
  });

  it('hands the function its execution role ARN and source maps', () => {
    // Prepare
    const properties = propertiesOf(template, 'Function');

    // Act
    const variables = asRecord(asRecord(properties.Environment, 'Environment').Variables, 'Variables');

    // Assess
    expect(variables).toEqual({
      EXECUTION_ROLE_ARN: { 'Fn::GetAtt': ['FunctionRole', 'Arn'] },
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it('uses an unnamed role, so CAPABILITY_IAM is enough', () => {
    // Prepare
    const role = resourceOf(template, 'FunctionRole');

    // Act
    const properties = asRecord(role.Properties, 'FunctionRole.Properties');

    // Assess
    expect(role.Type).toBe('AWS::IAM::Role');
    expect(properties.RoleName).toBeUndefined();
    expect(properties.ManagedPolicyArns).toBeUndefined();
  });

  it('gives the role a Path only when FunctionRolePath is set, so an existing deployment keeps its role', () => {
    // Prepare
    const parameter = asRecord(asRecord(template.Parameters, 'Parameters').FunctionRolePath, 'Parameters.FunctionRolePath');
    const pattern = new RegExp(String(parameter.AllowedPattern));

    // Act
    const properties = asRecord(resourceOf(template, 'FunctionRole').Properties, 'FunctionRole.Properties');

    // Assess: a Path change replaces an IAM role, and keys naming only the old role become unmanageable.
    expect(parameter.Default).toBe('');
    expect(['', '/multi-region-kms-keys/', '/'].every((path) => pattern.test(path))).toBe(true);
    expect(pattern.test('multi-region-kms-keys')).toBe(false);
    expect(asRecord(template.Conditions, 'Conditions').HasFunctionRolePath).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'FunctionRolePath' }, ''] }] });
    expect(properties.Path).toEqual({ 'Fn::If': ['HasFunctionRolePath', { Ref: 'FunctionRolePath' }, { Ref: 'AWS::NoValue' }] });
  });

  it('creates the log group with a retention parameter defaulting to 90 days', () => {
    // Prepare
    const logGroup = resourceOf(template, 'LogGroup');
    const parameters = asRecord(template.Parameters, 'Parameters');

    // Act
    const properties = asRecord(logGroup.Properties, 'LogGroup.Properties');

    // Assess
    expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
    expect(logGroup.DeletionPolicy).toBe('Retain');
    expect(properties.LogGroupName).toEqual({ 'Fn::Sub': `/aws/lambda/\${Function}` });
    expect(properties.RetentionInDays).toEqual({ Ref: 'LogRetentionInDays' });
    expect(asRecord(parameters.LogRetentionInDays, 'LogRetentionInDays')).toMatchObject({ Type: 'Number', Default: 90 });
  });

  it('answers CloudFormation within a ServiceTimeout above the function timeout', () => {
    // Prepare
    const keys = resourceOf(template, 'Keys');
    const properties = asRecord(keys.Properties, 'Keys.Properties');

    // Act
    const serviceTimeout = properties.ServiceTimeout as number;
    const functionTimeout = propertiesOf(template, 'Function').Timeout as number;

    // Assess
    expect(keys.Type).toBe('Custom::MultiRegionKmsKeys');
    expect(properties.ServiceToken).toEqual({ 'Fn::GetAtt': ['Function', 'Arn'] });
    expect(Number.isInteger(serviceTimeout)).toBe(true);
    expect(serviceTimeout).toBeGreaterThanOrEqual(1);
    expect(serviceTimeout).toBeLessThanOrEqual(3600);
    expect(serviceTimeout).toBeGreaterThan(functionTimeout);
    expect(keys.DependsOn).toEqual(expect.arrayContaining(['LogGroup', 'FunctionLoggingPolicy']));
  });

  it('reads in Outputs only attributes the sample returns, of its own keys and Regions', () => {
    // Prepare
    const properties = propertiesOf(template, 'Keys');
    const keys = asRecord(properties.CustomerMasterKeys, 'CustomerMasterKeys') as Record<string, { Region: string; ReplicaRegions?: string[] }>;
    const returnAttributes = properties.ReturnAttributes as string[];
    const outputs = Object.values(asRecord(template.Outputs, 'Outputs')) as { Value: unknown }[];

    // Act
    const attributes = outputs
      .map((output) => (output.Value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'])
      .filter((getAtt): getAtt is [string, string] => getAtt !== undefined && getAtt[0] === 'Keys')
      .map(([, attribute]) => attribute);

    // Assess
    expect(attributes.length).toBeGreaterThan(0);
    expect(attributes).toContain('KeyArns.us-east-1.cmk-prod');
    for (const attribute of attributes) {
      const [, region, name] = attribute.split('.');
      const key = keys[name!];
      expect(key).toBeDefined();
      expect([key!.Region, ...(key!.ReplicaRegions ?? [])]).toContain(region);
      expect(matchesReturnAttributes(attribute, returnAttributes)).toBe(true);
    }
  });
});

describe('Function: samconfig.toml', () => {
  const text = readFileSync(join(ROOT, 'samconfig.toml'), 'utf8');

  /** The `key = value` lines of one TOML table. */
  function table(name: string): Record<string, string> {
    const body = text.split(`[${name}]`)[1]?.split(/^\[/m)[0] ?? '';
    const entries = body
      .split('\n')
      .map((line) => /^([a-z0-9_]+)\s*=\s*(.+)$/.exec(line.trim()))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match): [string, string] => [match[1]!, match[2]!.replace(/^"(.*)"$/, '$1')]);
    return Object.fromEntries(entries);
  }

  it('deploys the template with the IAM capability, a managed bucket and a confirmed change set', () => {
    // Prepare, Act
    const deploy = table('default.deploy.parameters');

    // Assess
    expect(text).toMatch(/^version = 0\.1$/m);
    expect(deploy).toMatchObject({
      stack_name: 'multi-region-kms-keys',
      template_file: 'template.yaml',
      capabilities: 'CAPABILITY_IAM',
      resolve_s3: 'true',
      confirm_changeset: 'true',
    });
    expect(deploy.region).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
  });
});
