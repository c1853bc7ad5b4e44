/**
 * The construct, synthesized: every prop in the resource's spelling, the computed ReturnAttributes,
 * kms.IKey, every grant method, synth-time validation with camelCase paths, the answer-size check,
 * and both providers (the stack's default function from template.yaml, and fromServiceToken).
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { MultiRegionKmsKeys, type MultiRegionKmsKeysProps, MultiRegionKmsKeysProvider } from '../../cdk/src/index.ts';

const ACCOUNT = '111122223333';

function stackOf(): Stack {
  return new Stack(new App(), 'Keys', { env: { account: ACCOUNT, region: 'us-east-1' } });
}

function keysOf(stack: Stack, props: Partial<MultiRegionKmsKeysProps> = {}): MultiRegionKmsKeys {
  return new MultiRegionKmsKeys(stack, 'Keys', {
    customerMasterKeys: { 'cmk-prod': { region: 'us-east-1', replicaRegions: ['eu-west-1'] } },
    ...props,
  });
}

function customResource(template: Template): Record<string, unknown> {
  const [resource] = Object.values(template.findResources('Custom::MultiRegionKmsKeys')) as { Properties: Record<string, unknown> }[];
  return resource!.Properties;
}

describe('Construct: MultiRegionKmsKeys', () => {
  it('writes every prop in the resource spelling, tokens included', () => {
    // Prepare
    const stack = stackOf();
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    const statement = { Sid: 'AllowLogs', Effect: 'Allow', Principal: { Service: 'logs.amazonaws.com' }, Action: ['kms:Encrypt'], Resource: '*' };

    // Act
    keysOf(stack, {
      customerMasterKeys: {
        'cmk-prod': {
          region: 'us-east-1',
          replicaRegions: ['eu-west-1'],
          multiRegion: true,
          cmkAdministratorIamArns: [admin.roleArn],
          cmkUserIamArns: [
            { name: [`arn:aws:iam::${ACCOUNT}:role/app`], conditions: [{ test: 'StringEquals', variable: 'kms:CallerAccount', values: [ACCOUNT] }] },
          ],
          cmkReadOnlyUserIamArns: [`arn:aws:iam::${ACCOUNT}:role/reader`],
          cmkDescribeOnlyUserIamArns: [`arn:aws:iam::${ACCOUNT}:role/describer`],
          cmkExternalUserIamArns: ['arn:aws:iam::444455556666:root'],
          cmkServicePrincipals: [{ name: 's3.amazonaws.com', actions: ['kms:Decrypt'] }],
          allowManageKeyPermissionsWithIam: false,
          deletionWindowInDays: 7,
          enableKeyRotation: true,
          rotationPeriodInDays: 180,
          spec: 'SYMMETRIC_DEFAULT',
          keyUsage: 'ENCRYPT_DECRYPT',
          description: 'prod',
          enabled: true,
          tags: { Environment: 'prod' },
          removalPolicy: 'Retain',
          allowReplacement: false,
          policyStatements: [statement],
          aliases: ['prod-v2'],
          grants: {
            app: {
              granteePrincipal: `arn:aws:iam::${ACCOUNT}:role/app`,
              grantedOperations: ['Decrypt'],
              constraints: { encryptionContextSubset: { 'my.Key': 'x' } },
            },
          },
        },
      },
      defaultCustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      defaultDeletionWindowInDays: 30,
      defaultEnableKeyRotation: true,
      defaultRotationPeriodInDays: 365,
      globalTags: { Owner: 'platform', 'aws.style:key': 'kept as written' },
      optInRegions: ['us-east-1', 'eu-west-1'],
      adoptExistingKeys: false,
      dependencies: [],
      defaultPolicyStatements: [],
      serviceTimeout: Duration.seconds(1000),
    });

    // Assess
    const properties = customResource(Template.fromStack(stack));
    expect(properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [expect.stringMatching(/^MultiRegionKmsKeysProviderFunction/), 'Arn'] },
      ServiceTimeout: 1000,
      AwsAccountId: { Ref: 'AWS::AccountId' },
      CustomerMasterKeys: {
        'cmk-prod': {
          Region: 'us-east-1',
          ReplicaRegions: ['eu-west-1'],
          MultiRegion: true,
          CmkAdministratorIamArns: [{ 'Fn::GetAtt': [expect.stringMatching(/^Admin/), 'Arn'] }],
          CmkUserIamArns: [
            { Name: [`arn:aws:iam::${ACCOUNT}:role/app`], Conditions: [{ Test: 'StringEquals', Variable: 'kms:CallerAccount', Values: [ACCOUNT] }] },
          ],
          CmkReadOnlyUserIamArns: [`arn:aws:iam::${ACCOUNT}:role/reader`],
          CmkDescribeOnlyUserIamArns: [`arn:aws:iam::${ACCOUNT}:role/describer`],
          CmkExternalUserIamArns: ['arn:aws:iam::444455556666:root'],
          CmkServicePrincipals: [{ Name: 's3.amazonaws.com', Actions: ['kms:Decrypt'] }],
          AllowManageKeyPermissionsWithIam: false,
          DeletionWindowInDays: 7,
          EnableKeyRotation: true,
          RotationPeriodInDays: 180,
          Spec: 'SYMMETRIC_DEFAULT',
          KeyUsage: 'ENCRYPT_DECRYPT',
          Description: 'prod',
          Enabled: true,
          Tags: { Environment: 'prod' },
          RemovalPolicy: 'Retain',
          AllowReplacement: false,
          PolicyStatements: [statement],
          Aliases: ['prod-v2'],
          Grants: {
            app: {
              GranteePrincipal: `arn:aws:iam::${ACCOUNT}:role/app`,
              GrantedOperations: ['Decrypt'],
              Constraints: { EncryptionContextSubset: { 'my.Key': 'x' } },
            },
          },
        },
      },
      DefaultCustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      DefaultDeletionWindowInDays: 30,
      DefaultEnableKeyRotation: true,
      DefaultRotationPeriodInDays: 365,
      GlobalTags: { Owner: 'platform', 'aws.style:key': 'kept as written' },
      OptInRegions: ['us-east-1', 'eu-west-1'],
      AdoptExistingKeys: false,
      Dependencies: [],
      DefaultPolicyStatements: [],
      ReturnAttributes: [],
    });
  });

  it('computes ReturnAttributes from what the app reads, and gives kms.IKeys', () => {
    // Prepare
    const stack = stackOf();
    const keys = keysOf(stack);

    // Act
    const arn = keys.keyArn('cmk-prod', 'eu-west-1');
    keys.keyId('cmk-prod');
    keys.keyAlias('cmk-prod', 'us-east-1');
    keys.attribute('InvalidCmkInputs');
    const key = keys.key('cmk-prod', 'eu-west-1');
    new sqs.Queue(stack, 'Queue', { encryptionMasterKey: key });

    // Assess
    expect(keys.key('cmk-prod', 'eu-west-1')).toBe(key);
    expect(stack.resolve(arn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Keys/), 'KeyArns.eu-west-1.cmk-prod'] });
    const template = Template.fromStack(stack);
    expect(customResource(template).ReturnAttributes).toEqual([
      'InvalidCmkInputs',
      'KeyAliases.us-east-1.cmk-prod',
      'KeyArns.eu-west-1.cmk-prod',
      'KeyIds.us-east-1.cmk-prod',
    ]);
    expect(Object.values(template.findResources('AWS::SQS::Queue'))[0]!.Properties.KmsMasterKeyId).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^Keys/), 'KeyArns.eu-west-1.cmk-prod'],
    });
  });

  it('refuses at once a read of a key or Region the props do not have', () => {
    const keys = keysOf(stackOf());
    expect(() => keys.keyArn('cmk-typo', 'us-east-1')).toThrow('customerMasterKeys has no key cmk-typo (it has cmk-prod)');
    expect(() => keys.keyArn('cmk-prod', 'ap-south-1')).toThrow('customerMasterKeys.cmk-prod is not in ap-south-1: it is in us-east-1, eu-west-1');
  });

  it('fails the synth when the attributes read would not fit in 4,096 bytes', () => {
    // Prepare
    const stack = stackOf();
    const names = Array.from({ length: 40 }, (_, i) => `key-${i}`);
    const keys = new MultiRegionKmsKeys(stack, 'Keys', { customerMasterKeys: Object.fromEntries(names.map((name) => [name, { region: 'us-east-1' }])) });

    // Act
    for (const name of names) keys.keyArn(name);

    // Assess
    expect(() => Template.fromStack(stack)).toThrow(
      /ReturnAttributes: the 40 attribute\(s\) this app reads make an answer of \d+ bytes, over CloudFormation's limit of 4096/,
    );
  });

  it('fails the synth with the function own messages at camelCase paths, and leaves tokens to the function', () => {
    // Prepare
    const stack = stackOf();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    new MultiRegionKmsKeys(stack, 'Keys', {
      customerMasterKeys: {
        'cmk-prod': {
          region: 'us-east-1',
          deletionWindowInDays: 3,
          cmkUserIamArns: [role.roleArn, { name: ['arn:aws:iam::1:role/x'] }],
          tags: { 'aws:x': 'y' },
        },
      },
      defaultRotationPeriodInDays: 10,
    });

    // Act
    const synth = () => Template.fromStack(stack);

    // Assess
    expect(synth).toThrow('customerMasterKeys.cmk-prod.deletionWindowInDays: must be 7–30, got 3');
    expect(synth).toThrow('customerMasterKeys.cmk-prod.cmkUserIamArns[1].name[0]: must be an IAM ARN');
    expect(synth).toThrow('customerMasterKeys.cmk-prod.tags.aws:x: the tag key prefix aws: is reserved for AWS');
    expect(synth).toThrow('defaultRotationPeriodInDays: must be 90–2560, got 10');
    expect(synth).not.toThrow(/cmkUserIamArns\[0\]/);
  });
});

describe('Construct: grants', () => {
  function granted(grant: (keys: MultiRegionKmsKeys, role: iam.Role) => void) {
    const stack = stackOf();
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const keys = keysOf(stack, {
      customerMasterKeys: { 'cmk-prod': { region: 'us-east-1', replicaRegions: ['eu-west-1'] }, 'cmk-local': { region: 'us-west-2' }, 'cmk-each': {} },
    });
    grant(keys, role);
    const template = Template.fromStack(stack);
    const policy = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^App') }] } }))[0] as {
      Properties: { PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] } };
    };
    return {
      keys: customResource(template).CustomerMasterKeys as Record<string, Record<string, unknown>>,
      statements: policy.Properties.PolicyDocument.Statement,
      stack,
    };
  }
  const roleArn = { 'Fn::GetAtt': [expect.stringMatching(/^App/), 'Arn'] };
  const everyRegion = {
    'Fn::Join': [
      '',
      ['arn:', { Ref: 'AWS::Partition' }, ':kms:*:', { Ref: 'AWS::AccountId' }, ':key/', { 'Fn::GetAtt': [expect.any(String), 'KeyIds.us-east-1.cmk-prod'] }],
    ],
  };

  it('grantEncryptDecrypt: CmkUserIamArns in the key policy, the key in every Region in the principal policy', () => {
    const { keys, statements } = granted((k, role) => k.grantEncryptDecrypt(role, 'cmk-prod'));
    expect(keys['cmk-prod']!.CmkUserIamArns).toEqual([roleArn]);
    expect(statements).toEqual([
      expect.objectContaining({ Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'], Resource: everyRegion }),
    ]);
  });

  it('grantDecrypt: CmkReadOnlyUserIamArns, kms:Decrypt', () => {
    const { keys, statements } = granted((k, role) => k.grantDecrypt(role, 'cmk-local'));
    expect(keys['cmk-local']!.CmkReadOnlyUserIamArns).toEqual([roleArn]);
    expect(statements).toEqual([
      expect.objectContaining({ Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [expect.any(String), 'KeyArns.us-west-2.cmk-local'] } }),
    ]);
  });

  it('grantEncrypt: a PolicyStatements entry with exactly the encrypt actions', () => {
    const { keys, statements } = granted((k, role) => k.grantEncrypt(role, 'cmk-prod'));
    expect(keys['cmk-prod']!.PolicyStatements).toEqual([
      {
        Sid: 'CdkGrantEncrypt1',
        Effect: 'Allow',
        Principal: { AWS: [roleArn] },
        Action: ['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
        Resource: '*',
      },
    ]);
    expect(keys['cmk-prod']!.CmkUserIamArns).toBeUndefined();
    expect(statements).toEqual([expect.objectContaining({ Action: ['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'], Resource: everyRegion })]);
  });

  it('grant(grantee, key, ...actions): those actions in the key policy and the principal policy; Region-less keys need regions', () => {
    const { keys, statements } = granted((k, role) => {
      k.grant(role, 'cmk-prod', 'kms:Sign', 'kms:Verify');
      expect(() => k.grantDecrypt(role, 'cmk-each')).toThrow('customerMasterKeys.cmk-each has no fixed region');
      k.grantDecrypt(role, 'cmk-each', { regions: ['eu-west-1'] });
    });
    expect(keys['cmk-prod']!.PolicyStatements).toEqual([expect.objectContaining({ Sid: 'CdkGrantActions1', Action: ['kms:Sign', 'kms:Verify'] })]);
    expect(keys['cmk-each']!.CmkReadOnlyUserIamArns).toEqual([roleArn]);
    expect(statements).toEqual([
      expect.objectContaining({ Action: ['kms:Sign', 'kms:Verify'], Resource: everyRegion }),
      expect.objectContaining({ Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [expect.any(String), 'KeyArns.eu-west-1.cmk-each'] } }),
    ]);
  });

  it('refuses a grantee without an IAM ARN', () => {
    const keys = keysOf(stackOf());
    expect(() => keys.grantDecrypt(new iam.ServicePrincipal('s3.amazonaws.com'), 'cmk-prod')).toThrow('needs an IAM principal');
  });
});

describe('Construct: provider', () => {
  it('makes one function per stack, with template.yaml settings, before the resources', () => {
    // Prepare
    const stack = stackOf();

    // Act
    keysOf(stack);
    new MultiRegionKmsKeys(stack, 'More', { customerMasterKeys: {} });

    // Assess
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 1769,
      Timeout: 900,
      Handler: 'index.handler',
      Environment: {
        Variables: { EXECUTION_ROLE_ARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('FunctionRole'), 'Arn'] }, NODE_OPTIONS: '--enable-source-maps' },
      },
    });
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain', Properties: { RetentionInDays: 90 } });
    for (const resource of Object.values(template.findResources('Custom::MultiRegionKmsKeys'))) {
      expect(resource.DependsOn).toEqual([expect.stringMatching(/FunctionLoggingPolicy/), expect.stringMatching(/LogGroup/)]);
    }
  });

  it('takes the ServiceToken of a deployed function instead', () => {
    // Prepare
    const stack = stackOf();
    const token = 'arn:aws:lambda:us-east-1:111122223333:function:multi-region-kms-keys-Function';

    // Act
    keysOf(stack, { provider: MultiRegionKmsKeysProvider.fromServiceToken(token) });

    // Assess
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Function', 0);
    expect(customResource(template)).toEqual(expect.objectContaining({ ServiceToken: token, ServiceTimeout: 960 }));
  });

  it('maps template parameters to props and refuses unknown or disallowed values', () => {
    const stack = stackOf();
    keysOf(stack, { providerProps: { allowAdoptingExistingKeys: true, logRetentionInDays: 30 } });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.hasResourceProperties('AWS::IAM::Role', {
      Policies: [
        { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AdoptExistingKeys' }), Match.objectLike({ Sid: 'ReleaseAdoptedKeys' })]) } },
      ],
    });
    expect(() => keysOf(stackOf(), { providerProps: { logRetentionInDays: 31 } })).toThrow('templateParameters.LogRetentionInDays: must be one of');
    expect(() => keysOf(stackOf(), { providerProps: { templateParameters: { Nope: 'x' } } })).toThrow('template.yaml has no such parameter');
  });
});
