/**
 * End to end: `npm run plan` (local/plan/cli.ts in a child process, the real AWS SDK over HTTP)
 * against the KMS emulator, after a Create of template.yaml's sample resource through the
 * CloudFormation driver and the built bundle. Every run is checked for zero mutating requests by
 * the emulator's own counters.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DisableKeyCommand, EnableKeyCommand, GetKeyPolicyCommand, KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import {
  createDriver,
  DEFAULT_BUNDLE_PATH,
  DEFAULT_IDENTITY,
  type Driver,
  executionRoleArnOf,
  loadTemplate,
  resolveResource,
  Stack,
} from '../../local/driver/index.ts';
import { emulatorControl } from '../../local/emulator/client.ts';
import { startEmulator } from '../../local/emulator/index.ts';

const ROLE_ARN = executionRoleArnOf(DEFAULT_IDENTITY);
const READ = /^(List|Describe|Get)/;

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** template.yaml's sample resource exists only with this parameter. */
const SAMPLE = ['--param', 'CreateSampleKeys=true'];

describe('End to end: npm run plan against the emulator', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let driver: Driver;
  let dir: string;
  let stackId: string;
  let owner: string;
  const control = () => emulatorControl(emulator.url);
  const kms = (region: string) => new KMSClient({ region, endpoint: emulator.url, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

  /**
   * Runs the CLI with the standard SDK configuration pointing at the emulator; returns the requests
   * it made. Without --drift or --previous-template, template.yaml (the deployed one) is the previous.
   */
  const plan = (...args: string[]) =>
    planWithEnv({}, ...(args.includes('--drift') || args.includes('--previous-template') ? args : [...args, '--previous-template', 'template.yaml']));
  const planWithEnv = async (
    env: Record<string, string | undefined>,
    ...args: string[]
  ): Promise<CliRun & { operations: Record<string, number>; mutations: number }> => {
    await control().resetCounts();
    const run = await new Promise<CliRun>((resolve) => {
      execFile(
        process.execPath,
        ['local/plan/cli.ts', ...args],
        {
          env: {
            PATH: process.env.PATH,
            AWS_ENDPOINT_URL: emulator.url,
            AWS_REGION: 'us-east-1',
            AWS_ACCESS_KEY_ID: 'local',
            AWS_SECRET_ACCESS_KEY: 'local',
            AWS_CONFIG_FILE: '/nonexistent/aws-config',
            AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
            AWS_EC2_METADATA_DISABLED: 'true',
            ...env,
          },
        },
        (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr }),
      );
    });
    const counts = await control().counts();
    return { ...run, operations: counts.byOperation, mutations: counts.mutations };
  };
  const expectReadOnly = (run: { operations: Record<string, number>; mutations: number }) => {
    expect(run.mutations).toBe(0);
    expect(Object.keys(run.operations).filter((op) => !READ.test(op) && op !== 'ListRegions')).toEqual([]);
  };
  const templateWith = async (name: string, edit: (text: string) => string | Promise<string>): Promise<string> => {
    const file = join(dir, name);
    await writeFile(file, await edit(await readFile('template.yaml', 'utf8')));
    return file;
  };

  beforeAll(async () => {
    if (!existsSync(DEFAULT_BUNDLE_PATH)) throw new Error(`${DEFAULT_BUNDLE_PATH} is missing: run npm run build (npm test does)`);
    dir = await mkdtemp(join(tmpdir(), 'plan-e2e-'));
    emulator = await startEmulator({ port: 0, principals: [ROLE_ARN], replicaCreatingMs: 0 });
    driver = await createDriver({ endpointUrl: emulator.url });
    // Prepare: the sample resource of template.yaml, created as `npm start` creates it.
    const resolved = resolveResource(await loadTemplate('template.yaml'), {
      parameters: { CreateSampleKeys: 'true' },
      resources: { FunctionRole: { ref: ROLE_ARN.split('/').pop()!, attributes: { Arn: ROLE_ARN } } },
    });
    stackId = resolved.stackId;
    const created = await Stack.fromResolved(driver, resolved).create(resolved.properties);
    expect(created.status).toBe('SUCCESS');
    owner = created.physicalResourceId!;
  });
  afterAll(async () => {
    await driver?.close();
    await emulator?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 for the template just deployed, having found the execution role in the key policies', async () => {
    // Act
    const run = await plan('--template', 'template.yaml', ...SAMPLE, '--stack-id', stackId);

    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^No changes: an Update to this template would not call KMS \(17 Regions read\)\./);
    expect(run.stdout).toContain(`(owner ${owner})`);
    expect(run.stdout).toContain(`Execution role: ${ROLE_ARN} (found in 3 of 3 key policies)`);
    expectReadOnly(run);
    expect(run.operations.ListKeys).toBe(17);
  });

  it('prints the same plan as JSON, with the role given by --execution-role-arn', async () => {
    // Act
    const run = await plan('--template', 'template.yaml', ...SAMPLE, '--stack-id', stackId, '--execution-role-arn', ROLE_ARN, '--json');

    // Assess
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({
      version: 1,
      status: 'unchanged',
      regions: [],
      refusals: [],
      executionRole: { arn: ROLE_ARN, source: 'flag' },
      resource: { stackId, logicalResourceId: 'Keys', ownerId: owner },
    });
    expectReadOnly(run);
  });

  it('reports a key disabled and a policy edited out of band as drift, naming key and Region, and exits 2', async () => {
    // Prepare
    const keys = (await control().state()).keys.filter((k) => k.tags['MultiRegionKmsKeys:Owner'] === owner);
    const replica = keys.find((k) => k.region === 'us-west-2')!;
    const app = keys.find((k) => k.tags['MultiRegionKmsKeys:KeyName'] === 'cmk-app')!;
    await kms('us-west-2').send(new DisableKeyCommand({ KeyId: replica.keyId }));
    const { Policy } = await kms('us-east-1').send(new GetKeyPolicyCommand({ KeyId: app.keyId, PolicyName: 'default' }));
    const edited = JSON.parse(Policy!);
    edited.Statement.push({ Sid: 'AddedByHand', Effect: 'Allow', Principal: { AWS: ROLE_ARN }, Action: 'kms:Decrypt', Resource: '*' });
    await kms('us-east-1').send(new PutKeyPolicyCommand({ KeyId: app.keyId, PolicyName: 'default', Policy: JSON.stringify(edited) }));

    // Act
    const run = await plan('--template', 'template.yaml', ...SAMPLE, '--stack-id', stackId, '--drift');

    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/^DRIFT: 2 difference\(s\) between KMS and the template/);
    expect(run.stdout).toContain(`us-west-2\n  cmk-prod  key ${replica.keyId}\n    ~ EnableKey key ${replica.keyId}\n        drift: the key is Disabled`);
    expect(run.stdout).toContain(
      `us-east-1\n  cmk-app  key ${app.keyId}\n    ~ PutKeyPolicy on key ${app.keyId}  DESTRUCTIVE\n        drift: the key policy differs from the generated one (statements not in the template: AddedByHand)\n        removes: AddedByHand (statement removed): principal AWS:${ROLE_ARN}; action kms:Decrypt`,
    );
    expectReadOnly(run);
    await kms('us-west-2').send(new EnableKeyCommand({ KeyId: replica.keyId }));
    await kms('us-east-1').send(new PutKeyPolicyCommand({ KeyId: app.keyId, PolicyName: 'default', Policy: Policy! }));
    expect((await plan('--template', 'template.yaml', ...SAMPLE, '--stack-id', stackId)).code).toBe(0);
  });

  it('lists every action of a template that adds, removes and replaces keys, the replacement refused', async () => {
    // Prepare: cmk-app removed, cmk-new added, cmk-prod's Spec changed without AllowReplacement.
    const file = await templateWith('v2.yaml', (text) =>
      text
        .replace(/ {8}cmk-app:\n(?: {10}.*\n| {12}.*\n)+/, '        cmk-new:\n          Region: eu-west-1\n')
        .replace('          DeletionWindowInDays: 7\n', '          DeletionWindowInDays: 7\n          Spec: HMAC_256\n'),
    );

    // Act
    const run = await plan('--template', file, ...SAMPLE, '--stack-id', stackId);

    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/^REFUSED: 1 refusal\(s\), \d+ action\(s\) held back/);
    expect(run.stdout).toContain('eu-west-1\n  cmk-new\n    + CreateKey SYMMETRIC_DEFAULT ENCRYPT_DECRYPT  (held back)');
    expect(run.stdout).toMatch(/ {2}cmk-app {2}key \S+\n {4}- DeleteAlias alias\/cmk-app {2}DESTRUCTIVE \(held back\)\n/);
    expect(run.stdout).toMatch(/- ScheduleKeyDeletion key \S+ in 30 days {2}DESTRUCTIVE \(held back\)\n {8}found: cmk-app is no longer in the template/);
    expect(run.stdout).toContain('  cmk-prod  -/+ REPLACEMENT: a new key replaces mrk-');
    expect(run.stdout).toContain(
      '  x cmk-prod (us-east-1) [replacement]: Spec of cmk-prod would change from SYMMETRIC_DEFAULT to HMAC_256 and KeyUsage of cmk-prod would change from ENCRYPT_DECRYPT to GENERATE_VERIFY_MAC, which needs a new key',
    );
    expectReadOnly(run);

    // Act: the same with AllowReplacement on cmk-prod.
    const allowed = await templateWith('v3.yaml', async () =>
      (await readFile(file, 'utf8')).replace('          Spec: HMAC_256\n', '          Spec: HMAC_256\n          AllowReplacement: true\n'),
    );
    const replaced = await plan('--template', allowed, ...SAMPLE, '--stack-id', stackId, '--json');

    // Assess: every action listed, none held back.
    expect(replaced.code).toBe(2);
    const json = JSON.parse(replaced.stdout);
    expect(json).toMatchObject({ status: 'changes', refusals: [], counts: { replacements: 1, heldBack: 0 } });
    const listed = json.regions.flatMap((r: { region: string; keys: { keyName: string; actions: { kind: string }[] }[] }) =>
      r.keys.flatMap((k) => k.actions.map((a) => `${r.region} ${k.keyName} ${a.kind}`)),
    );
    expect(listed).toEqual(
      expect.arrayContaining([
        'eu-west-1 cmk-new CreateKey',
        'eu-west-1 cmk-new CreateAlias',
        'us-east-1 cmk-app DeleteAlias',
        'us-east-1 cmk-app ScheduleKeyDeletion',
        'us-east-1 cmk-prod CreateKey',
        'us-east-1 cmk-prod ScheduleKeyDeletion',
        'us-west-2 cmk-prod ReplicateKey',
        'us-west-2 cmk-prod ScheduleKeyDeletion',
      ]),
    );
    expectReadOnly(replaced);
  });

  it('skips Regions an SCP denies when no key lives there, and names the Region when one does', async () => {
    // Prepare: an organization's Region deny allowing us-east-1 and us-west-2 (where the keys are).
    const regionDeny = (regions: string[]) => ({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyOutsideAllowedRegions',
          Effect: 'Deny',
          NotAction: ['account:*', 'iam:*', 'sts:*'],
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:RequestedRegion': regions } },
        },
      ],
    });
    const allowAll = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

    // Act
    await control().config({ scp: regionDeny(['us-east-1', 'us-west-2']), identityPolicy: allowAll });
    const skipping = await plan('--template', 'template.yaml', ...SAMPLE, '--stack-id', stackId, '--json');
    await control().config({ scp: regionDeny(['us-east-1']) });
    const denied = await plan('--template', 'template.yaml', ...SAMPLE, '--stack-id', stackId);
    await control().config({ scp: null, identityPolicy: null });

    // Assess
    expect(skipping.stderr).toBe('');
    expect(skipping.code).toBe(0);
    const json = JSON.parse(skipping.stdout);
    expect(json.status).toBe('unchanged');
    expect(json.skippedRegions).toHaveLength(15);
    expect(json.skippedRegions).not.toContain('us-west-2');
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/^plan: KMS in us-west-2 denied access \(AccessDeniedException: [^\n]*\), and cmk-prod lives there\n$/);
    expectReadOnly(skipping);
    expectReadOnly(denied);
  });

  it('exits 1 naming the key when its key policy does not let the plan read it', async () => {
    // Prepare: a pipeline role with every KMS read in its identity policy, but in no key policy.
    const planRole = `arn:aws:iam::${DEFAULT_IDENTITY.accountId}:role/kms-keys-plan`;
    const reads = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['kms:List*', 'kms:Describe*', 'kms:Get*', 'account:ListRegions'], Resource: '*' }],
    };

    // Act
    await control().config({ identityPolicy: reads, callerArn: planRole });
    const run = await plan('--template', 'template.yaml', ...SAMPLE, '--stack-id', stackId);
    await control().config({ identityPolicy: null, callerArn: ROLE_ARN });

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^plan: access denied reading the resource's keys \(kms:(GetKeyPolicy|ListResourceTags) on key \S+ in us-east-1, .* and \d+ more\): their key policies must allow the plan's principal to read them \(docs\/plan.md\)\n$/,
    );
    expectReadOnly(run);
  });

  it('plans the removal of an extra alias that left Aliases, from the deployed template, and needs that template', async () => {
    // Prepare: a stack deployed with an extra alias on its prod key; v2 drops it.
    const renamed = (text: string) => text.replaceAll('cmk-', 'ali-');
    const deployed = await templateWith('aliases-v1.yaml', (text) =>
      renamed(text).replace('          DeletionWindowInDays: 7\n', '          DeletionWindowInDays: 7\n          Aliases: [ali-extra]\n'),
    );
    const v2 = await templateWith('aliases-v2.yaml', renamed);
    const resolved = resolveResource(await loadTemplate(deployed), {
      parameters: { CreateSampleKeys: 'true' },
      identity: { stackName: 'plan-aliases' },
      resources: { FunctionRole: { ref: ROLE_ARN.split('/').pop()!, attributes: { Arn: ROLE_ARN } } },
    });
    const created = await Stack.fromResolved(driver, resolved).create(resolved.properties);
    expect([created.status, created.reason]).toEqual(['SUCCESS', null]);

    // Act
    const run = await plan('--template', v2, ...SAMPLE, '--stack-id', resolved.stackId, '--previous-template', deployed, '--json');
    const missing = await planWithEnv({}, '--template', v2, ...SAMPLE, '--stack-id', resolved.stackId);
    const drift = await plan('--template', deployed, ...SAMPLE, '--stack-id', resolved.stackId, '--drift');

    // Assess
    expect(run.code).toBe(2);
    const json = JSON.parse(run.stdout);
    const actions = json.regions.flatMap((r: { region: string; keys: { actions: { kind: string; summary: string; destructive: boolean }[] }[] }) =>
      r.keys.flatMap((k) => k.actions.map((a) => `${r.region} ${a.summary}${a.destructive ? ' DESTRUCTIVE' : ''}`)),
    );
    expect(actions).toEqual(['us-east-1 DeleteAlias alias/ali-extra DESTRUCTIVE', 'us-west-2 DeleteAlias alias/ali-extra DESTRUCTIVE']);
    expect(json.counts.destructive).toBe(2);
    expect(json.previousTemplate).toBe(deployed);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^plan: --previous-template FILE is required/);
    expect(drift.code).toBe(0);
    expectReadOnly(run);
  });

  it('needs no more than the IAM policy docs/plan.md lists, where the key policies delegate to IAM', async () => {
    // Prepare: a second stack whose keys let IAM policies grant access; the identity policy of docs/plan.md.
    const delegating = await templateWith('delegating.yaml', (text) =>
      text
        .replaceAll('          CmkAdministratorIamArns:\n', '          AllowManageKeyPermissionsWithIam: true\n          CmkAdministratorIamArns:\n')
        .replaceAll('cmk-', 'iam-'),
    );
    const resolved = resolveResource(await loadTemplate(delegating), {
      parameters: { CreateSampleKeys: 'true' },
      identity: { stackName: 'plan-iam' },
      resources: { FunctionRole: { ref: ROLE_ARN.split('/').pop()!, attributes: { Arn: ROLE_ARN } } },
    });
    const created = await Stack.fromResolved(driver, resolved).create(resolved.properties);
    expect([created.status, created.reason]).toEqual(['SUCCESS', null]);
    const docs = await readFile('docs/plan.md', 'utf8');
    const documented = JSON.parse(/## IAM: what the plan needs[\s\S]*?```json\n([\s\S]*?)```/.exec(docs)![1]!);

    // Act
    await control().config({ identityPolicy: documented, callerArn: `arn:aws:iam::${DEFAULT_IDENTITY.accountId}:role/kms-keys-plan` });
    const run = await plan('--template', delegating, ...SAMPLE, '--stack-id', resolved.stackId, '--previous-template', delegating);
    await control().config({ identityPolicy: null, callerArn: ROLE_ARN });

    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('No changes');
    expectReadOnly(run);
  });

  it('exits 1 with one line, and no request, for a broken template, an unknown resource or a bad stack id', async () => {
    // Prepare
    const broken = await templateWith('broken.yaml', (text) => text.replace('          DeletionWindowInDays: 7\n', '          DeletionWindowInDays: 3\n'));
    const unparsable = join(dir, 'unparsable.yaml');
    await writeFile(unparsable, 'Resources: [\n');

    // Act
    const runs = [
      await plan('--template', broken, ...SAMPLE, '--stack-id', stackId),
      await plan('--template', unparsable, ...SAMPLE, '--stack-id', stackId),
      await plan('--template', 'template.yaml', ...SAMPLE, '--stack-id', stackId, '--resource', 'Nope'),
      await plan('--template', 'template.yaml', ...SAMPLE, '--stack-id', 'my-stack'),
      await plan('--template', join(dir, 'missing.yaml'), '--stack-id', stackId),
      await plan('--template', 'template.yaml', ...SAMPLE, '--stack-id', stackId, '--bogus'),
    ];

    // Assess
    for (const run of runs) {
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^plan: [^\n]+\n$/);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(run.operations).toEqual({});
    }
    expect(runs[0]!.stderr).toContain('invalid properties: CustomerMasterKeys.cmk-prod.DeletionWindowInDays');
    expect(runs[2]!.stderr).toContain('template: [/Resources/Nope] no resource Nope of type Custom::MultiRegionKmsKeys');
    expect(runs[3]!.stderr).toContain('--stack-id must be a CloudFormation stack ARN');
  });

  it('exits 1 naming the property path for a Region name ListRegions does not know, before any KMS request', async () => {
    // Prepare
    const typo = await templateWith('typo.yaml', (text) => text.replace('          ReplicaRegions: [us-west-2]\n', '          ReplicaRegions: [us-wset-2]\n'));

    // Act
    const run = await plan('--template', typo, ...SAMPLE, '--stack-id', stackId);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^plan: invalid properties: [^\n]*CustomerMasterKeys\.cmk-prod\.ReplicaRegions: us-wset-2 is not a Region[^\n]*did you mean us-west-2\?\n$/,
    );
    expect(Object.keys(run.operations).filter((op) => op !== 'ListRegions')).toEqual([]);
  });

  it('exits 1 with one line when there are no credentials', async () => {
    // Act
    const run = await planWithEnv(
      { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
      '--template',
      'template.yaml',
      ...SAMPLE,
      '--stack-id',
      stackId,
      '--drift',
    );

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^plan: no AWS credentials: [^\n]+ \(set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\)\n$/);
    expect(run.operations).toEqual({});
  });
});
