/**
 * Prints the example outputs of docs/plan.md, for real: starts the emulator, creates template.yaml's
 * sample resource through the driver and the built bundle (run `npm run build` first), then runs
 * `npm run plan` (local/plan/cli.ts, in a child process, with the standard SDK configuration pointed
 * at the emulator) on the deployed template, after two changes made by hand, and on a changed
 * template.
 *
 *   node local/plan/example.ts
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DisableKeyCommand, GetKeyPolicyCommand, KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { createDriver, DEFAULT_IDENTITY, executionRoleArnOf, loadTemplate, resolveResource, Stack } from '../driver/index.ts';
import { emulatorControl } from '../emulator/client.ts';
import { startEmulator } from '../emulator/index.ts';

const roleArn = executionRoleArnOf(DEFAULT_IDENTITY);
const emulator = await startEmulator({ port: 0, principals: [roleArn], replicaCreatingMs: 0 });
const driver = await createDriver({ endpointUrl: emulator.url });
const dir = await mkdtemp(join(tmpdir(), 'plan-example-'));
const kms = (region: string) => new KMSClient({ region, endpoint: emulator.url, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

/** One run of the CLI, printed as a shell session would show it (files by their base name). */
function plan(...args: string[]): Promise<void> {
  return new Promise((resolve) => {
    const env = { PATH: process.env.PATH, AWS_ENDPOINT_URL: emulator.url, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };
    const shown = args.map((arg) => (arg.startsWith(dir) ? arg.slice(dir.length + 1) : arg));
    execFile(process.execPath, ['local/plan/cli.ts', ...args], { env }, (error, stdout, stderr) => {
      console.log(`$ npm run plan -- ${shown.join(' ')}\n${stdout}${stderr}$ echo $?\n${error === null ? 0 : error.code}\n`);
      resolve();
    });
  });
}

try {
  const resolved = resolveResource(await loadTemplate('template.yaml'), {
    resources: { FunctionRole: { ref: roleArn.split('/').pop()!, attributes: { Arn: roleArn } } },
  });
  const created = await Stack.fromResolved(driver, resolved).create(resolved.properties);
  if (created.status !== 'SUCCESS') throw new Error(`Create failed: ${created.reason}`);
  const stackId = resolved.stackId;

  await plan('--template', 'template.yaml', '--stack-id', stackId, '--previous-template', 'template.yaml');

  const keys = (await emulatorControl(emulator.url).state()).keys.filter((k) => k.tags['MultiRegionKmsKeys:Owner'] === created.physicalResourceId);
  const replica = keys.find((k) => k.region === 'us-west-2')!;
  const app = keys.find((k) => k.tags['MultiRegionKmsKeys:KeyName'] === 'cmk-app')!;
  await kms('us-west-2').send(new DisableKeyCommand({ KeyId: replica.keyId }));
  const { Policy } = await kms('us-east-1').send(new GetKeyPolicyCommand({ KeyId: app.keyId, PolicyName: 'default' }));
  const edited = JSON.parse(Policy!);
  edited.Statement.push({ Sid: 'AddedByHand', Effect: 'Allow', Principal: { AWS: roleArn }, Action: 'kms:Decrypt', Resource: '*' });
  await kms('us-east-1').send(new PutKeyPolicyCommand({ KeyId: app.keyId, PolicyName: 'default', Policy: JSON.stringify(edited) }));
  await plan('--template', 'template.yaml', '--stack-id', stackId, '--drift');

  const changed = join(dir, 'v2.yaml');
  await writeFile(
    changed,
    (await readFile('template.yaml', 'utf8'))
      .replace(/ {8}cmk-app:\n(?: {10}.*\n| {12}.*\n)+/, '        cmk-logs:\n          Region: eu-west-1\n')
      .replace('          DeletionWindowInDays: 7\n', '          DeletionWindowInDays: 7\n          Spec: HMAC_256\n'),
  );
  await plan('--template', changed, '--stack-id', stackId, '--previous-template', 'template.yaml');
} finally {
  await driver.close();
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
}
