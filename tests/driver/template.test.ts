import { findCustomResources, parseTemplate, resolveResource, stringifyProperties, TemplateError } from '../../local/driver/index.ts';

const SAM_TEMPLATE = `
AWSTemplateFormatVersion: 2010-09-09
Transform: AWS::Serverless-2016-10-31
Parameters:
  Environment:
    Type: String
    Default: prod
    AllowedValues: [prod, stage]
  Window:
    Type: Number
    Default: 7
  Replicas:
    Type: CommaDelimitedList
    Default: "us-west-2, eu-west-1"
Conditions:
  IsProd: !Equals [!Ref Environment, prod]
  NotProd: !Not [!Condition IsProd]
Mappings:
  Teams:
    prod: { Owner: platform-team }
    stage: { Owner: qa-team }
Resources:
  Function:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: dist/handler
      Handler: index.handler
  Keys:
    Type: Custom::MultiRegionKmsKeys
    Properties:
      ServiceToken: !GetAtt Function.Arn
      AwsAccountId: !Ref AWS::AccountId
      DefaultDeletionWindowInDays: !Ref Window
      DefaultEnableKeyRotation: true
      GlobalTags:
        Owner: !FindInMap [Teams, !Ref Environment, Owner]
        Stack: !Sub "\${AWS::StackName}-\${Environment}"
        Literal: !Sub "\${!NotAVariable}"
      CustomerMasterKeys:
        cmk-prod:
          Region: !Ref AWS::Region
          ReplicaRegions: !Ref Replicas
          DeletionWindowInDays: 7
          Description: !Join [" ", [key, of, !Ref "AWS::StackName"]]
          FirstReplica: !Select [0, !Ref Replicas]
          CmkAdministratorIamArns:
            - !Sub "arn:\${AWS::Partition}:iam::\${AWS::AccountId}:user/admin"
            - !Sub
              - "arn:aws:iam::\${Account}:role/\${Name}"
              - { Account: "444455556666", Name: !If [IsProd, prod-admin, stage-admin] }
          Enabled: !If [NotProd, false, !Ref AWS::NoValue]
          Rotation: [true, 30, 1.0, "x"]
`;

describe('Function: resolveResource', () => {
  it('resolves short-form tags, parameters, pseudo parameters, conditions and mappings', () => {
    // Prepare
    const template = parseTemplate(SAM_TEMPLATE);

    // Act
    const resolved = resolveResource(template, { identity: { accountId: '111122223333', region: 'us-east-1', stackName: 'baseline' } });

    // Assess
    expect(resolved.logicalResourceId).toBe('Keys');
    expect(resolved.serviceToken).toMatch(/^arn:aws:lambda:us-east-1:111122223333:function:baseline-Function-[A-Za-z0-9]{12}$/);
    expect(resolved.functionName).toBe(resolved.serviceToken.split(':function:')[1]);
    expect(resolved.stackId).toMatch(/^arn:aws:cloudformation:us-east-1:111122223333:stack\/baseline\/[0-9a-f-]{36}$/);
    expect(resolved.properties).toEqual({
      ServiceToken: resolved.serviceToken,
      AwsAccountId: '111122223333',
      DefaultDeletionWindowInDays: '7',
      DefaultEnableKeyRotation: 'true',
      GlobalTags: { Owner: 'platform-team', Stack: 'baseline-prod', Literal: `\${NotAVariable}` },
      CustomerMasterKeys: {
        'cmk-prod': {
          Region: 'us-east-1',
          ReplicaRegions: ['us-west-2', 'eu-west-1'],
          DeletionWindowInDays: '7',
          Description: 'key of baseline',
          FirstReplica: 'us-west-2',
          CmkAdministratorIamArns: ['arn:aws:iam::111122223333:user/admin', 'arn:aws:iam::444455556666:role/prod-admin'],
          Rotation: ['true', '30', '1.0', 'x'],
        },
      },
    });
  });

  it('applies parameter overrides and conditions that follow them', () => {
    // Prepare
    const template = parseTemplate(SAM_TEMPLATE);

    // Act
    const resolved = resolveResource(template, { parameters: { Environment: 'stage', Window: '30' } });

    // Assess
    const key = (resolved.properties.CustomerMasterKeys as Record<string, Record<string, unknown>>)['cmk-prod']!;
    expect(key.Enabled).toBe('false');
    expect(key.CmkAdministratorIamArns).toEqual(['arn:aws:iam::111122223333:user/admin', 'arn:aws:iam::444455556666:role/stage-admin']);
    expect(resolved.properties.DefaultDeletionWindowInDays).toBe('30');
  });

  it('uses the partition and URL suffix of the Region', () => {
    // Prepare
    const template = parseTemplate(`
Resources:
  Fn: { Type: AWS::Lambda::Function, Properties: { FunctionName: !Sub "\${AWS::StackName}-fn" } }
  Keys:
    Type: Custom::MultiRegionKmsKeys
    Properties:
      ServiceToken: !GetAtt [Fn, Arn]
      Suffix: !Ref AWS::URLSuffix
      StackId: !Ref AWS::StackId
      FunctionName: !Ref Fn
`);

    // Act
    const resolved = resolveResource(template, { identity: { region: 'cn-north-1', accountId: '123456789012', stackName: 's' } });

    // Assess
    expect(resolved.serviceToken).toBe('arn:aws-cn:lambda:cn-north-1:123456789012:function:s-fn');
    expect(resolved.properties.Suffix).toBe('amazonaws.com.cn');
    expect(resolved.properties.StackId).toBe(resolved.stackId);
    expect(resolved.properties.FunctionName).toBe('s-fn');
  });

  it('reads JSON templates with long-form functions', () => {
    // Prepare
    const template = parseTemplate(
      JSON.stringify({
        Resources: {
          Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'mrkk' } },
          Keys: { Type: 'Custom::MultiRegionKmsKeys', Properties: { ServiceToken: { 'Fn::GetAtt': ['Fn', 'Arn'] }, Days: 30, On: false } },
        },
      }),
    );

    // Act
    const resolved = resolveResource(template);

    // Assess
    expect(resolved.properties).toEqual({ ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:mrkk', Days: '30', On: 'false' });
  });

  it('chooses the resource by logical ID when there are several', () => {
    // Prepare
    const template = parseTemplate(`
Resources:
  A: { Type: Custom::MultiRegionKmsKeys, Properties: { ServiceToken: arn:aws:lambda:us-east-1:111122223333:function:f, Name: a } }
  B: { Type: Custom::MultiRegionKmsKeys, Properties: { ServiceToken: arn:aws:lambda:us-east-1:111122223333:function:f, Name: b } }
`);

    // Act & Assess
    expect(findCustomResources(template)).toEqual(['A', 'B']);
    expect(() => resolveResource(template)).toThrow(/several resources .*A, B/);
    expect(resolveResource(template, { logicalId: 'B' }).properties.Name).toBe('b');
    expect(() => resolveResource(template, { logicalId: 'C' })).toThrow(TemplateError);
  });

  it('resolves GetAtt of other resources from what the caller knows', () => {
    // Prepare
    const template = parseTemplate(`
Resources:
  Role: { Type: AWS::IAM::Role, Properties: { RoleName: app, Path: /svc/ } }
  Other: { Type: Custom::Thing }
  Keys:
    Type: Custom::MultiRegionKmsKeys
    Properties:
      ServiceToken: arn:aws:lambda:us-east-1:111122223333:function:f
      User: !GetAtt Role.Arn
      Arn: !GetAtt Other.KeyArns.us-east-1.cmk-prod
      Dependencies: [!Ref Other]
`);

    // Act
    const resolved = resolveResource(template, { resources: { Other: { ref: 'other-id', attributes: { 'KeyArns.us-east-1.cmk-prod': 'arn:k' } } } });

    // Assess
    expect(resolved.properties.User).toBe('arn:aws:iam::111122223333:role/svc/app');
    expect(resolved.properties.Arn).toBe('arn:k');
    expect(resolved.properties.Dependencies).toEqual(['other-id']);
  });

  it('names the path of an unsupported function, an unknown tag and a null value', () => {
    // Prepare
    const withTransform = parseTemplate(`
Resources:
  Keys:
    Type: Custom::MultiRegionKmsKeys
    Properties:
      ServiceToken: arn:aws:lambda:us-east-1:111122223333:function:f
      CustomerMasterKeys:
        cmk: { Region: !Transform { Name: AWS::Include } }
`);
    const withNull = parseTemplate(`
Resources:
  Keys:
    Type: Custom::MultiRegionKmsKeys
    Properties:
      ServiceToken: arn:aws:lambda:us-east-1:111122223333:function:f
      CustomerMasterKeys:
        cmk: { Region: null }
`);

    // Act & Assess
    expect(() => resolveResource(withTransform)).toThrow(
      '[/Resources/Keys/Properties/CustomerMasterKeys/cmk/Region/Fn::Transform] Fn::Transform is not supported by the local driver',
    );
    expect(() => resolveResource(withNull)).toThrow("[/Resources/Keys/Properties/CustomerMasterKeys/cmk/Region] 'null' values are not allowed in templates");
    expect(resolveResource(withNull, { nulls: 'keep' }).properties.CustomerMasterKeys).toEqual({ cmk: { Region: null } });
    expect(() => parseTemplate('Resources:\n  X: !Bogus y\n')).toThrow('[/Resources/X] unknown tag !Bogus');
  });

  it('refuses missing, unknown and disallowed parameter values as CloudFormation does', () => {
    // Prepare
    const template = parseTemplate(`
Parameters:
  Required: { Type: String }
  Env: { Type: String, Default: prod, AllowedValues: [prod] }
Resources:
  Keys: { Type: Custom::MultiRegionKmsKeys, Properties: { ServiceToken: !Ref Required } }
`);

    // Act & Assess
    expect(() => resolveResource(template)).toThrow('Parameters: [Required] must have values');
    expect(() => resolveResource(template, { parameters: { Required: 'x', Nope: 'y' } })).toThrow('Parameters: [Nope] do not exist in the template');
    expect(() => resolveResource(template, { parameters: { Required: 'x', Env: 'dev' } })).toThrow("Parameter 'Env' must be one of AllowedValues");
    expect(resolveResource(template, { parameters: { Required: 'arn:x' } }).serviceToken).toBe('arn:x');
  });

  it('refuses a resource without a ServiceToken and a Ref to nothing', () => {
    // Prepare
    const noToken = parseTemplate('Resources:\n  Keys: { Type: Custom::MultiRegionKmsKeys, Properties: { A: b } }\n');
    const badRef = parseTemplate('Resources:\n  Keys: { Type: Custom::MultiRegionKmsKeys, Properties: { ServiceToken: !Ref Nowhere } }\n');

    // Act & Assess
    expect(() => resolveResource(noToken)).toThrow('[/Resources/Keys/Properties/ServiceToken]');
    expect(() => resolveResource(badRef)).toThrow('Ref to Nowhere: no such parameter, pseudo parameter or resource');
  });
});

describe('Function: stringifyProperties', () => {
  it('turns every scalar into a string, recursively, as CloudFormation does', () => {
    // Act
    const result = stringifyProperties({ a: true, b: 30, c: [false, 1.5, { d: 7 }], e: 'x', f: undefined });

    // Assess
    expect(result).toEqual({ a: 'true', b: '30', c: ['false', '1.5', { d: '7' }], e: 'x' });
  });

  it('refuses null with the path', () => {
    // Act & Assess
    expect(() => stringifyProperties({ Keys: { k: { Region: null } } })).toThrow("[/Properties/Keys/k/Region] 'null' values are not allowed in templates");
  });
});
