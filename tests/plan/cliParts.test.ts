import { KmsError, ValidationError } from '../../lib/errors.ts';
import { ownerOf, ownershipTags } from '../../lib/ownership.ts';
import { buildKeyPolicy } from '../../lib/policy/index.ts';
import { parseProperties } from '../../lib/properties/index.ts';
import type { ActualKey } from '../../lib/types.ts';
import { TemplateError } from '../../local/driver/index.ts';
import { parsePlanArgs, UsageError } from '../../local/plan/args.ts';
import { errorLine } from '../../local/plan/errorLine.ts';
import { executionRoleFromPolicies, executionRoleNote, roleInPolicy } from '../../local/plan/executionRole.ts';
import { parseStackId } from '../../local/plan/stackTemplate.ts';
import { ACCOUNT_ID, CONTEXT, STACK_ID } from '../properties/fixtures.ts';

describe('Function: parsePlanArgs', () => {
  it('reads every option, repeated ones into maps', () => {
    // Act
    const args = parsePlanArgs([
      '--template',
      't.yaml',
      '--stack-id=arn:aws:cloudformation:us-east-1:111122223333:stack/s/1',
      '--param',
      'Env=prod',
      '--param',
      'List=a,b=c',
      '--import',
      'shared-ServiceToken=arn:x',
      '--get-att',
      'Role.Arn=arn:aws:iam::111122223333:role/r',
      '--ref',
      'Bucket=my-bucket',
      '--resource',
      'Keys',
      '--previous-template',
      'deployed.yaml',
      '--json',
      '--drift',
    ]);

    // Assess
    expect(args).toEqual({
      template: 't.yaml',
      stackId: 'arn:aws:cloudformation:us-east-1:111122223333:stack/s/1',
      resource: 'Keys',
      previousTemplate: 'deployed.yaml',
      parameters: { Env: 'prod', List: 'a,b=c' },
      imports: { 'shared-ServiceToken': 'arn:x' },
      refs: { Bucket: 'my-bucket' },
      getAtts: { Role: { Arn: 'arn:aws:iam::111122223333:role/r' } },
      drift: true,
      json: true,
      help: false,
    });
  });

  it.each([
    [['--template', 't.yaml'], '--stack-id STACK_ARN is required (see --help)'],
    [['--stack-id', 'x'], '--template FILE is required (see --help)'],
    [['--template'], '--template needs a value'],
    [['--templte', 't.yaml'], 'unknown argument --templte (see --help)'],
    [['--param', 'NoEquals'], '--param needs Name=Value, got "NoEquals"'],
    [['--param', 'A=1', '--param', 'A=2'], '--param A given twice'],
    [['--get-att', 'Role=x'], '--get-att needs LogicalId.Attribute=Value, got "Role=x"'],
    [['--json=yes'], '--json takes no value'],
    [
      ['--template', 't', '--stack-id', 's', '--execution-role-arn', 'my-role'],
      '--execution-role-arn must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME), got "my-role"',
    ],
    [
      ['--template', 't', '--stack-id', 's'],
      '--previous-template FILE is required: the deployed template, whose properties the Update carries as OldResourceProperties (aws cloudformation get-template); or --drift when --template is the deployed template',
    ],
  ])('refuses %j', (argv, message) => {
    expect(() => parsePlanArgs(argv)).toThrow(new UsageError(message));
  });
});

describe('Function: parseStackId', () => {
  it('takes account, Region, stack name and partition from the ARN', () => {
    expect(parseStackId('arn:aws-cn:cloudformation:cn-north-1:111122223333:stack/base-line/0f0e0d0c-1111')).toEqual({
      stackId: 'arn:aws-cn:cloudformation:cn-north-1:111122223333:stack/base-line/0f0e0d0c-1111',
      partition: 'aws-cn',
      identity: { accountId: '111122223333', region: 'cn-north-1', stackName: 'base-line' },
    });
    expect(() => parseStackId('base-line')).toThrow('--stack-id must be a CloudFormation stack ARN');
  });
});

describe('Function: executionRoleFromPolicies', () => {
  const owner = ownerOf(STACK_ID, 'Keys');
  const keyOf = (
    keyId: string,
    policy: string | null,
    tags = ownershipTags(owner, 'cmk', { removalPolicy: 'Delete', deletionWindowInDays: 30 }),
  ): ActualKey => ({
    region: 'us-east-1',
    keyId,
    arn: `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/${keyId}`,
    state: 'Enabled',
    spec: 'SYMMETRIC_DEFAULT',
    keyUsage: 'ENCRYPT_DECRYPT',
    multiRegion: false,
    role: null,
    primaryRegion: null,
    replicaRegions: [],
    description: '',
    policy,
    tags,
    rotation: null,
    deletionDate: null,
  });
  const generated = (executionRoleArn: string) => {
    const [key] = parseProperties({ AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: { cmk: {} } }, { accountId: ACCOUNT_ID }).keys;
    return buildKeyPolicy(key!, { ...CONTEXT, executionRoleArn });
  };

  it('finds the role in the statement the product generates, the most common one first', () => {
    // Prepare
    const role = `arn:aws:iam::${ACCOUNT_ID}:role/baseline-FunctionRole-AbC123`;
    const other = `arn:aws:iam::${ACCOUNT_ID}:role/old-function`;
    const actual = {
      keys: [
        keyOf('k1', generated(role)),
        keyOf('k2', generated(role)),
        keyOf('k3', generated(other)),
        keyOf('k4', null),
        keyOf('k5', generated(`arn:aws:iam::${ACCOUNT_ID}:role/someone-elses`), {}),
      ],
      aliases: [],
    };

    // Act
    const found = executionRoleFromPolicies(actual, owner);

    // Assess
    expect(roleInPolicy(generated(role))).toBe(role);
    expect(found).toEqual({ arn: role, foundIn: { keys: 2, of: 3 }, others: [other] });
    expect(executionRoleNote({ ...found!, source: 'keyPolicies' })).toBe(
      `Execution role: ${role} (found in 2 of 3 key policies; other policies name ${other})`,
    );
  });

  it('finds nothing in policies without that statement', () => {
    expect(executionRoleFromPolicies({ keys: [keyOf('k1', '{"Statement":[]}'), keyOf('k2', 'not json')], aliases: [] }, owner)).toBeNull();
  });
});

describe('Function: errorLine', () => {
  it.each([
    [
      new KmsError('AccessDeniedException', 'User: x is not authorized to perform: kms:ListKeys', { context: { region: 'eu-west-1', action: 'ListKeys' } }),
      'access denied (ListKeys in eu-west-1): User: x is not authorized to perform: kms:ListKeys (the plan needs the read-only permissions of docs/plan.md)',
    ],
    [
      new KmsError('CredentialsProviderError', 'Could not load credentials from any providers'),
      'no AWS credentials: Could not load credentials from any providers (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)',
    ],
    [
      new KmsError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1', { context: { action: 'ListRegions' } }),
      'cannot reach the AWS endpoint (ListRegions): ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1 (check AWS_REGION, AWS_ENDPOINT_URL, the network)',
    ],
    [
      new ValidationError([
        { path: 'CustomerMasterKeys.a.Spec', message: 'unknown' },
        { path: 'AwsAccountId', message: 'required' },
      ]),
      'invalid properties: CustomerMasterKeys.a.Spec: unknown; AwsAccountId: required',
    ],
    [new TemplateError('/Resources', 'a template needs a Resources map'), 'template: [/Resources] a template needs a Resources map'],
    [new Error('first line\n    at somewhere (file.ts:1:1)'), 'first line at somewhere (file.ts:1:1)'],
  ])('%s', (error, line) => {
    expect(errorLine(error)).toBe(line);
  });
});
