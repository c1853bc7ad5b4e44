/**
 * Runs a plan (docs/behaviour.md §9): every Region in parallel, each action as soon as all of its `dependsOn`
 * are done (a DAG scheduler, not waves), each request paced and retried where safe, nothing new
 * started after the deadline. A failed action marks everything that depends on it `skipped`.
 * Actions on the critical path (executor/priority.ts) are started first and paced first.
 */

import type { KmsApiFactory } from '../kmsApi.ts';
import { type KmsQuotas, REPLICATE_KEY_CREATE_KEY_COST } from '../kmsApi.ts';
import { type Log, silentLog } from '../logger.ts';
import { type Clock, systemClock } from '../retry/clock.ts';
import { Pacer } from '../retry/pacer.ts';
import { DEFAULT_RETRY_TIMINGS, type RetryTimings } from '../retry/policy.ts';
import type { Action, ActionOutcome, ExecutionResult, Plan } from '../types.ts';
import type { ExecutionContext } from './context.ts';
import { MadeKeys } from './madeKeys.ts';
import { criticalPathPriorities } from './priority.ts';
import { Schedule } from './schedule.ts';

export interface ExecuteDeps {
  kms: KmsApiFactory;
  /** Shared with the reader of the same request; built from `quotas` when absent. */
  pacer?: Pacer;
  quotas?: Partial<KmsQuotas>;
  /** Epoch ms: no new action starts after it. */
  deadline?: number;
  /** Times retries, polls and pacing; real time when absent. */
  clock?: Clock;
  /** Told of every finished action (done, failed or skipped), as it finishes. */
  onOutcome?: (outcome: ActionOutcome) => void;
  /** One debug entry per finished action (no policies, no tag values); silent when absent. */
  log?: Log;
  /** Overrides of the waits' time limits (lib/retry/policy.ts, DEFAULT_RETRY_TIMINGS). */
  timings?: Partial<RetryTimings>;
  /**
   * Keys made or changed by this request, shared across reconcile passes; the executor adds the
   * keys it makes. A fresh one when absent.
   */
  madeKeys?: MadeKeys;
  /** Jitter source; injectable for tests. */
  random?: () => number;
}

/** Executes `plan.actions`; never rejects: failures are reported per action. */
export async function execute(plan: Plan, deps: ExecuteDeps): Promise<ExecutionResult> {
  let retries = 0;
  const ctx = executionContext(plan, deps, () => {
    retries++;
  });
  const priorities = criticalPathPriorities(plan.actions);
  const priorityOf = (action: Action): number => priorities.get(action.id) ?? 0;
  reserveReplicaTokens(ctx, plan.actions, priorityOf);
  const schedule = new Schedule(plan.actions, ctx, priorityOf, (outcome, action, durationMs) => {
    deps.onOutcome?.(outcome);
    logOutcome(ctx.log, outcome, action, durationMs);
  });
  await schedule.run();
  return { outcomes: schedule.outcomes(), deadlineReached: schedule.deadlineReached, retries };
}

/** What the actions of one execution share, from the dependencies and their defaults. */
function executionContext(plan: Plan, deps: ExecuteDeps, countRetry: () => void): ExecutionContext {
  const clock = deps.clock ?? systemClock;
  return {
    kms: deps.kms,
    pacer: deps.pacer ?? new Pacer({ quotas: deps.quotas, clock }),
    clock,
    log: deps.log ?? silentLog,
    random: deps.random ?? Math.random,
    deadline: deps.deadline,
    timings: { ...DEFAULT_RETRY_TIMINGS, ...deps.timings },
    madeKeys: deps.madeKeys ?? new MadeKeys(),
    movingKeyIds: new Set(plan.actions.flatMap((a) => (a.kind === 'UpdatePrimaryRegion' && 'keyId' in a.key ? [a.key.keyId] : []))),
    updatingMembers: new Set(),
    countRetry,
    reservations: new Map(),
  };
}

/** Each ReplicateKey's CreateKey tokens wait for it in its replica Region (lib/retry/pacer.ts, reservations). */
function reserveReplicaTokens(ctx: ExecutionContext, actions: readonly Action[], priorityOf: (action: Action) => number): void {
  for (const action of actions) {
    if (action.kind !== 'ReplicateKey') continue;
    ctx.reservations.set(action.id, ctx.pacer.reserve(action.replicaRegion, 'CreateKey', REPLICATE_KEY_CREATE_KEY_COST, priorityOf(action)));
  }
}

/** One debug entry per finished action (no policies, no tag values). */
function logOutcome(log: Log, outcome: ActionOutcome, action: Action, durationMs: number | undefined): void {
  log.debug(`KMS ${action.kind} ${outcome.status}`, {
    ...outcome,
    ...(action.kind === 'ReplicateKey' ? { replicaRegion: action.replicaRegion } : {}),
    ...(durationMs === undefined ? {} : { durationMs }),
  });
}
