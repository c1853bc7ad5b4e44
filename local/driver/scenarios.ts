/**
 * The scenario runners of docs/behaviour.md §10, composable over a `Stack`: used by the tests, `npm start`, the
 * bench and the reliability suite. Each returns every delivery it made and the problems found: the
 * CloudFormation violations of each answer plus what the scenario itself expects (statuses, the
 * same PhysicalResourceId throughout, duplicate answers that agree, a crash that really happened).
 */
import type { DeliverOptions, RequestResult } from './driver.ts';
import type { RequestType } from './events.ts';
import type { RawProperties, Stack } from './stack.ts';

export type ExpectedStatus = 'SUCCESS' | 'FAILED';

export interface ScenarioResult {
  name: string;
  steps: RequestResult[];
  /** Empty when the scenario went as CloudFormation and the product require. */
  problems: string[];
  ok: boolean;
}

/** Arms and clears a crash of the child process (e.g. the emulator's `/__emulator/crash`). */
export interface CrashControl {
  /** Called with the child's pid before the event is sent. */
  arm(pid: number): void | Promise<void>;
  /** Called after the crashed delivery, before the redelivery. */
  disarm?(): void | Promise<void>;
}

function scenario(name: string, steps: RequestResult[], problems: string[]): ScenarioResult {
  return { name, steps, problems, ok: problems.length === 0 };
}

/** The violations of a step plus a status mismatch, each prefixed with the step's label. */
function expectStep(label: string, result: RequestResult, expected: ExpectedStatus): string[] {
  const problems = result.violations.map((v) => `${label}: ${v}`);
  if (result.status !== expected) {
    const why = result.reason ? ` (${result.reason})` : '';
    problems.push(`${label}: expected ${expected}, got ${result.status ?? 'no valid answer'}${why}`);
  }
  return problems;
}

/** Create, expecting `expected` (default SUCCESS). */
export async function create(stack: Stack, properties: RawProperties, expected: ExpectedStatus = 'SUCCESS', options?: DeliverOptions): Promise<ScenarioResult> {
  const result = await stack.create(properties, options);
  return scenario('create', [result], expectStep('Create', result, expected));
}

/** Update to `properties`; the old ones are those the stack last recorded. */
export async function update(stack: Stack, properties: RawProperties, expected: ExpectedStatus = 'SUCCESS', options?: DeliverOptions): Promise<ScenarioResult> {
  const result = await stack.update(properties, options);
  return scenario('update', [result], expectStep('Update', result, expected));
}

/** Delete, expecting SUCCESS (a Delete must not fail). */
export async function remove(stack: Stack, options?: DeliverOptions): Promise<ScenarioResult> {
  const result = await stack.delete(options);
  return scenario('delete', [result], expectStep('Delete', result, 'SUCCESS'));
}

/**
 * A Create that fails (`properties` chosen to make it fail), then the Delete of the rollback with the
 * PhysicalResourceId the failed Create answered; the Delete must succeed.
 */
export async function failedCreateThenDelete(stack: Stack, properties: RawProperties): Promise<ScenarioResult> {
  const created = await stack.create(properties);
  const problems = expectStep('Create', created, 'FAILED');
  const deleted = await stack.delete();
  problems.push(...expectStep('Delete', deleted, 'SUCCESS'));
  if (created.physicalResourceId !== null && deleted.event.PhysicalResourceId !== created.physicalResourceId) {
    problems.push('Delete: did not carry the PhysicalResourceId the failed Create answered');
  }
  return scenario('failedCreateThenDelete', [created, deleted], problems);
}

export interface UpdateThenRollbackOptions {
  /** What the Update should answer; default SUCCESS. */
  expectUpdate?: ExpectedStatus;
  /**
   * Send the rollback Update: `true` always (another resource failed after this one updated),
   * `'onFailure'` (default) only when the Update failed, as CloudFormation does.
   */
  rollback?: boolean | 'onFailure';
}

/** Update to new properties, then (when asked) the rollback Update back to the old ones, old/new swapped. */
export async function updateThenRollback(stack: Stack, properties: RawProperties, options: UpdateThenRollbackOptions = {}): Promise<ScenarioResult> {
  const idBefore = stack.physicalResourceId;
  const updated = await stack.update(properties);
  const problems = expectStep('Update', updated, options.expectUpdate ?? 'SUCCESS');
  const steps = [updated];
  const rollback = options.rollback ?? 'onFailure';
  if (rollback === true || (rollback === 'onFailure' && updated.status !== 'SUCCESS')) {
    const rolledBack = await stack.rollbackUpdate();
    steps.push(rolledBack);
    problems.push(...expectStep('Rollback Update', rolledBack, 'SUCCESS'));
    if (rolledBack.physicalResourceId !== null && rolledBack.physicalResourceId !== idBefore)
      problems.push('Rollback Update: PhysicalResourceId differs from the original');
  }
  return scenario('updateThenRollback', steps, problems);
}

/**
 * The same event delivered twice in a row (at-least-once delivery): both deliveries must answer
 * SUCCESS, once each, with the same PhysicalResourceId and Data.
 */
export async function duplicateDelivery(stack: Stack, requestType: RequestType, properties?: RawProperties): Promise<ScenarioResult> {
  const event = stack.nextEvent(requestType, properties);
  const first = await stack.deliver(event);
  const awsRequestId = first.awsRequestId;
  const second = await stack.deliver(event, { awsRequestId });
  const problems = [...expectStep('first delivery', first, 'SUCCESS'), ...expectStep('second delivery', second, 'SUCCESS')];
  if (first.physicalResourceId !== second.physicalResourceId) {
    problems.push(`the deliveries answered different PhysicalResourceIds ("${first.physicalResourceId}", "${second.physicalResourceId}")`);
  }
  if (JSON.stringify(first.data) !== JSON.stringify(second.data)) problems.push('the deliveries answered different Data');
  return scenario('duplicateDelivery', [first, second], problems);
}

/**
 * The function is killed mid-request (`crash.arm` gets the pid before the event is sent), which
 * must leave no answer; Lambda then redelivers the same event to a fresh process, which must answer
 * exactly once with SUCCESS.
 */
export async function crashAndRedeliver(
  stack: Stack,
  requestType: RequestType,
  properties: RawProperties | undefined,
  crash: CrashControl,
): Promise<ScenarioResult> {
  const event = stack.nextEvent(requestType, properties);
  const crashed = await stack.deliver(event, { onSpawn: (pid) => crash.arm(pid) });
  const problems: string[] = [];
  if (crashed.exit.outcome !== 'crashed') problems.push(`crashed delivery: the process was not killed (${crashed.exit.outcome})`);
  if (crashed.putCount > 0) problems.push('crashed delivery: an answer was stored before the crash');
  await crash.disarm?.();
  const redelivered = await stack.deliver(event, { awsRequestId: crashed.awsRequestId });
  problems.push(...expectStep('redelivery', redelivered, 'SUCCESS'));
  return scenario('crashAndRedeliver', [crashed, redelivered], problems);
}

/** A `CrashControl` over the emulator's control API: SIGKILL the child after its Nth successful mutating KMS call. */
export function emulatorCrash(emulatorUrl: string, afterMutations: number): CrashControl {
  const post = async (body: unknown): Promise<void> => {
    const response = await fetch(`${emulatorUrl}/__emulator/crash`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`emulator crash control answered ${response.status}`);
  };
  return { arm: (pid) => post({ pid, afterMutations }), disarm: () => post({ clear: true }) };
}
