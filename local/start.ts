/**
 * `npm start`: the local preview (docs/behaviour.md §10, §13). Starts the KMS emulator, deploys a
 * template's `Custom::MultiRegionKmsKeys` resource through the CloudFormation driver against the
 * built bundle, prints a per-Region report and the attributes (checked against every `Fn::GetAtt`
 * of the template), encrypts with a multi-Region key in one Region and decrypts with its replica in
 * another, then updates (to `--update FILE`, or a demo tag) and deletes the resource, as
 * `DeletionPolicy` allows. `npm start -- --help` for the options; the emulator's field-realism flags
 * (`--consistency-delay-ms N`, `--identity-policy FILE`, …; local/emulator/README.md) make the
 * preview as unkind as AWS.
 */
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { createDriver, DEFAULT_IDENTITY, type RequestResult, type ResolvedResource, Stack, type Stack as StackType } from './driver/index.ts';
import { emulatorControl, type SnapshotKey } from './emulator/client.ts';
import { DEFAULT_ENABLED_REGIONS } from './emulator/index.ts';
import { type PreviewOptions, parseArgs, USAGE } from './preview/args.ts';
import { checkAttributes } from './preview/attributeCheck.ts';
import { contextOf } from './preview/context.ts';
import { keptLines, previewEmulator } from './preview/emulatorTarget.ts';
import { failureMessage } from './preview/failures.ts';
import { type AttributeRead, attributeReadsOf } from './preview/getAttReads.ts';
import { lineOfProperty } from './preview/issueLines.ts';
import { makeKeyMaterialSecrets } from './preview/keyMaterialSecrets.ts';
import { keyCostLine } from './preview/kmsCost.ts';
import { placementWarningsOf } from './preview/placementWarnings.ts';
import { startProgress } from './preview/progress.ts';
import { attributesReport, callsReport, keysReport, ownedKeys, policiesReport } from './preview/report.ts';
import { resourcePoliciesOf, retainsOnDelete, updateReplaceNote } from './preview/resourcePolicies.ts';
import { principalsIn, readTemplate, resolveTemplate, type TemplateVersion } from './preview/templates.ts';
import { renderUpdatePlan } from './preview/updatePlan.ts';

const log = (text = '') => console.log(text);

/** `file:line: ` of a reason line that starts with a property path (`CustomerMasterKeys.cmk.Region: …`), else ''. */
function locationOf(reasonLine: string, version: TemplateVersion, logicalId: string): string {
  // Up to the first ": ": key names may hold any character but spaces and colons (`alias/x` included).
  const path = /^([A-Z][^\s:]*): /.exec(reasonLine)?.[1];
  const line = path === undefined ? undefined : lineOfProperty(version.text, logicalId, path);
  return line === undefined ? '' : `${version.file}:${line}: `;
}

function printAnswer(step: string, result: RequestResult, version: TemplateVersion): void {
  const ok = result.status === 'SUCCESS' && result.violations.length === 0;
  log(`\n== ${step}: ${result.status} (${result.bodyBytes} bytes answered once in ${result.durationMs ?? '?'} ms)`);
  if (result.reason && ok) log(`   Reason: ${result.reason}`);
  // A failure's reason lists every problem ("<path>: <message>", joined by "; "): one a line, each
  // with the template line it is about, reads better.
  if (result.reason && !ok) {
    const heading = /^Invalid properties: /.exec(result.reason)?.[0] ?? '';
    const lines = result.reason.slice(heading.length).split(/; (?=[A-Z][\w-]*[.[:])/);
    log(
      `   Reason:${heading === '' ? '' : ` ${heading.trimEnd()}`}\n${lines.map((line) => `     ${locationOf(line, version, result.event.LogicalResourceId)}${line}`).join('\n')}`,
    );
  }
  for (const v of result.violations) log(`   CloudFormation would object: ${v}`);
  // A function that did not return (crashed, timed out): its last words, without stack frames.
  if (result.exit.outcome !== 'returned') {
    log(`   The function ${result.exit.outcome}${result.exit.error ? `: ${result.exit.error.split('\n')[0]}` : ''}`);
  }
}

async function demoCrossRegion(url: string, keys: SnapshotKey[]): Promise<void> {
  // A key with imported material first: it shows that the material reached every Region.
  const candidates = keys.filter((k) => k.multiRegionKeyType === 'PRIMARY' && k.keySpec === 'SYMMETRIC_DEFAULT' && k.keyState === 'Enabled');
  const primary = candidates.find((k) => k.origin === 'EXTERNAL') ?? candidates[0];
  const replica = primary && keys.find((k) => k.multiRegionKeyType === 'REPLICA' && k.keyId === primary.keyId && k.keyState === 'Enabled');
  if (!primary || !replica) {
    log('\n(no enabled symmetric multi-Region key with a replica in this template: cross-Region decrypt not shown)');
    return;
  }
  const client = (region: string) => new KMSClient({ region, endpoint: url, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const plaintext = `hello from ${primary.region}`;
  const { CiphertextBlob } = await client(primary.region).send(new EncryptCommand({ KeyId: primary.keyId, Plaintext: Buffer.from(plaintext) }));
  const { Plaintext } = await client(replica.region).send(new DecryptCommand({ KeyId: replica.keyId, CiphertextBlob }));
  const back = Buffer.from(Plaintext ?? new Uint8Array()).toString();
  const origin = primary.origin === 'EXTERNAL' ? ' (Origin EXTERNAL: the same imported material in both Regions)' : '';
  log(`\nEncrypt in ${primary.region} with ${primary.keyId}, Decrypt in ${replica.region} with its replica${origin}: "${back}"`);
  if (back !== plaintext) throw new Error('cross-Region decrypt returned other bytes');
}

/** The demo Update without `--update`: one more global tag, in the spelling the template uses. */
function demoUpdateProperties(properties: Record<string, unknown>): { properties: Record<string, unknown>; field: string } {
  const field = Object.hasOwn(properties, 'global_tags') ? 'global_tags' : 'GlobalTags';
  const tags = (properties[field] as Record<string, string> | undefined) ?? {};
  return { properties: { ...properties, [field]: { ...tags, PreviewedLocally: 'true' } }, field };
}

async function main(options: PreviewOptions): Promise<number> {
  const v1 = await readTemplate(options.template);
  const v2 = options.update === undefined ? undefined : await readTemplate(options.update);
  // Parameters named by --key-material-secret get their ARN once the emulator has made the secret.
  const placeholders = Object.fromEntries(options.keyMaterialSecrets.map((s) => [s.parameter, 'arn:aws:secretsmanager:us-east-1:000000000000:secret:x']));
  // A secret goes to each template that declares its parameter: an update may name a new one (a rotation).
  const resolve = (parameters: Record<string, string>) => {
    const withParameters = (version: TemplateVersion) => {
      const declared = (version.template.Parameters ?? {}) as Record<string, unknown>;
      const secrets = Object.fromEntries(Object.entries(parameters).filter(([name]) => name in declared));
      return { ...options, parameters: { ...options.parameters, ...secrets } };
    };
    const first = resolveTemplate(v1, withParameters(v1), options.resource);
    return { first, second: v2 === undefined ? undefined : resolveTemplate(v2, withParameters(v2), first.logicalResourceId) };
  };
  let { first, second } = resolve(placeholders);
  const principals = [...principalsIn(first.properties), ...(second === undefined ? [] : principalsIn(second.properties))];
  // With --identity-policy the caller of every KMS request is the function's execution role.
  const emulator = await previewEmulator(options, principals, contextOf(first).executionRoleArn);
  const driver = await createDriver({ endpointUrl: emulator.url });
  const control = emulatorControl(emulator.url);
  let failures = 0;
  try {
    log(
      `${emulator.embedded ? 'Local' : 'Running'} KMS emulator on ${emulator.url} (account ${DEFAULT_IDENTITY.accountId}); ${new Set(principals).size} IAM principal(s) of the template registered as existing.`,
    );
    const secretArns = await makeKeyMaterialSecrets(control, options.keyMaterialSecrets);
    for (const [parameter, arn] of Object.entries(secretArns)) {
      log(`Key material: 32 random bytes in the emulator's Secrets Manager, secret ${arn} (parameter ${parameter}; never printed).`);
    }
    if (options.keyMaterialSecrets.length > 0) ({ first, second } = resolve(secretArns));
    log(`Resource ${first.logicalResourceId} of ${options.template}, stack ${first.stackId}`);
    if (first.serviceTokenStandIn !== undefined)
      log(`ServiceToken not resolvable here (${first.serviceTokenStandIn.replace(/^\[[^\]]*\] /, '')}): irrelevant locally, the bundle is invoked directly.`);
    const stack = Stack.fromResolved(driver, first);

    /** One request with progress lines, its answer, its KMS calls and the Fn::GetAtt check. */
    const step = async (title: string, version: TemplateVersion, resolved: ResolvedResource, send: (s: StackType) => Promise<RequestResult>) => {
      const before = await control.counts();
      const progress = await startProgress({ step: title.split(' ')[0]!, counts: () => control.counts(), print: log });
      const result = await send(stack).finally(() => progress.stop());
      printAnswer(title, result, version);
      if (result.requestType === 'Create' && result.physicalResourceId) log(`   PhysicalResourceId: ${result.physicalResourceId}`);
      const ok = result.status === 'SUCCESS' && result.violations.length === 0;
      if (!ok) failures++;
      log(`   KMS calls made: ${callsReport(before, await control.counts())}`);
      if (result.requestType !== 'Delete') {
        const reads: AttributeRead[] = attributeReadsOf(version.template, resolved.logicalResourceId);
        const sizing = {
          properties: result.event.ResourceProperties,
          context: contextOf(resolved),
          enabledRegions: [...DEFAULT_ENABLED_REGIONS],
          requestId: result.event.RequestId,
        };
        const check = checkAttributes(resolved.logicalResourceId, reads, result, sizing);
        for (const line of check.lines) log(line);
        for (const warning of placementWarningsOf(result.event.ResourceProperties, contextOf(resolved))) {
          log(`   WARNING: ${locationOf(warning, version, resolved.logicalResourceId)}${warning}`);
        }
        if (!check.ok && ok) failures++;
      }
      return { result, ok };
    };
    const showKeys = async (owner: string) => {
      const state = await control.state();
      const keys = ownedKeys(state, owner);
      log(`\n${keysReport(state, keys, options.all)}`);
      log(`\n${keyCostLine(keys)}`);
      return keys;
    };

    const created = await step('Create', v1, first, (s) => s.create(first.properties));
    const owner = created.result.physicalResourceId ?? '';
    if (!created.ok) {
      // CloudFormation rolls a failed Create back with a Delete, except under DeletionPolicy: Retain.
      const { deletionPolicy } = resourcePoliciesOf(v1.template, first.logicalResourceId);
      if (deletionPolicy === 'Retain') log(`\n== Delete: not sent. DeletionPolicy: Retain keeps what the failed Create made, even on rollback.`);
      else await step('Delete (CloudFormation rolls back the failed Create)', v1, first, (s) => s.delete());
      await showKeys(owner);
      return 1;
    }
    const keys = await showKeys(owner);
    log(`\nAttributes (Fn::GetAtt):\n${attributesReport(created.result.data ?? {}, options.all)}`);
    if (options.showPolicy) log(`\n${policiesReport(keys)}`);
    await demoCrossRegion(emulator.url, keys);

    let last = { version: v1, resolved: first };
    const next = second;
    if (v2 !== undefined && next !== undefined) {
      log(`\n== Plan of the Update to ${options.update} (a change set shows only "Modify ${first.resourceType}"):`);
      const planText = await renderUpdatePlan({
        properties: stack.propertiesOf(next.properties),
        previousProperties: stack.properties,
        context: contextOf(next),
        endpointUrl: emulator.url,
      });
      log(planText.trimEnd().replace(/^(?=.)/gm, '   '));
      const updated = await step(`Update to ${options.update}`, v2, next, (s) => s.update(next.properties));
      if (updated.ok) {
        const after = await showKeys(owner);
        log(`\nAttributes (Fn::GetAtt):\n${attributesReport(updated.result.data ?? {}, options.all)}`);
        if (options.showPolicy) log(`\n${policiesReport(after)}`);
        last = { version: v2, resolved: next };
      } else {
        await step(`Rollback Update (CloudFormation returns to ${options.template})`, v1, first, (s) => s.rollbackUpdate());
      }
    }
    if (options.keep) {
      for (const line of keptLines({ url: emulator.url, stackId: first.stackId, template: options.update ?? options.template, parameters: options.parameters }))
        log(line);
      return failures === 0 ? 0 : 1;
    }
    if (v2 === undefined) {
      const demo = demoUpdateProperties(first.properties);
      await step(`Update (adds the tag PreviewedLocally=true to every key, in ${demo.field})`, v1, first, (s) => s.update(demo.properties));
    }
    const policies = resourcePoliciesOf(last.version.template, last.resolved.logicalResourceId);
    const replaceNote = updateReplaceNote(policies);
    if (replaceNote !== undefined) log(replaceNote);

    if (retainsOnDelete(policies)) {
      log(`\n== Delete: not sent. ${last.resolved.logicalResourceId} has DeletionPolicy: ${policies.deletionPolicy}, so CloudFormation never sends`);
      log('   Delete for it when the stack is deleted or the resource leaves the template: every key and alias stays as it is:');
    } else {
      await step('Delete', last.version, last.resolved, (s) => s.delete());
    }
    await showKeys(owner);
    log(failures === 0 ? '\nFull lifecycle done: every request answered once, SUCCESS.' : `\n${failures} step(s) failed.`);
    return failures === 0 ? 0 : 1;
  } finally {
    await driver.close();
    await emulator.close();
  }
}

function run(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  if (options.help) {
    log(USAGE);
    return Promise.resolve(0);
  }
  return main(options);
}

Promise.resolve()
  .then(run)
  .then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(failureMessage(error));
      process.exit(1);
    },
  );
