/**
 * Crash at every step (docs/behaviour.md §6 crash safety): for each request of the reference lifecycle, a clean
 * run learns how many mutating KMS calls it makes (M) and the state it ends in; then for every
 * N in 1..M the same request is delivered with the function killed right after the Nth mutation
 * takes effect (emulator crash point, armed with the child's pid), redelivered as Lambda's retry
 * does, and the final state is compared with the clean run's.
 */
import type { RequestType } from '../../local/driver/index.ts';
import { scenarios } from '../../local/driver/index.ts';
import type { Harness, PreparedScenario } from './harness.ts';
import { checkInvariants } from './invariants.ts';
import { diffStates, type NormalisedState, normaliseState } from './normalise.ts';
import { type CheckOutcome, deliveryProblems, evidenceOf } from './outcome.ts';
import { grantsChanged, type Properties, referenceProperties, UPDATE_STEPS, withAliasesAndStatements, withReferenceGrants } from './reference.ts';

/** One request of the lifecycle, with how to reach the state it starts from. */
export interface CrashRequest {
  name: string;
  requestType: RequestType;
  /** New properties (Create, Update). */
  properties?: () => Properties;
  /** Whether the reference must be created first (Update, Delete). */
  afterCreate: boolean;
  /** What to create first instead of the reference (with `afterCreate`). */
  before?: () => Properties;
}

/** Create, each in-place Update kind, and Delete of the reference configuration. */
export const CRASH_REQUESTS: CrashRequest[] = [
  { name: 'Create', requestType: 'Create', properties: referenceProperties, afterCreate: false },
  ...UPDATE_STEPS.map((step) => ({ name: `Update (${step.name})`, requestType: 'Update' as const, properties: step.properties, afterCreate: true })),
  {
    // CreateAlias of the new name and DeleteAlias of the retired one, in the primary and both replica Regions.
    name: 'Update (an extra alias renamed)',
    requestType: 'Update',
    before: withAliasesAndStatements(['cmk-prod-v1', 'orders']),
    properties: withAliasesAndStatements(['cmk-prod-v2', 'orders']),
    afterCreate: true,
  },
  { name: 'Update (grant changed, removed, added)', requestType: 'Update', properties: grantsChanged, afterCreate: true, before: withReferenceGrants },
  { name: 'Delete', requestType: 'Delete', afterCreate: true },
  { name: 'Delete (with grants)', requestType: 'Delete', afterCreate: true, before: withReferenceGrants },
];

export interface CrashSummary {
  tried: number;
  converged: number;
  duplicates: number;
  orphans: number;
  missingAliases: number;
  /** Per request: mutations of the clean run and crash points that converged. */
  requests: { name: string; mutations: number; tried: number; converged: number }[];
  outcomes: CheckOutcome[];
}

function slug(name: string): string {
  return `rel-crash-${name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/-+$/, '')}`;
}

/** Resets, then brings the emulator to the state `request` starts from, by clean requests. */
async function preState(harness: Harness, request: CrashRequest): Promise<{ prepared: PreparedScenario; problems: string[] }> {
  const prepared = await harness.prepare(slug(request.name));
  const problems: string[] = [];
  if (request.afterCreate) {
    const created = await prepared.stack.create((request.before ?? referenceProperties)());
    problems.push(...deliveryProblems('pre-state Create', created, 'SUCCESS'));
  }
  await harness.control.resetCounts();
  return { prepared, problems };
}

export interface CleanRun {
  mutations: number;
  state: NormalisedState;
}

export async function cleanRun(harness: Harness, request: CrashRequest): Promise<{ clean: CleanRun | null; outcome: CheckOutcome }> {
  const name = `crash ${request.name}: clean run`;
  const { prepared, problems } = await preState(harness, request);
  if (problems.length > 0) return { clean: null, outcome: { name, ok: false, problems } };
  const event = prepared.stack.nextEvent(request.requestType, request.properties?.());
  const result = await prepared.stack.deliver(event);
  const { mutations } = await harness.control.counts();
  const snapshot = await harness.control.state();
  const invariants = checkInvariants(snapshot, prepared.ownerId);
  problems.push(
    ...deliveryProblems(request.name, result, 'SUCCESS'),
    ...invariants.duplicates.map((d) => `duplicate: ${d}`),
    ...invariants.orphans.map((o) => `orphan: ${o}`),
    ...invariants.missingAliases.map((m) => `missing alias: ${m}`),
    ...(await harness.foreignTouched(prepared)).map((f) => `foreign key touched: ${f}`),
  );
  const outcome: CheckOutcome = { name, ok: problems.length === 0, problems, ...(problems.length > 0 ? { evidence: [evidenceOf(result)] } : {}) };
  return { clean: problems.length === 0 ? { mutations, state: normaliseState(snapshot, prepared.ownerId) } : null, outcome };
}

export async function crashPoint(
  harness: Harness,
  request: CrashRequest,
  clean: CleanRun,
  n: number,
): Promise<{ outcome: CheckOutcome; duplicates: number; orphans: number; missingAliases: number }> {
  const name = `crash ${request.name} after mutation ${n}/${clean.mutations}`;
  const { prepared, problems } = await preState(harness, request);
  if (problems.length > 0) return { outcome: { name, ok: false, problems }, duplicates: 0, orphans: 0, missingAliases: 0 };
  const run = await scenarios.crashAndRedeliver(prepared.stack, request.requestType, request.properties?.(), scenarios.emulatorCrash(harness.url, n));
  const snapshot = await harness.control.state();
  const invariants = checkInvariants(snapshot, prepared.ownerId);
  const diffs = diffStates(clean.state, normaliseState(snapshot, prepared.ownerId));
  problems.push(
    ...run.problems,
    ...invariants.duplicates.map((d) => `duplicate: ${d}`),
    ...invariants.orphans.map((o) => `orphan: ${o}`),
    ...invariants.missingAliases.map((m) => `missing alias: ${m}`),
    ...diffs.map((d) => `differs from the clean run: ${d}`),
    ...(await harness.foreignTouched(prepared)).map((f) => `foreign key touched: ${f}`),
  );
  const ok = problems.length === 0;
  return {
    outcome: { name, ok, problems, ...(ok ? {} : { evidence: run.steps.map(evidenceOf) }) },
    duplicates: invariants.duplicates.length,
    orphans: invariants.orphans.length,
    missingAliases: invariants.missingAliases.length,
  };
}

/** Runs every crash point of every request; `onOutcome` sees each as it finishes (progress output). */
export async function runCrashPoints(
  harness: Harness,
  onOutcome: (outcome: CheckOutcome) => void,
  requests: CrashRequest[] = CRASH_REQUESTS,
): Promise<CrashSummary> {
  const summary: CrashSummary = { tried: 0, converged: 0, duplicates: 0, orphans: 0, missingAliases: 0, requests: [], outcomes: [] };
  const record = (outcome: CheckOutcome) => {
    summary.outcomes.push(outcome);
    onOutcome(outcome);
  };
  for (const request of requests) {
    const { clean, outcome } = await cleanRun(harness, request);
    record(outcome);
    const row = { name: request.name, mutations: clean?.mutations ?? 0, tried: 0, converged: 0 };
    summary.requests.push(row);
    if (clean === null) {
      // Without a clean run there is nothing to converge to: count it as one failed crash point.
      summary.tried += 1;
      row.tried += 1;
      continue;
    }
    for (let n = 1; n <= clean.mutations; n++) {
      const point = await crashPoint(harness, request, clean, n);
      record(point.outcome);
      summary.tried += 1;
      row.tried += 1;
      summary.duplicates += point.duplicates;
      summary.orphans += point.orphans;
      summary.missingAliases += point.missingAliases;
      if (point.outcome.ok) {
        summary.converged += 1;
        row.converged += 1;
      }
    }
  }
  return summary;
}
