/**
 * `npm start`: the main job on the embedded local emulator (docs/behaviour.md §10). Starts the KMS emulator,
 * deploys a template's `Custom::MultiRegionKmsKeys` resource through the CloudFormation driver
 * against the built bundle, prints a per-Region report and the attributes, encrypts with a
 * multi-Region key in one Region and decrypts with its replica in another, then updates and
 * deletes the resource.
 *
 *   npm start                                   the sample resource of template.yaml
 *   npm start -- --template FILE [--resource ID] [--param Name=Value …]   a local preview of your own template
 *
 * The emulator's field-realism flags (`--consistency-delay-ms N`, `--updating-ms N`,
 * `--identity-policy FILE`, `--scp FILE`, `--tag-propagation-ms N`; local/emulator/README.md) make
 * the preview as unkind as AWS; the caller is the execution role.
 */
import { readFileSync } from 'node:fs';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { createDriver, DEFAULT_IDENTITY, executionRoleArnOf, loadTemplate, type RequestResult, resolveResource, Stack, TemplateError } from './driver/index.ts';
import { emulatorControl, type SnapshotKey } from './emulator/client.ts';
import { startEmulator } from './emulator/index.ts';
import { applyRealismFlag, type FieldRealismOptions } from './emulator/realism.ts';

interface Options {
  template: string;
  resource?: string;
  parameters: Record<string, string>;
  /** Field realism of the embedded emulator (`--consistency-delay-ms`, `--identity-policy FILE`, …). */
  realism: FieldRealismOptions;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { template: 'template.yaml', parameters: {}, realism: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if ((arg === '--template' || arg === '--resource' || arg === '--param') && value === undefined) throw new Error(`${arg} needs a value`);
    if (arg === '--template') options.template = argv[++i]!;
    else if (arg === '--resource') options.resource = argv[++i]!;
    else if (arg === '--param') {
      const [name, ...rest] = argv[++i]!.split('=');
      options.parameters[name!] = rest.join('=');
    } else if (value !== undefined && applyRealismFlag(options.realism, arg!, value, (path) => readFileSync(path, 'utf8'))) i++;
    else throw new Error(`unknown argument ${arg} (use --template FILE, --resource LOGICAL_ID, --param Name=Value)`);
  }
  return options;
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Every IAM user/role ARN in the properties: in the preview they exist (in AWS they must). */
function principalsIn(value: unknown, found = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    for (const m of value.matchAll(/arn:aws[a-z-]*:iam::\d{12}:(?:user|role)\/[\w+=,.@/-]+/g)) found.add(m[0]);
  } else if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) principalsIn(v, found);
  }
  return found;
}

function mutationsByOperation(before: Record<string, number>, after: Record<string, number>): string {
  const read = /^(Describe|Get|List)/;
  return Object.entries(after)
    .map(([op, n]) => [op, n - (before[op] ?? 0)] as const)
    .filter(([op, n]) => n > 0 && !read.test(op))
    .map(([op, n]) => `${op}×${n}`)
    .join(', ');
}

async function report(url: string, owner: string): Promise<SnapshotKey[]> {
  const state = await emulatorControl(url).state();
  const owned = state.keys.filter((k) => k.tags['MultiRegionKmsKeys:Owner'] === owner);
  const aliasOf = (k: SnapshotKey) =>
    state.aliases
      .filter((a) => a.region === k.region && a.targetKeyId === k.keyId)
      .map((a) => a.aliasName)
      .join(',') || '-';
  const rows = owned
    .sort((a, b) => a.region.localeCompare(b.region) || a.keyId.localeCompare(b.keyId))
    .map((k) => [
      k.region,
      aliasOf(k),
      k.keyId,
      k.multiRegionKeyType === null ? 'single-Region' : k.multiRegionKeyType.toLowerCase(),
      k.keySpec,
      k.keyState + (k.deletionDate ? ` (deleted on ${k.deletionDate.slice(0, 10)})` : ''),
      k.rotation.enabled ? `every ${k.rotation.periodInDays} d` : 'off',
    ]);
  console.log(table(['Region', 'alias', 'key id', 'role', 'spec', 'state', 'rotation'], rows));
  return owned;
}

function printAnswer(step: string, result: RequestResult): void {
  const ok = result.status === 'SUCCESS' && result.violations.length === 0;
  console.log(`\n== ${step}: ${result.status} (${result.bodyBytes} bytes answered once in ${result.durationMs ?? '?'} ms)`);
  if (result.reason && ok) console.log(`   Reason: ${result.reason}`);
  // A failure's reason lists every problem ("<path>: <message>", joined by "; "): one a line reads better.
  if (result.reason && !ok) console.log(`   Reason:\n     ${result.reason.split(/; (?=[A-Z][\w-]*[.[:])/).join('\n     ')}`);
  for (const v of result.violations) console.log(`   CloudFormation would object: ${v}`);
  if (!ok && result.stderr) console.log(result.stderr.split('\n').slice(-20).join('\n'));
}

async function demoCrossRegion(url: string, keys: SnapshotKey[]): Promise<void> {
  const primary = keys.find((k) => k.multiRegionKeyType === 'PRIMARY' && k.keySpec === 'SYMMETRIC_DEFAULT');
  const replica = primary && keys.find((k) => k.multiRegionKeyType === 'REPLICA' && k.keyId === primary.keyId);
  if (!primary || !replica) {
    console.log('\n(no symmetric multi-Region key with a replica in this template: cross-Region decrypt not shown)');
    return;
  }
  const client = (region: string) => new KMSClient({ region, endpoint: url, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const plaintext = `hello from ${primary.region}`;
  const { CiphertextBlob } = await client(primary.region).send(new EncryptCommand({ KeyId: primary.keyId, Plaintext: Buffer.from(plaintext) }));
  const { Plaintext } = await client(replica.region).send(new DecryptCommand({ KeyId: replica.keyId, CiphertextBlob }));
  const back = Buffer.from(Plaintext ?? new Uint8Array()).toString();
  console.log(`\nEncrypt in ${primary.region} with ${primary.keyId}, Decrypt in ${replica.region} with its replica: "${back}"`);
  if (back !== plaintext) throw new Error('cross-Region decrypt returned other bytes');
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  // In AWS the sample's `!GetAtt FunctionRole.Arn` is the function's own role, EXECUTION_ROLE_ARN.
  const executionRoleArn = executionRoleArnOf(DEFAULT_IDENTITY);
  const resolved = resolveResource(await loadTemplate(options.template), {
    logicalId: options.resource,
    parameters: options.parameters,
    resources: { FunctionRole: { ref: executionRoleArn.split('/').pop()!, attributes: { Arn: executionRoleArn } } },
  });
  const principals = [...principalsIn(resolved.properties)];
  const emulator = await startEmulator({ port: 0, replicaCreatingMs: 1000, principals, callerArn: executionRoleArn, ...options.realism });
  const driver = await createDriver({ endpointUrl: emulator.url });
  let failures = 0;
  try {
    console.log(
      `Local KMS emulator on ${emulator.url} (account ${DEFAULT_IDENTITY.accountId}); ${principals.length} IAM principal(s) of the template registered as existing.`,
    );
    console.log(`Resource ${resolved.logicalResourceId} of ${options.template}, stack ${resolved.stackId}`);
    const stack = Stack.fromResolved(driver, resolved);
    const counts = () =>
      emulatorControl(emulator.url)
        .counts()
        .then((c) => c.byOperation);

    let before = await counts();
    const created = await stack.create(resolved.properties);
    printAnswer('Create', created);
    if (created.status !== 'SUCCESS' || created.violations.length > 0) return 1;
    console.log(`   KMS calls made: ${mutationsByOperation(before, await counts())}`);
    const owner = created.physicalResourceId ?? '';
    console.log(`   PhysicalResourceId: ${owner}\n`);
    const keys = await report(emulator.url, owner);
    console.log('\nAttributes (Fn::GetAtt):');
    console.log(
      table(
        ['name', 'value'],
        Object.entries(created.data ?? {})
          .map(([k, v]) => [k, String(v)])
          .sort(([a], [b]) => a!.localeCompare(b!)),
      ),
    );
    await demoCrossRegion(emulator.url, keys);

    before = await counts();
    const globalTags = { ...((resolved.properties.GlobalTags as Record<string, string> | undefined) ?? {}), PreviewedLocally: 'true' };
    const updated = await stack.update({ ...resolved.properties, GlobalTags: globalTags });
    printAnswer('Update (adds the tag PreviewedLocally=true to every key)', updated);
    if (updated.status !== 'SUCCESS' || updated.violations.length > 0) failures++;
    console.log(`   KMS calls made: ${mutationsByOperation(before, await counts()) || 'none'}`);

    before = await counts();
    const deleted = await stack.delete();
    printAnswer('Delete', deleted);
    if (deleted.status !== 'SUCCESS' || deleted.violations.length > 0) failures++;
    console.log(`   KMS calls made: ${mutationsByOperation(before, await counts()) || 'none'}\n`);
    await report(emulator.url, owner);
    console.log(failures === 0 ? '\nFull lifecycle done: Create, Update and Delete each answered once, SUCCESS.' : `\n${failures} step(s) failed.`);
    return failures === 0 ? 0 : 1;
  } finally {
    await driver.close();
    await emulator.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof TemplateError) console.error(`Template error: ${error.message}`);
    else if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') console.error(`Cannot read the template: ${(error as Error).message}`);
    else console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
