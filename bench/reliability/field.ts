/**
 * Field realism (docs/behaviour.md §9, §4): the product against an emulator as unkind as AWS.
 * - `eventual_consistency`: the lifecycle and crash points spread over Create and Delete, with fresh keys answering
 *   NotFoundException and listings lagging writes; grants lagging too (removed right after being made,
 *   and by a rollback) and grants on keys that are not Enabled (grantScenarios.ts); and a Delete right
 *   after a failed Create while the listings lag by several seconds.
 * - `update_primary_region`: moving a primary, with replicas added or removed at once, and the
 *   rollback, while both keys stay `Updating`.
 * - `denied_regions`: an organization's Region-deny SCP on a Region without and with desired keys, and
 *   a listing denied by the identity policy (not an SCP), which must fail rather than skip.
 * - `iam_evaluated`: the lifecycle authorised against template.yaml's execution-role policy.
 * Each block starts its own emulator (one realism per emulator) and counts scenarios passed.
 */
import type { Driver, Stack } from '../../local/driver/index.ts';
import { CRASH_REQUESTS, cleanRun, crashPoint } from './crashPoints.ts';
import { grantsOnDisabledKeys, grantsOnRestoredKey, lateGrants } from './grantScenarios.ts';
import { type Harness, type HarnessOptions, startHarness } from './harness.ts';
import { checkInvariants } from './invariants.ts';
import { type CheckOutcome, deliveryProblems, evidenceOf } from './outcome.ts';
import { type Properties, referenceProperties, UPDATE_STEPS } from './reference.ts';

export interface BlockSummary {
  scenarios: number;
  passed: number;
  outcomes: CheckOutcome[];
}

export type Report = (outcome: CheckOutcome) => void;

/** Consistency delay, Updating time and the driver's pause between requests: small, for CI, as the e2e tests. */
export const FIELD_DELAYS = { consistencyDelayMs: 800, updatingMs: 1_000, requestGapMs: 800 } as const;

/** A block: scenarios run in order, each a list of problems (empty = passed). */
/** What one scenario found; `tally` when it stands for several (e.g. one per crash point). */
export interface ScenarioFinding {
  problems: string[];
  evidence?: CheckOutcome['evidence'];
  tally?: { scenarios: number; passed: number };
}

export async function runBlock(
  options: HarnessOptions,
  scenarios: [string, (harness: Harness) => Promise<ScenarioFinding>][],
  report: Report,
): Promise<BlockSummary> {
  const harness = await startHarness(options);
  const summary: BlockSummary = { scenarios: 0, passed: 0, outcomes: [] };
  try {
    for (const [name, run] of scenarios) {
      let result: ScenarioFinding;
      try {
        result = await run(harness);
      } catch (error) {
        result = { problems: [`the scenario threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`] };
      }
      const outcome: CheckOutcome = {
        name,
        ok: result.problems.length === 0,
        problems: result.problems,
        ...(result.evidence ? { evidence: result.evidence } : {}),
      };
      summary.scenarios += result.tally?.scenarios ?? 1;
      summary.passed += result.tally?.passed ?? (outcome.ok ? 1 : 0);
      summary.outcomes.push(outcome);
      report(outcome);
    }
  } finally {
    await harness.close();
  }
  return summary;
}

/** Invariant problems (duplicates, orphans, missing aliases, foreign keys touched) after a scenario. */
export async function stateProblems(harness: Harness, prepared: Awaited<ReturnType<Harness['prepare']>>): Promise<string[]> {
  const invariants = checkInvariants(await harness.control.state(), prepared.ownerId);
  return [
    ...invariants.duplicates.map((d) => `duplicate: ${d}`),
    ...invariants.orphans.map((o) => `orphan: ${o}`),
    ...invariants.missingAliases.map((m) => `missing alias: ${m}`),
    ...(await harness.foreignTouched(prepared)).map((f) => `foreign key touched: ${f}`),
  ];
}

/** Live keys the owner still has (after a Delete: none may be left). */
export async function liveKeysOf(harness: Harness, ownerId: string): Promise<string[]> {
  const { keys } = await harness.control.state();
  return keys
    .filter((k) => k.tags['MultiRegionKmsKeys:Owner'] === ownerId && k.keyState !== 'PendingDeletion' && k.keyState !== 'PendingReplicaDeletion')
    .map((k) => `${k.region}/${k.keyId} ${k.keyState}`);
}

export type Step = { label: string; run: (stack: Stack) => ReturnType<Stack['create']>; expected?: 'SUCCESS' | 'FAILED' };

/** Runs `steps` on a fresh stack; the invariants must hold after each, and nothing may be left live after a final Delete. */
export async function lifecycle(harness: Harness, name: string, steps: Step[], driver?: Driver): Promise<ScenarioFinding> {
  const prepared = await harness.prepare(name, driver);
  const problems: string[] = [];
  const evidence: NonNullable<CheckOutcome['evidence']> = [];
  for (const step of steps) {
    const result = await step.run(prepared.stack);
    const found = [
      ...deliveryProblems(step.label, result, step.expected ?? 'SUCCESS'),
      ...(await stateProblems(harness, prepared)).map((p) => `${step.label}: ${p}`),
    ];
    if (found.length > 0) evidence.push(evidenceOf(result));
    problems.push(...found);
  }
  if (steps.at(-1)?.label === 'Delete') problems.push(...(await liveKeysOf(harness, prepared.ownerId)).map((k) => `left live after Delete: ${k}`));
  return problems.length > 0 ? { problems, evidence } : { problems };
}

/** Create, every in-place Update kind, Delete of the reference configuration. */
export function referenceLifecycle(): Step[] {
  return [
    { label: 'Create', run: (stack) => stack.create(referenceProperties()) },
    ...UPDATE_STEPS.map((step) => ({ label: `Update (${step.name})`, run: (stack: Stack) => stack.update(step.properties()) })),
    { label: 'Delete', run: (stack) => stack.delete() },
  ];
}

/** `eventual_consistency`: the reference lifecycle, then crash points spread over Create and Delete (listings and tag index lagging). */
export async function runEventualConsistency(regions: string[], pointsPerRequest: number, report: Report): Promise<BlockSummary> {
  const options: HarnessOptions = {
    regions,
    replicaCreatingMs: 500,
    // The tag index lags as long as the listings: a crashed run's key is missing from it on replay.
    realism: { consistencyDelayMs: FIELD_DELAYS.consistencyDelayMs, tagIndexLagMs: FIELD_DELAYS.consistencyDelayMs },
    requestGapMs: FIELD_DELAYS.requestGapMs,
  };
  // Create and Delete: the requests that make and remove keys, where a lagging listing could duplicate or orphan one.
  const requests = CRASH_REQUESTS.filter((r) => r.requestType !== 'Update');
  const scenarios: Parameters<typeof runBlock>[1] = [
    ['consistency: reference lifecycle', (h) => lifecycle(h, 'rel-ec-lifecycle', referenceLifecycle())],
    ['consistency: a grant removed right after it was made, and by a rollback, is revoked', lateGrants(regions)],
    ['key states: grants on a key declared disabled, refused on one that stays disabled', grantsOnDisabledKeys(regions)],
    ['key states: a restored key is enabled before its grant is made', grantsOnRestoredKey(regions)],
  ];
  for (const request of requests) {
    scenarios.push([
      `consistency: crash points of ${request.name}`,
      async (harness) => {
        const { clean, outcome } = await cleanRun(harness, request);
        if (clean === null) return { problems: outcome.problems, ...(outcome.evidence ? { evidence: outcome.evidence } : {}) };
        const stride = Math.max(1, Math.ceil(clean.mutations / pointsPerRequest));
        const problems: string[] = [];
        const evidence: NonNullable<CheckOutcome['evidence']> = [];
        const tally = { scenarios: 0, passed: 0 };
        for (let n = 1; n <= clean.mutations; n += stride) {
          const point = await crashPoint(harness, request, clean, n);
          // A crash under lagging listings may leave an extra key scheduled for deletion: the state
          // need not equal the clean run's, but the invariants must hold (no live duplicate or orphan).
          const invariantProblems = point.outcome.problems.filter((p) => !p.startsWith('differs from the clean run'));
          problems.push(...invariantProblems.map((p) => `after mutation ${n}: ${p}`));
          if (invariantProblems.length > 0) evidence.push(...(point.outcome.evidence ?? []));
          tally.scenarios += 1;
          if (invariantProblems.length === 0) tally.passed += 1;
        }
        return problems.length > 0 ? { problems, evidence, tally } : { problems, tally };
      },
    ]);
  }
  const main = await runBlock(options, scenarios, report);
  const failed = await runDeleteAfterFailedCreate(regions, report);
  return { scenarios: main.scenarios + failed.scenarios, passed: main.passed + failed.passed, outcomes: [...main.outcomes, ...failed.outcomes] };
}

/** Listings lag writes by up to this long in the failed-Create scenario: several seconds, as AWS says they sometimes do. */
export const FAILED_CREATE_LISTING_LAG_MS = 4_000;

/**
 * A Delete right after a failed Create (docs/behaviour.md §6): CreateKey is denied in the last Region,
 * so the Create fails after making keys elsewhere; the Delete follows 200 ms later, while ListKeys,
 * ListAliases and the tag index lag by several seconds. No key of the Create may be left live.
 */
async function runDeleteAfterFailedCreate(regions: string[], report: Report): Promise<BlockSummary> {
  const [a, b] = regions;
  const denied = regions.at(-1)!;
  const scp = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Deny', Action: 'kms:CreateKey', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': denied } } }],
  };
  const keys = { 'cmk-made': { Region: a, ReplicaRegions: [b] }, 'cmk-single': { Region: b }, 'cmk-denied': { Region: denied } };
  return runBlock(
    {
      regions,
      replicaCreatingMs: 500,
      realism: { consistencyDelayMs: FAILED_CREATE_LISTING_LAG_MS, tagIndexLagMs: 2 * FAILED_CREATE_LISTING_LAG_MS, scp },
      requestGapMs: 200,
    },
    [
      [
        `consistency: Delete right after a failed Create (CreateKey denied in ${denied}, listings lagging ${FAILED_CREATE_LISTING_LAG_MS / 1000} s)`,
        (h) =>
          lifecycle(h, 'rel-ec-failed-create', [
            { label: 'Create (fails half-way)', expected: 'FAILED', run: (stack) => stack.create({ AwsAccountId: '111122223333', CustomerMasterKeys: keys }) },
            { label: 'Delete', run: (stack) => stack.delete() },
          ]),
      ],
    ],
    report,
  );
}

/** `update_primary_region`: moves of a primary, with replicas added and removed, each followed by its rollback. */
export async function runUpdatePrimaryRegion(regions: string[], report: Report): Promise<BlockSummary> {
  const [a, b, c] = regions;
  const props = (region: string, replicas: string[]): Properties => ({
    AwsAccountId: '111122223333',
    CustomerMasterKeys: { 'cmk-move': { Region: region, ReplicaRegions: replicas }, 'cmk-still': { Region: a, ReplicaRegions: [b] } },
  });
  const move = (label: string, from: Properties, to: Properties): [string, (h: Harness) => ReturnType<typeof lifecycle>] => [
    `update primary: ${label}`,
    (harness) =>
      lifecycle(harness, `rel-upr-${label.replace(/[^a-z]+/g, '-')}`, [
        { label: 'Create', run: (stack) => stack.create(from) },
        { label: 'Update (move)', run: (stack) => stack.update(to) },
        { label: 'rollback Update', run: (stack) => stack.rollbackUpdate() },
        { label: 'Delete', run: (stack) => stack.delete() },
      ]),
  ];
  return runBlock(
    {
      regions,
      replicaCreatingMs: 500,
      realism: { updatingMs: FIELD_DELAYS.updatingMs, consistencyDelayMs: FIELD_DELAYS.consistencyDelayMs },
      requestGapMs: FIELD_DELAYS.requestGapMs,
    },
    [
      move('to its replica', props(a!, [b!]), props(b!, [a!])),
      move('and add a replica', props(a!, [b!]), props(b!, [a!, c!])),
      move('and remove a replica', props(a!, [b!, c!]), props(b!, [a!])),
    ],
    report,
  );
}
