/**
 * The reconcile loop (docs/behaviour.md §6): read the actual state → plan → execute, again while
 * every failure was transient (a re-read finds what a failed call may have made, and the next plan
 * does only what is left). Create, Update and Delete all end here; Delete reconciles to nothing.
 */

import { AccessDeniedError, KmsError } from '../errors.ts';
import { type ExecuteDeps, execute } from '../executor/index.ts';
import { MadeKeys } from '../executor/madeKeys.ts';
import type { KmsApiFactory, KmsQuotas } from '../kmsApi.ts';
import type { Log } from '../logger.ts';
import { plan } from '../planner/index.ts';
import { type PlanInput, readForPlan } from '../reader/index.ts';
import { type Clock, systemClock } from '../retry/clock.ts';
import { Pacer } from '../retry/pacer.ts';
import { MAX_RECONCILE_PASSES, REREAD_PAUSE_MS } from '../retry/policy.ts';
import type { ActionOutcome, DesiredState, Plan, ResourceContext } from '../types.ts';
import { buildAttributes, grantIdsOf } from './attributes.ts';
import { executionFailureReason, RESUME_ADVICE, refusalReason } from './failureReasons.ts';
import { customKeyStoreProblem } from './keyStoreCheck.ts';
import { countByRegionAndKind, executionCounts } from './outcomeCounts.ts';
import type { RequestProgress } from './progress.ts';
import { failedResult, type RequestResult } from './requestResult.ts';

export interface ReconcileDeps {
  kms: KmsApiFactory;
  context: ResourceContext;
  /** Epoch ms: no KMS action starts after it, and no further reconcile pass. */
  deadline: number;
  log: Log;
  quotas?: Partial<KmsQuotas>;
  /** Filled in as the request advances, so an answer forced by the deadline can say what was done. */
  progress: RequestProgress;
  /**
   * The keys made or changed by this request, filled in as it goes; pass one to learn them
   * afterwards (a failed Create removes them, lib/request/failedCreate.ts).
   */
  madeKeys?: MadeKeys;
  /** How long a KMS request denied by anything but an SCP is asked again (lib/retry/policy.ts); default there. */
  iamPropagationMs?: number;
  /** Times every wait of the request (reads, pacing, retries, polls); real time when absent. */
  clock?: Clock;
}

/** What one request reconciles: the planner's input, and what the reader and the answer need besides. */
export interface ReconcileRequest {
  desired: DesiredState;
  /** `ReturnAttributes`: the attributes the answer carries. */
  returnAttributes: string[];
  /**
   * For the tag index (lib/reader/tagIndex.ts): the `alias/<name>` of every key this request's
   * properties and previous properties name, whose targets' tags the reader always reads directly.
   * null: some properties could not be read, and the reader reads every key's tags.
   */
  tagIndexAliasNames: readonly string[] | null;
}

/** Read → plan → execute, up to `MAX_RECONCILE_PASSES` times while every failure was transient. */
export async function reconcile(request: ReconcileRequest, deps: ReconcileDeps): Promise<RequestResult> {
  const { desired, returnAttributes } = request;
  const { kms, context, log, deadline, progress } = deps;
  const clock = deps.clock ?? systemClock;
  const now = () => clock.now();
  const { readInput, execution } = passInputs(request, deps, clock);
  let last = { planned: 0, outcomes: [] as ActionOutcome[] };

  for (let pass = 1; pass <= MAX_RECONCILE_PASSES; pass++) {
    progress.startPass(`reading the actual state (pass ${pass})`);
    let read: PlanInput;
    try {
      read = await readForPlan(desired, { ...readInput, log });
    } catch (error) {
      if (error instanceof AccessDeniedError) return accessDeniedResult(error, pass, log);
      // A read KMS has not caught up with (a listed key still answering NotFound): read again, or say so.
      if (!(error instanceof KmsError && error.retryable)) throw error;
      if (pass < MAX_RECONCILE_PASSES && now() < deadline) continue;
      return failedResult(`Reading the actual state failed: ${error.message}. ${RESUME_ADVICE}`);
    }
    if (read.failure !== null) return failedResult(`${read.failure}${pass === 1 ? ' Nothing was changed.' : ''}`);
    const skipped = read.skippedRegions;
    const current = plan(read.desired, read.actual);
    log.info('plan', { pass, planned: countByRegionAndKind(current.actions), refusals: current.refusals });
    if (current.refusals.length > 0) return failedResult(refusalReason(current.refusals));
    if (current.actions.length === 0) return succeeded(desired, current, [], context, returnAttributes, skipped);
    const storeProblem = await customKeyStoreProblem(current, kms);
    if (storeProblem !== null) return failedResult(storeProblem);

    progress.phase = `executing the plan (pass ${pass})`;
    const result = await execute(current, execution);
    log.info('executed', { pass, ...executionCounts(result) });

    const previous = last;
    last = { planned: current.actions.length, outcomes: result.outcomes };
    const failures = result.outcomes.filter((o) => o.status === 'failed');
    const unfinished = failures.length + result.outcomes.filter((o) => o.status === 'skipped').length;
    if (unfinished === 0) {
      return succeeded(desired, current, result.outcomes, context, returnAttributes, skipped);
    }
    const transient = failures.length > 0 && failures.every((o) => o.retryable === true);
    if (!transient || result.deadlineReached || now() >= deadline) {
      // A pass the deadline stopped before it started anything says less than the failures of the pass before it.
      const shown = failures.length === 0 && previous.outcomes.some((o) => o.status === 'failed') ? previous : last;
      return failedResult(executionFailureReason(shown.planned, shown.outcomes, result.deadlineReached, progress));
    }
    log.warn('transient failures: reading and planning again', { pass, failures: failures.map((o) => `${o.actionId}: ${o.error ?? ''}`) });
    // KMS's listings lag its writes by moments: reading again at once could meet the same stale view.
    await clock.sleep(Math.max(0, Math.min(REREAD_PAUSE_MS, deadline - now())));
  }
  return failedResult(executionFailureReason(last.planned, last.outcomes, false, progress));
}

/** What every pass reads and executes with, from the request and the dependencies. */
function passInputs(request: ReconcileRequest, deps: ReconcileDeps, clock: Clock) {
  const { desired, tagIndexAliasNames } = request;
  const { kms, log, deadline, progress } = deps;
  // One pacer for reads and writes, across passes: KMS's quotas are per account and Region.
  const pacer = new Pacer({ quotas: deps.quotas, clock });
  const aliasNames = [...new Set(desired.keys.flatMap((k) => [k.aliasName, ...k.extraAliasNames]))];
  // Keys made or changed by this request, across passes: KMS may not list or find them yet.
  const madeKeys = deps.madeKeys ?? new MadeKeys();
  const tagIndex = tagIndexAliasNames === null ? null : { directAliasNames: tagIndexAliasNames, log };
  const readInput = { aliasNames, kms, pacer, madeKeys, tagIndex, clock, deadline, ...iamOf(deps) };
  const execution: ExecuteDeps = {
    kms,
    pacer,
    deadline,
    clock,
    madeKeys,
    log,
    timings: iamOf(deps),
    // Each outcome recorded as it comes: an answer forced by the deadline can say what was done.
    onOutcome: (outcome) => progress.record(outcome),
  };
  return { readInput, execution };
}

/** The IAM propagation window of reads and writes, when the function's configuration sets one. */
function iamOf(deps: ReconcileDeps): { iamPropagationMs?: number } {
  return deps.iamPropagationMs === undefined ? {} : { iamPropagationMs: deps.iamPropagationMs };
}

/** Denied by something other than an SCP, still after the IAM propagation window: FAILED, never a skipped Region. */
function accessDeniedResult(error: AccessDeniedError, pass: number, log: Log): RequestResult {
  log.error('KMS denies the function access', { region: error.context.region, action: error.context.action, denial: error.denial });
  return failedResult(`${error.message}${pass === 1 ? ' Nothing was changed.' : ''}`);
}

function succeeded(
  desired: DesiredState,
  current: Plan,
  outcomes: ActionOutcome[],
  context: ResourceContext,
  returnAttributes: string[],
  skippedRegions: string[],
): RequestResult {
  const created = new Map(outcomes.flatMap((o) => (o.keyId === undefined ? [] : [[o.actionId, o.keyId] as const])));
  // CreateGrant answers the GrantId; existing grants are bound by the plan (GrantIds.* attributes).
  const createdGrants = new Map(outcomes.flatMap((o) => (o.grantId === undefined ? [] : [[o.actionId, o.grantId] as const])));
  const keyIds: Record<string, string> = {};
  for (const [id, ref] of Object.entries(current.bindings)) {
    const keyId = 'keyId' in ref ? ref.keyId : created.get(ref.created);
    if (keyId !== undefined) keyIds[id] = keyId;
  }
  const data = buildAttributes(desired, keyIds, context, returnAttributes, skippedRegions, grantIdsOf(current, createdGrants));
  // A removal (a Delete, or an Update that wants no key) names what it could not reach: keys may remain there.
  const removal = desired.keys.length === 0 && skippedRegions.length > 0;
  return removal ? { status: 'SUCCESS', reason: skippedReason(skippedRegions), data } : { status: 'SUCCESS', data };
}

/**
 * A removal that skipped Regions says so in its Reason (a Delete's Data is not shown anywhere): only a
 * service control policy denial skips one, and keys of this resource may remain there.
 */
export function skippedReason(skippedRegions: string[]): string {
  return (
    `Skipped ${skippedRegions.join(', ')}: a service control policy denies KMS there, so nothing there was read, changed or deleted. ` +
    'A key of this resource left there stays until the policy allows KMS and a later Update or Delete of this resource (or you) removes it.'
  );
}
