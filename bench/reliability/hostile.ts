/**
 * Runs the hostile inputs against the real bundle: most of them in one long-lived child process
 * (a warm Lambda container: one import, many invocations — the driver's fresh process per request
 * costs 100+ ms), a sample through the driver itself, and Deletes whose properties are garbage,
 * which must still succeed and remove what the resource owns (docs/behaviour.md §6).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { OWNERSHIP_TAGS } from '../../lib/ownership.ts';
import { buildEvent, type CustomResourceEvent, checkAnswer, DEFAULT_BUNDLE_PATH, DEFAULT_IDENTITY, functionArnOf } from '../../local/driver/index.ts';
import { lambdaEnvironment } from '../../local/driver/invoke.ts';
import type { CfnMap } from './cfnValue.ts';
import { regionTyposOnExistingKeys, runExistingKeyTypos } from './existingKeys.ts';
import type { Harness } from './harness.ts';
import { type HostileInput, referenceCfn } from './hostileCorpus.ts';
import { judgeHostile } from './hostileJudge.ts';
import { type CheckOutcome, clip, deliveryProblems, evidenceOf } from './outcome.ts';
import { referenceProperties } from './reference.ts';

const CHILD = fileURLToPath(new URL('./hostileChild.ts', import.meta.url));
/** The Lambda timeout each hostile invocation gets: a refusal is instant, anything else is cut short. */
const INVOCATION_TIMEOUT_MS = 15_000;
const DEADLINE_MARGIN_MS = '5000';

export interface HostileSummary {
  tried: number;
  rejectedWithPath: number;
  allPathsNamed: number;
  accepted: number;
  kmsMutations: number;
  /** KMS/Account requests of any kind made while refusing (reads included): validation should need none. */
  kmsCalls: number;
  unhandled: number;
  viaDriver: number;
  /** ResponseURL signatures that appeared in the function's logs (docs/behaviour.md §8: never logged). */
  responseUrlLeaks: number;
  deleteWithGarbage: { tried: number; passed: number };
  /** Region typos and not-usable Regions sent as Updates of deployed keys: FAILED, nothing changed. */
  existingKeys?: { tried: number; passed: number };
  outcomes: CheckOutcome[];
}

function emptySummary(): HostileSummary {
  return {
    tried: 0,
    rejectedWithPath: 0,
    allPathsNamed: 0,
    accepted: 0,
    kmsMutations: 0,
    kmsCalls: 0,
    unhandled: 0,
    viaDriver: 0,
    responseUrlLeaks: 0,
    deleteWithGarbage: { tried: 0, passed: 0 },
    existingKeys: { tried: 0, passed: 0 },
    outcomes: [],
  };
}

interface ChildMessage {
  type: string;
  id?: number;
  outcome?: 'returned' | 'threw';
  error?: string;
  kind?: string;
}

/** The warm container: one child, invocations one at a time. */
class WarmContainer {
  readonly child: ChildProcess;
  readonly unhandled: string[] = [];
  #stdout: string[] = [];
  #waiting: ((message: ChildMessage | null) => void) | null = null;
  readonly ready: Promise<boolean>;

  constructor(endpointUrl: string) {
    const functionName = 'rel-hostile-KeysFunction';
    const env = lambdaEnvironment(
      DEFAULT_IDENTITY,
      functionName,
      // Invoked directly, not through the driver playing CloudFormation: verification explicitly off
      // (the forged events of reliability/forged.ts check it), the loopback ResponseURL server trusted.
      { endpointUrl, env: { DEADLINE_MARGIN_MS, REQUEST_VERIFICATION: 'off', TRUSTED_RESPONSE_HOSTS: '127.0.0.1' } },
      `rel/[$LATEST]${randomUUID().replace(/-/g, '')}`,
    );
    this.child = spawn(process.execPath, [CHILD, DEFAULT_BUNDLE_PATH], { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    this.child.on('error', () => {});
    this.child.stdout?.setEncoding('utf8').on('data', (text: string) => this.#stdout.push(text));
    this.child.stderr?.setEncoding('utf8').on('data', (text: string) => this.#stdout.push(text));
    let onReady: (ok: boolean) => void = () => {};
    this.ready = new Promise((resolve) => {
      onReady = resolve;
    });
    this.child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') onReady(true);
      else if (message.type === 'unhandled') this.unhandled.push(`${message.kind}: ${message.error}`);
      else if (message.type === 'result') this.#waiting?.(message);
    });
    this.child.once('exit', () => {
      onReady(false);
      this.#waiting?.(null);
    });
  }

  /** Invokes the handler; null when the process died or the invocation outlived its timeout. */
  invoke(id: number, event: CustomResourceEvent): Promise<ChildMessage | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(null), INVOCATION_TIMEOUT_MS + 10_000);
      const finish = (message: ChildMessage | null) => {
        clearTimeout(timer);
        this.#waiting = null;
        resolve(message);
      };
      this.#waiting = finish;
      const context = {
        functionName: 'rel-hostile-KeysFunction',
        functionVersion: '$LATEST',
        invokedFunctionArn: functionArnOf(DEFAULT_IDENTITY, 'rel-hostile-KeysFunction'),
        memoryLimitInMB: '256',
        awsRequestId: randomUUID(),
      };
      this.child.send({ type: 'invoke', id, event, context, deadline: Date.now() + INVOCATION_TIMEOUT_MS }, (error) => {
        if (error) finish(null);
      });
    });
  }

  /** Everything the function logged since the last call. */
  takeOutput(): string {
    const text = this.#stdout.join('');
    this.#stdout = [];
    return text;
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

function signatureOf(responseUrl: string): string {
  return new URL(responseUrl).searchParams.get('X-Amz-Signature') ?? responseUrl;
}

/** Runs `inputs` in warm containers (a new one if a container dies); Creates, with every 4th an Update. */
export async function runHostileBatch(harness: Harness, inputs: HostileInput[], summary: HostileSummary, onOutcome: (o: CheckOutcome) => void): Promise<void> {
  const prepared = await harness.prepare('rel-hostile');
  const { resource } = prepared.stack;
  const reference = referenceCfn();
  let container = new WarmContainer(harness.url);
  if (!(await container.ready)) throw new Error(`the bundle could not be imported in the hostile-input container: ${container.takeOutput()}`);
  const signatures: string[] = [];
  let logs = '';
  for (const [index, input] of inputs.entries()) {
    const requestType = index % 4 === 3 ? 'Update' : 'Create';
    const requestId = randomUUID();
    const responseUrl = harness.responses.issueUrl(resource.stackId, resource.logicalResourceId, requestId);
    signatures.push(signatureOf(responseUrl));
    const event = buildEvent({
      requestType,
      resource,
      properties: input.properties,
      ...(requestType === 'Update' ? { oldProperties: reference, physicalResourceId: prepared.ownerId } : {}),
      responseUrl,
      requestId,
    });
    const before = await harness.control.counts();
    const unhandledBefore = container.unhandled.length;
    const result = await container.invoke(index, event);
    const after = await harness.control.counts();
    const unhandled = container.unhandled.slice(unhandledBefore);
    const exit =
      result === null
        ? { outcome: 'crashed' as const, code: null, signal: null, error: 'the container died or the invocation timed out' }
        : { outcome: result.outcome ?? ('threw' as const), code: null, signal: null, ...(result.error ? { error: result.error } : {}) };
    const answer = checkAnswer(event, harness.responses.putsFor(responseUrl), exit);
    const verdict = judgeHostile(input, answer, after.mutations - before.mutations, unhandled);
    const calls = Object.values(after.byOperation).reduce((a, b) => a + b, 0) - Object.values(before.byOperation).reduce((a, b) => a + b, 0);
    record(summary, input, verdict, after.mutations - before.mutations, calls, unhandled.length, onOutcome, requestType);
    logs += container.takeOutput();
    if (result === null) {
      container.kill();
      container = new WarmContainer(harness.url);
      if (!(await container.ready)) throw new Error('the hostile-input container could not be restarted');
    }
  }
  container.kill();
  logs += container.takeOutput();
  // The emulator is read before the log scan: a scan that keeps the event loop busy for longer than
  // the emulator's keep-alive timeout made the next request reuse a closed socket ("fetch failed").
  const touched = await harness.foreignTouched(prepared);
  if (touched.length > 0) onOutcome({ name: 'hostile: foreign keys', ok: false, problems: touched });
  const leaked = leakedSignatures(logs, signatures);
  summary.responseUrlLeaks += leaked;
  if (leaked > 0)
    onOutcome({ name: 'hostile: ResponseURL in logs', ok: false, problems: [`${leaked} ResponseURL signature(s) appear in the function's logs`] });
}

/**
 * How many of `signatures` (hex, all of one length) appear in `logs`. One pass over the hex runs of
 * the logs instead of one search of the whole log per signature, which grew quadratic with the corpus.
 */
export function leakedSignatures(logs: string, signatures: readonly string[]): number {
  const wanted = new Set(signatures);
  const length = signatures[0]?.length ?? 0;
  if (length === 0 || signatures.some((s) => s.length !== length || !/^[0-9a-f]+$/.test(s))) return signatures.filter((s) => logs.includes(s)).length;
  const found = new Set<string>();
  for (const run of logs.match(new RegExp(`[0-9a-f]{${length},}`, 'g')) ?? []) {
    for (let i = 0; i + length <= run.length; i++) {
      const candidate = run.slice(i, i + length);
      if (wanted.has(candidate)) found.add(candidate);
    }
  }
  return found.size;
}

function record(
  summary: HostileSummary,
  input: HostileInput,
  verdict: ReturnType<typeof judgeHostile>,
  mutations: number,
  calls: number,
  unhandled: number,
  onOutcome: (o: CheckOutcome) => void,
  requestType: string,
): void {
  summary.tried += 1;
  if (verdict.rejectedWithPath) summary.rejectedWithPath += 1;
  if (verdict.allPathsNamed) summary.allPathsNamed += 1;
  if (verdict.accepted) summary.accepted += 1;
  summary.kmsMutations += mutations;
  summary.kmsCalls += calls;
  summary.unhandled += unhandled;
  if (verdict.problems.length > 0) {
    const outcome: CheckOutcome = {
      name: `hostile ${requestType}: ${input.name.slice(0, 120)}`,
      ok: false,
      problems: verdict.problems,
      input: clip(JSON.stringify(input.properties), 1500),
    };
    summary.outcomes.push(outcome);
    onOutcome(outcome);
  }
}

/** The same judgement through the driver (a fresh Lambda-like process per request), for a sample. */
export async function runHostileViaDriver(
  harness: Harness,
  inputs: HostileInput[],
  summary: HostileSummary,
  onOutcome: (o: CheckOutcome) => void,
): Promise<void> {
  const prepared = await harness.prepare('rel-hostile-driver');
  for (const input of inputs) {
    const event = prepared.stack.driver.event({ requestType: 'Create', resource: prepared.stack.resource, properties: input.properties });
    const before = await harness.control.counts();
    const result = await prepared.stack.driver.deliver(event);
    const mutations = (await harness.control.counts()).mutations - before.mutations;
    const verdict = judgeHostile(input, result, mutations, []);
    summary.viaDriver += 1;
    record(summary, input, verdict, mutations, 0, 0, onOutcome, 'Create (driver)');
  }
}

/** Garbage properties for a Delete: the product must fall back to safe defaults and the recorded windows. */
export function garbageForDelete(): { name: string; properties: CfnMap }[] {
  return [
    { name: 'no properties at all', properties: {} },
    {
      name: 'wrong types everywhere',
      properties: { AwsAccountId: 'not-an-account', CustomerMasterKeys: 'garbage', DefaultDeletionWindowInDays: '1e1', Unknown: ['x'] },
    },
    {
      name: 'another account, bad windows',
      properties: { AwsAccountId: '999999999999', CustomerMasterKeys: { 'cmk-prod': { DeletionWindowInDays: '3' }, 'bad name!': {} } },
    },
    {
      name: '5,000 bogus keys',
      properties: { AwsAccountId: '111122223333', CustomerMasterKeys: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, { Spec: 'AES' }])) },
    },
  ];
}

/**
 * Create the reference, then Delete it with garbage properties: SUCCESS, every owned key scheduled
 * for deletion with the window recorded on it (cmk-prod 7 days, cmk-stage 30), no alias left on
 * them, foreign keys untouched.
 */
export async function runDeleteWithGarbage(harness: Harness, summary: HostileSummary, onOutcome: (o: CheckOutcome) => void): Promise<void> {
  for (const garbage of garbageForDelete()) {
    const prepared = await harness.prepare('rel-hostile-delete');
    const created = await prepared.stack.create(referenceProperties());
    const problems = deliveryProblems('Create', created, 'SUCCESS');
    const evidence = [];
    if (problems.length === 0) {
      const event = prepared.stack.driver.event({
        requestType: 'Delete',
        resource: prepared.stack.resource,
        properties: garbage.properties,
        physicalResourceId: prepared.stack.physicalResourceId ?? prepared.ownerId,
      });
      const deleted = await prepared.stack.deliver(event);
      problems.push(...deliveryProblems('Delete', deleted, 'SUCCESS'));
      const state = await harness.control.state();
      const owned = state.keys.filter((k) => k.tags[OWNERSHIP_TAGS.owner] === prepared.ownerId);
      if (owned.length === 0) problems.push('no owned key found after Delete (expected them pending deletion)');
      for (const key of owned) {
        const where = `${key.region}/${key.tags[OWNERSHIP_TAGS.keyName]} (${key.keyId})`;
        if (key.keyState !== 'PendingDeletion' && key.keyState !== 'PendingReplicaDeletion') problems.push(`${where} is ${key.keyState}, not pending deletion`);
        const window = Number(key.tags[OWNERSHIP_TAGS.deletionWindowInDays]);
        if (key.pendingWindowInDays !== window) problems.push(`${where}: pending window ${key.pendingWindowInDays}, recorded ${window}`);
        const aliases = state.aliases.filter((a) => a.region === key.region && a.targetKeyId === key.keyId).map((a) => a.aliasName);
        if (aliases.length > 0) problems.push(`${where} still has ${aliases.join(', ')}`);
      }
      problems.push(...(await harness.foreignTouched(prepared)).map((f) => `foreign key touched: ${f}`));
      if (problems.length > 0) evidence.push(evidenceOf(deleted));
    } else evidence.push(evidenceOf(created));
    summary.deleteWithGarbage.tried += 1;
    const ok = problems.length === 0;
    if (ok) summary.deleteWithGarbage.passed += 1;
    const outcome: CheckOutcome = { name: `Delete with garbage properties: ${garbage.name}`, ok, problems, ...(ok ? {} : { evidence }) };
    summary.outcomes.push(outcome);
    onOutcome(outcome);
  }
}

/** Corpus + fuzz in warm containers, a sample via the driver, and the garbage Deletes. */
export async function runHostile(
  harness: Harness,
  inputs: HostileInput[],
  driverSample: HostileInput[],
  onOutcome: (o: CheckOutcome) => void,
): Promise<HostileSummary> {
  const summary = emptySummary();
  await runHostileBatch(harness, inputs, summary, onOutcome);
  await runHostileViaDriver(harness, driverSample, summary, onOutcome);
  await runDeleteWithGarbage(harness, summary, onOutcome);
  await runExistingKeyTypos(harness, regionTyposOnExistingKeys(), summary, onOutcome);
  return summary;
}
