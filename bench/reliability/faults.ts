/**
 * Fault scenarios (docs/behaviour.md §8, §9): the reference lifecycle — Create, Update (a policy change), Delete —
 * under injected KMS faults (5xx, dropped connections, latency spikes, a throttling storm), a
 * ResponseURL that fails its first three PUTs, and a KMS so slow that the Lambda deadline arrives.
 * Each step must answer as CloudFormation needs and leave the state a clean run leaves.
 */
import { createDriver, type Driver, type PutFault, type RequestResult, type Stack } from '../../local/driver/index.ts';
import type { EmulatorConfigPatch } from '../../local/emulator/client.ts';
import type { Harness, PreparedScenario } from './harness.ts';
import { checkInvariants } from './invariants.ts';
import { diffStates, type NormalisedState, normaliseState } from './normalise.ts';
import { type CheckOutcome, deliveryProblems, evidenceOf } from './outcome.ts';
import { type Properties, referenceProperties, UPDATE_STEPS } from './reference.ts';

const STACK_NAME = 'rel-faults';
const NO_FAULTS: EmulatorConfigPatch = { latencyMs: 0, latencyJitterMs: 0, errorRate5xx: 0, dropRate: 0, quotaScale: 1 };

/** One step of the lifecycle every scenario replays. */
interface Step {
  label: 'Create' | 'Update' | 'Delete';
  run(stack: Stack): Promise<RequestResult>;
}

const updated: () => Properties = UPDATE_STEPS[0]!.properties;
const LIFECYCLE: Step[] = [
  { label: 'Create', run: (stack) => stack.create(referenceProperties()) },
  { label: 'Update', run: (stack) => stack.update(updated()) },
  { label: 'Delete', run: (stack) => stack.delete() },
];

export interface FaultScenario {
  name: string;
  /** Emulator behaviour during the whole lifecycle. */
  emulator?: EmulatorConfigPatch;
  /** Fail the first three PUTs of every request this way. */
  putFault?: PutFault;
}

/** The scenarios of a run; `seeds` repeats the random ones with other dice. */
export function faultScenarios(seeds: number[]): FaultScenario[] {
  const random = seeds.flatMap((seed) => [
    { name: `kms 5% 5xx (seed ${seed})`, emulator: { errorRate5xx: 0.05, seed } },
    { name: `kms 5% dropped connections (seed ${seed})`, emulator: { dropRate: 0.05, seed } },
    { name: `kms 5% 5xx + 5% dropped (seed ${seed})`, emulator: { errorRate5xx: 0.05, dropRate: 0.05, seed } },
    { name: `kms latency spikes 20 ms + up to 800 ms (seed ${seed})`, emulator: { latencyMs: 20, latencyJitterMs: 800, seed } },
  ]);
  return [
    ...random,
    { name: 'throttling storm (quotaScale 0.2)', emulator: { quotaScale: 0.2 } },
    { name: 'ResponseURL fails its first 3 PUTs (500)', putFault: 'status500' },
    { name: 'ResponseURL fails its first 3 PUTs (dropped)', putFault: 'drop' },
  ];
}

/** Normalised state after each step of a clean lifecycle: what every scenario must end each step in. */
export async function cleanLifecycle(harness: Harness): Promise<{ states: NormalisedState[] | null; outcome: CheckOutcome }> {
  const name = 'fault baseline (clean lifecycle)';
  const prepared = await harness.prepare(STACK_NAME);
  const states: NormalisedState[] = [];
  const problems: string[] = [];
  const evidence = [];
  for (const step of LIFECYCLE) {
    const result = await step.run(prepared.stack);
    const found = [...deliveryProblems(step.label, result, 'SUCCESS'), ...(await stateProblems(harness, prepared, step.label, null))];
    if (found.length > 0) evidence.push(evidenceOf(result));
    problems.push(...found);
    states.push(normaliseState(await harness.control.state(), prepared.ownerId));
  }
  const ok = problems.length === 0;
  return { states: ok ? states : null, outcome: { name, ok, problems, ...(ok ? {} : { evidence }) } };
}

/** Invariants, foreign keys, and (when given) equality with the clean run's state after the same step. */
async function stateProblems(harness: Harness, prepared: PreparedScenario, label: string, expected: NormalisedState | null): Promise<string[]> {
  const snapshot = await harness.control.state();
  const invariants = checkInvariants(snapshot, prepared.ownerId);
  const problems = [
    ...invariants.duplicates.map((d) => `after ${label}: duplicate: ${d}`),
    ...invariants.orphans.map((o) => `after ${label}: orphan: ${o}`),
    ...invariants.missingAliases.map((m) => `after ${label}: missing alias: ${m}`),
    ...(await harness.foreignTouched(prepared)).map((f) => `after ${label}: foreign key touched: ${f}`),
  ];
  if (expected !== null)
    problems.push(...diffStates(expected, normaliseState(snapshot, prepared.ownerId)).map((d) => `after ${label}: differs from the clean run: ${d}`));
  return problems;
}

/** A PUT-fault scenario gets a response server of its own, so an unspent fault cannot leak into the next scenario. */
async function driverFor(harness: Harness, scenario: FaultScenario): Promise<{ driver: Driver | undefined; close: () => Promise<void> }> {
  if (scenario.putFault === undefined) return { driver: undefined, close: async () => {} };
  const driver = await createDriver({ endpointUrl: harness.url });
  return { driver, close: () => driver.close() };
}

/** Runs one scenario's lifecycle and judges it. */
export async function runFaultScenario(harness: Harness, scenario: FaultScenario, clean: NormalisedState[]): Promise<CheckOutcome> {
  const { driver, close } = await driverFor(harness, scenario);
  const problems: string[] = [];
  const evidence = [];
  try {
    const prepared = await harness.prepare(STACK_NAME, driver);
    await harness.control.config({ ...NO_FAULTS, ...scenario.emulator });
    for (const [index, step] of LIFECYCLE.entries()) {
      if (scenario.putFault !== undefined) prepared.stack.driver.responses.failNextPuts(3, scenario.putFault);
      const result = await step.run(prepared.stack);
      const found = deliveryProblems(step.label, result, 'SUCCESS');
      if (scenario.putFault !== undefined) {
        const rejected = result.puts.filter((p) => !p.accepted).length;
        if (rejected !== 3) found.push(`${step.label}: ${rejected} PUTs failed by injection, expected 3 before the stored answer`);
      }
      // The faults stay on while the state is read through the control API, which they never affect.
      found.push(...(await stateProblems(harness, prepared, step.label, clean[index]!)));
      if (found.length > 0) evidence.push(evidenceOf(result));
      problems.push(...found);
      if (result.status !== 'SUCCESS') break;
    }
    const counts = await harness.control.counts();
    if (scenario.emulator?.quotaScale !== undefined && counts.throttled === 0)
      problems.push('the throttling storm throttled nothing: the scenario did not test what it claims');
    if ((scenario.emulator?.errorRate5xx ?? 0) + (scenario.emulator?.dropRate ?? 0) > 0 && counts.injectedFaults === 0)
      problems.push('no fault was injected: the scenario did not test what it claims');
  } finally {
    await harness.control.config(NO_FAULTS);
    await close();
  }
  const ok = problems.length === 0;
  return { name: `fault: ${scenario.name}`, ok, problems, ...(ok ? {} : { evidence }) };
}

export interface DeadlineSettings {
  latencyMs: number;
  latencyJitterMs: number;
  timeoutMs: number;
  marginMs: number;
}

/**
 * Settings of the deadline scenario: each KMS call 0.3–0.4 s, a 6 s function, a 3 s margin — slow
 * enough that the deadline strikes mid-plan, fast enough that some keys exist by then (the retry
 * must pick them up, not duplicate them).
 */
export const DEADLINE: DeadlineSettings = { latencyMs: 300, latencyJitterMs: 100, timeoutMs: 6000, marginMs: 3000 };

/**
 * KMS so slow that the deadline arrives: the Create must answer FAILED (saying that re-running
 * resumes) before Lambda's timeout and return normally; then the same Create, retried with normal
 * latency, converges to the clean state, and the rest of the lifecycle follows cleanly.
 */
export async function runDeadlineScenario(harness: Harness, clean: NormalisedState[], settings: DeadlineSettings = DEADLINE): Promise<CheckOutcome> {
  const name = `fault: deadline (KMS ${settings.latencyMs}+${settings.latencyJitterMs} ms per call, timeout ${settings.timeoutMs} ms, DEADLINE_MARGIN_MS ${settings.marginMs})`;
  const driver = await harness.driver({ DEADLINE_MARGIN_MS: String(settings.marginMs) });
  const prepared = await harness.prepare(STACK_NAME, driver);
  const problems: string[] = [];
  const evidence = [];
  try {
    await harness.control.config({ ...NO_FAULTS, latencyMs: settings.latencyMs, latencyJitterMs: settings.latencyJitterMs });
    const event = prepared.stack.nextEvent('Create', referenceProperties());
    const slow = await prepared.stack.deliver(event, { timeoutMs: settings.timeoutMs });
    const found = deliveryProblems('slow Create', slow, 'FAILED');
    const answeredAt = slow.puts.find((p) => p.accepted)?.receivedAt;
    if (slow.exit.outcome !== 'returned') found.push(`slow Create: the function did not return before the timeout (${slow.exit.outcome})`);
    if (answeredAt === undefined) found.push('slow Create: no answer before the timeout');
    if (slow.reason !== null && !/resum|re-?run/i.test(slow.reason))
      found.push(`slow Create: the Reason does not say that re-running resumes (${slow.reason})`);
    if (found.length > 0) evidence.push(evidenceOf(slow));
    problems.push(...found);
    const { mutations } = await harness.control.counts();
    await harness.control.config(NO_FAULTS);

    // A *later* retry (same event, a fresh process, normal latency) must pick up whatever the slow run
    // made. Waiting out the replicas' Creating phase keeps this scenario about the deadline; a retry
    // that meets Creating replicas is what the crash points test.
    await new Promise((resolve) => setTimeout(resolve, harness.options.replicaCreatingMs + 500));
    const retried = await prepared.stack.deliver(event);
    const retryProblems = [...deliveryProblems('retried Create', retried, 'SUCCESS'), ...(await stateProblems(harness, prepared, 'retried Create', clean[0]!))];
    if (retryProblems.length > 0) evidence.push(evidenceOf(retried));
    problems.push(...retryProblems);
    if (retried.status === 'SUCCESS') {
      for (const [index, step] of LIFECYCLE.slice(1).entries()) {
        const result = await step.run(prepared.stack);
        const stepProblems = [...deliveryProblems(step.label, result, 'SUCCESS'), ...(await stateProblems(harness, prepared, step.label, clean[index + 1]!))];
        if (stepProblems.length > 0) evidence.push(evidenceOf(result));
        problems.push(...stepProblems);
      }
    }
    const ok = problems.length === 0;
    return { name: `${name}; the slow run made ${mutations} mutation(s)`, ok, problems, ...(ok ? {} : { evidence }) };
  } finally {
    await harness.control.config(NO_FAULTS);
  }
}

export interface FaultSummary {
  scenarios: number;
  passed: number;
  outcomes: CheckOutcome[];
}

/** The baseline, every scenario and the deadline scenario. */
export async function runFaults(harness: Harness, seeds: number[], onOutcome: (outcome: CheckOutcome) => void): Promise<FaultSummary> {
  const summary: FaultSummary = { scenarios: 0, passed: 0, outcomes: [] };
  const record = (outcome: CheckOutcome) => {
    summary.scenarios += 1;
    if (outcome.ok) summary.passed += 1;
    summary.outcomes.push(outcome);
    onOutcome(outcome);
  };
  const baseline = await cleanLifecycle(harness);
  if (baseline.states === null) {
    record(baseline.outcome);
    return summary;
  }
  onOutcome(baseline.outcome);
  for (const scenario of faultScenarios(seeds)) record(await runFaultScenario(harness, scenario, baseline.states));
  record(await runDeadlineScenario(harness, baseline.states));
  return summary;
}
