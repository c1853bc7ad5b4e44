/**
 * The preview's pure parts: options, the template's Fn::GetAtt reads, the exact ReturnAttributes
 * advice (the product's own size arithmetic), progress lines, call counts with throttling apart,
 * and summaries of long tables.
 */
import { ownerOf } from '../../lib/ownership.ts';
import { buildResponseBody } from '../../lib/request/response.ts';
import { DEFAULT_IDENTITY, parseTemplate, resolveResource, stackIdOf } from '../../local/driver/index.ts';
import type { EmulatorCounts } from '../../local/emulator/client.ts';
import { DEFAULT_ENABLED_REGIONS } from '../../local/emulator/index.ts';
import { parseArgs, UsageError } from '../../local/preview/args.ts';
import { contextOf } from '../../local/preview/context.ts';
import { attributeReadsOf } from '../../local/preview/getAttReads.ts';
import { progressLine } from '../../local/preview/progress.ts';
import { readmeSamples, selectSections } from '../../local/preview/readmeSamples.ts';
import { attributesReport, callsReport } from '../../local/preview/report.ts';
import { resourcePoliciesOf, retainsOnDelete } from '../../local/preview/resourcePolicies.ts';
import { adviseReturnAttributes } from '../../local/preview/returnAttributes.ts';

const counts = (patch: Partial<EmulatorCounts>): EmulatorCounts => ({
  byOperation: {},
  byRegionOperation: {},
  throttled: 0,
  throttledByOperation: {},
  mutations: 0,
  injectedFaults: 0,
  ...patch,
});

describe('Function: parseArgs', () => {
  it('reads every option, repeatable ones included, and refuses what it does not know', () => {
    // Act
    const options = parseArgs(['--template', 'a.yaml', '--update', 'b.yaml', '--param', 'A=1=2', '--import', 'X=y', '--all', '--show-policy']);

    // Assess
    expect(options).toEqual({
      template: 'a.yaml',
      update: 'b.yaml',
      parameters: { A: '1=2' },
      imports: { X: 'y' },
      all: true,
      showPolicy: true,
      help: false,
      keep: false,
      realism: {},
    });
    expect(parseArgs(['--endpoint', 'http://127.0.0.1:4566/', '--keep'])).toMatchObject({ endpoint: 'http://127.0.0.1:4566', keep: true });
    expect(() => parseArgs(['--keep'])).toThrow(new UsageError('--keep needs --endpoint URL: an embedded emulator ends with the preview'));
    expect(() => parseArgs(['--endpoint', 'localhost'])).toThrow(new UsageError('--endpoint must be a URL such as http://127.0.0.1:4566, got "localhost"'));
    expect(() => parseArgs(['--endpoint', 'http://127.0.0.1:4566', '--updating-ms', '20'])).toThrow(
      new UsageError('the realism flags configure an embedded emulator: with --endpoint, give them to npm run emulator'),
    );
    expect(parseArgs(['--consistency-delay-ms', '500', '--updating-ms', '20']).realism).toEqual({ consistencyDelayMs: 500, updatingMs: 20 });
    expect(() => parseArgs(['--updating-ms', '-1'])).toThrow(new UsageError('updatingMs must be a number ≥ 0'));
    expect(() => parseArgs(['--scp'])).toThrow(new UsageError('--scp needs a value'));
    expect(parseArgs(['-h']).help).toBe(true);
    expect(() => parseArgs(['--import', 'novalue'])).toThrow(new UsageError('--import expects Name=Value, got "novalue"'));
    expect(() => parseArgs(['--resource', '--all'])).toThrow('--resource needs a value');
  });
});

describe('Function: attributeReadsOf', () => {
  it('finds Fn::GetAtt of both forms and Fn::Sub references in Resources and Outputs, each once', () => {
    // Prepare
    const template = parseTemplate(`
Resources:
  Keys: { Type: Custom::MultiRegionKmsKeys, Properties: { Self: !GetAtt Keys.KeyArns.x.y } }
  Bucket: { Type: AWS::S3::Bucket, Properties: { Key: !GetAtt Keys.KeyArns.us-east-1.a, Other: !GetAtt Function.Arn } }
Outputs:
  A: { Value: !GetAtt [Keys, KeyIds.us-east-1.a] }
  B: { Value: !Sub 'key \${Keys.KeyArns.us-east-1.a} and \${!Keys.Literal} in \${AWS::Region}' }
  C: { Value: !Join ['', [!GetAtt Keys.InvalidCmkInputs]] }
`);

    // Act
    const reads = attributeReadsOf(template, 'Keys');

    // Assess
    expect(reads).toEqual([
      { attribute: 'InvalidCmkInputs', path: '/Outputs/C/Value/Fn::Join/1/0/Fn::GetAtt' },
      { attribute: 'KeyArns.us-east-1.a', path: '/Resources/Bucket/Properties/Key/Fn::GetAtt' },
      { attribute: 'KeyIds.us-east-1.a', path: '/Outputs/A/Value/Fn::GetAtt' },
    ]);
  });
});

describe('Function: adviseReturnAttributes', () => {
  it('sizes the answer with the product’s arithmetic: the exact list the template reads, and the current selection', () => {
    // Prepare
    const template = parseTemplate(`
Resources:
  Keys:
    Type: Custom::MultiRegionKmsKeys
    Properties:
      ServiceToken: arn:aws:lambda:us-east-1:111122223333:function:f
      AwsAccountId: '111122223333'
      CustomerMasterKeys:
        a: { Region: us-east-1, ReplicaRegions: [eu-west-1] }
`);
    const resolved = resolveResource(template);
    const context = contextOf(resolved);
    const requestId = '00000000-0000-4000-8000-000000000000';

    // Act
    const advice = adviseReturnAttributes({ properties: resolved.properties, context, enabledRegions: [...DEFAULT_ENABLED_REGIONS], requestId }, [
      'KeyArns.eu-west-1.a',
      'KeyArns.us-west-3.a',
    ]);

    // Assess: the size is the body the product would send with that one attribute.
    const body = buildResponseBody({
      Status: 'SUCCESS',
      PhysicalResourceId: ownerOf(context.stackId, 'Keys').ownerId,
      StackId: stackIdOf(DEFAULT_IDENTITY),
      RequestId: requestId,
      LogicalResourceId: 'Keys',
      Data: { 'KeyArns.eu-west-1.a': `arn:aws:kms:eu-west-1:111122223333:key/mrk-${'0'.repeat(32)}` },
    });
    expect(advice).toMatchObject({ covering: ['KeyArns.eu-west-1.a'], neverReturned: ['KeyArns.us-west-3.a'], limit: 4096 });
    expect(advice!.coveringBytes).toBe(Buffer.byteLength(body));
    expect(advice!.currentBytes).toBeGreaterThan(advice!.coveringBytes);
  });
});

describe('Function: progressLine and callsReport', () => {
  it('counts requests per Region since the baseline and says how many were throttled', () => {
    // Prepare
    const before = counts({ byRegionOperation: { 'us-east-1': { CreateKey: 2 } }, throttled: 1 });
    const now = counts({ byRegionOperation: { 'us-east-1': { CreateKey: 10, CreateAlias: 4 }, 'eu-west-1': { ListKeys: 1 } }, throttled: 4 });

    // Act & Assess
    expect(progressLine('Create', 4_200, before, now)).toBe('   … Create, 4 s: 13 KMS requests (eu-west-1 1, us-east-1 12; 3 of them throttled and retried)');
  });

  it('lists served mutating calls and, apart, the throttled ones', () => {
    // Prepare
    const before = counts({ byOperation: { CreateKey: 1 } });
    const after = counts({ byOperation: { CreateKey: 9, ListKeys: 3, TagResource: 2 }, throttledByOperation: { CreateKey: 3 } });

    // Act & Assess
    expect(callsReport(before, after)).toBe('CreateKey×5, TagResource×2; throttled and retried (not counted above): CreateKey×3');
    expect(callsReport(after, after)).toBe('none');
  });
});

describe('Function: attributesReport and resourcePoliciesOf', () => {
  it('summarises more than 40 attributes per family unless --all', () => {
    // Prepare
    const data = Object.fromEntries(Array.from({ length: 45 }, (_, i) => [`KeyArns.r-${String(i).padStart(2, '0')}.k`, `arn-${i}`]));

    // Act
    const summary = attributesReport({ ...data, InvalidCmkInputs: '' }, false);
    const full = attributesReport(data, true);

    // Assess
    expect(summary).toContain('… 46 attributes in all (InvalidCmkInputs 1, KeyArns 45); --all prints every one');
    expect(summary.split('\n')).toHaveLength(13);
    expect(full.split('\n')).toHaveLength(47);
  });

  it('reads DeletionPolicy and UpdateReplacePolicy, Delete by default', () => {
    // Prepare
    const template = parseTemplate('Resources:\n  A: { Type: X, DeletionPolicy: RetainExceptOnCreate }\n  B: { Type: X }\n');

    // Act & Assess
    expect(resourcePoliciesOf(template, 'A')).toEqual({ deletionPolicy: 'RetainExceptOnCreate', updateReplacePolicy: 'Delete' });
    expect(retainsOnDelete(resourcePoliciesOf(template, 'A'))).toBe(true);
    expect(retainsOnDelete(resourcePoliciesOf(template, 'B'))).toBe(false);
  });
});

describe('Function: selectSections and readmeSamples', () => {
  it('picks the listed sections of an output in order, without progress lines', () => {
    // Prepare
    const output = [
      '== Create: SUCCESS',
      '   … Create, 2 s: 9 KMS requests',
      '   KMS calls made: none',
      '',
      'Region  alias',
      'us-east-1  a',
      '',
      '== Update: SUCCESS',
      '',
      'Region  alias',
      'x',
    ].join('\n');
    const readme = `<!-- output of: --template a.yaml; sections: == Create, == Update -->\n\`\`\`text\n== Create: SUCCESS\n\`\`\`\n`;

    // Act & Assess
    expect(selectSections(output, ['== Create', 'Region', 'Region'])).toEqual([
      '== Create: SUCCESS',
      '   KMS calls made: none',
      '',
      'Region  alias',
      'us-east-1  a',
      '',
      'Region  alias',
      'x',
    ]);
    expect(() => selectSections(output, ['== Delete'])).toThrow('no section starting with "== Delete" in the output');
    expect(readmeSamples(readme)).toEqual([{ args: ['--template', 'a.yaml'], sections: ['== Create', '== Update'], lines: ['== Create: SUCCESS'] }]);
  });
});
