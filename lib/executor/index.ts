/**
 * Runs a plan (docs/behaviour.md §9): every Region in parallel, each action as soon as all of its `dependsOn`
 * are done (a DAG scheduler, not waves), each request paced and retried where safe, nothing new
 * started after the deadline. A failed action marks everything that depends on it `skipped`.
 * Actions on the critical path (executor/priority.ts) are started first and paced first.
 */
import { type KmsQuotas, REPLICATE_KEY_CREATE_KEY_COST } from '../constants.ts';
import { KmsError, PlanError } from '../errors.ts';
import type { KmsApiFactory } from '../kmsApi.ts';
import { type Log, silentLog } from '../logger.ts';
import { MadeKeys } from '../madeKeys.ts';
import { type Clock, systemClock } from '../retry/clock.ts';
import { Pacer } from '../retry/pacer.ts';
import {
  DEFAULT_POLICY_PROPAGATION_TIMEOUT_MS,
  DEFAULT_PRIMARY_UPDATE_TIMEOUT_MS,
  DEFAULT_REPLICA_READY_TIMEOUT_MS,
  DEFAULT_SETTLING_TIMEOUT_MS,
} from '../retry/policy.ts';
import type { Action, ActionOutcome, ExecutionResult, KeyRef, Plan } from '../types.ts';
import { type ActionResult, runAction } from './actions.ts';
import type { ExecutionContext } from './context.ts';
import { criticalPathPriorities } from './priority.ts';

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
  /** How long a new replica may stay `Creating`. Default 60 s. */
  replicaReadyTimeoutMs?: number;
  /** How long to wait for IAM to propagate a policy's principals. Default 120 s. */
  policyPropagationTimeoutMs?: number;
  /** How long both keys may stay `Updating` after UpdatePrimaryRegion. Default 300 s. */
  primaryUpdateTimeoutMs?: number;
  /** How long a key KMS has not caught up with is retried (lib/retry/policy.ts). Default 30 s. */
  settlingTimeoutMs?: number;
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
  const clock = deps.clock ?? systemClock;
  const now = () => clock.now();
  const log = deps.log ?? silentLog;
  let retries = 0;
  const ctx: ExecutionContext = {
    kms: deps.kms,
    pacer: deps.pacer ?? new Pacer({ quotas: deps.quotas, clock }),
    clock,
    log,
    random: deps.random ?? Math.random,
    deadline: deps.deadline,
    replicaReadyTimeoutMs: deps.replicaReadyTimeoutMs ?? DEFAULT_REPLICA_READY_TIMEOUT_MS,
    policyPropagationTimeoutMs: deps.policyPropagationTimeoutMs ?? DEFAULT_POLICY_PROPAGATION_TIMEOUT_MS,
    primaryUpdateTimeoutMs: deps.primaryUpdateTimeoutMs ?? DEFAULT_PRIMARY_UPDATE_TIMEOUT_MS,
    settlingTimeoutMs: deps.settlingTimeoutMs ?? DEFAULT_SETTLING_TIMEOUT_MS,
    madeKeys: deps.madeKeys ?? new MadeKeys(),
    movingKeyIds: new Set(plan.actions.flatMap((a) => (a.kind === 'UpdatePrimaryRegion' && 'keyId' in a.key ? [a.key.keyId] : []))),
    countRetry: () => {
      retries++;
    },
    reservations: new Map(),
  };
  const actions = plan.actions;
  const byId = new Map(actions.map((a) => [a.id, a]));
  const priorities = criticalPathPriorities(actions);
  const priorityOf = (action: Action): number => priorities.get(action.id) ?? 0;
  // Each ReplicateKey's CreateKey tokens wait for it in its replica Region (lib/retry/pacer.ts, reservations).
  for (const action of actions) {
    if (action.kind !== 'ReplicateKey') continue;
    ctx.reservations.set(action.id, ctx.pacer.reserve(action.replicaRegion, 'CreateKey', REPLICATE_KEY_CREATE_KEY_COST, priorityOf(action)));
  }
  // Started (and so queued at the Pacer) in priority order; `sort` is stable: plan order otherwise.
  const startAll = (ready: Action[]): void => {
    for (const action of [...ready].sort((a, b) => priorityOf(b) - priorityOf(a))) start(action);
  };
  const outcomes = new Map<string, ActionOutcome>();
  const dependents = new Map<string, Action[]>();
  const waitingOn = new Map<string, number>();
  const inflight = new Set<Promise<void>>();
  let wakeUp: (() => void) | undefined;
  let deadlineReached = false;

  const finish = (action: Action, status: ActionOutcome['status'], details: Partial<ActionOutcome> = {}, startedAt?: number): void => {
    if (outcomes.has(action.id)) return;
    ctx.reservations.get(action.id)?.();
    const outcome: ActionOutcome = { actionId: action.id, kind: action.kind, region: action.region, keyName: action.keyName, status, ...details };
    outcomes.set(action.id, outcome);
    deps.onOutcome?.(outcome);
    log.debug(`KMS ${action.kind} ${status}`, {
      ...outcome,
      ...(action.kind === 'ReplicateKey' ? { replicaRegion: action.replicaRegion } : {}),
      ...(startedAt === undefined ? {} : { durationMs: now() - startedAt }),
    });
    const ready: Action[] = [];
    for (const dependent of dependents.get(action.id) ?? []) {
      if (status !== 'done') {
        finish(dependent, 'skipped', { error: `not started: ${action.id} ${status}` });
        continue;
      }
      const left = (waitingOn.get(dependent.id) ?? 0) - 1;
      waitingOn.set(dependent.id, left);
      if (left === 0) ready.push(dependent);
    }
    startAll(ready);
  };

  const keyIdOf = (action: Action): string => {
    const ref: KeyRef | undefined = 'key' in action ? action.key : undefined;
    if (ref === undefined) throw new PlanError(`${action.id} has no key`, { context: { region: action.region, keyName: action.keyName } });
    if ('keyId' in ref) return ref.keyId;
    const keyId = outcomes.get(ref.created)?.keyId;
    if (keyId === undefined) {
      throw new PlanError(`${action.id} refers to the key of ${ref.created}, which made no key`, {
        context: { region: action.region, keyName: action.keyName },
      });
    }
    return keyId;
  };

  const start = (action: Action): void => {
    if (deps.deadline !== undefined && now() >= deps.deadline) {
      deadlineReached = true;
      finish(action, 'skipped', { error: 'not started: the deadline was reached' });
      return;
    }
    const startedAt = now();
    const run: Promise<void> = runAction(ctx, action, keyIdOf, priorityOf(action)).then(
      (result: ActionResult) => {
        inflight.delete(run);
        finish(action, 'done', result, startedAt);
        if (inflight.size === 0) wakeUp?.();
      },
      (error: unknown) => {
        inflight.delete(run);
        const kmsError = error instanceof KmsError ? error : undefined;
        finish(action, 'failed', { error: error instanceof Error ? error.message : String(error), retryable: kmsError?.retryable ?? false }, startedAt);
        if (inflight.size === 0) wakeUp?.();
      },
    );
    inflight.add(run);
  };

  for (const action of actions) {
    const unknown = action.dependsOn.filter((id) => !byId.has(id));
    if (unknown.length > 0) {
      finish(action, 'skipped', { error: `not started: depends on unknown action(s) ${unknown.join(', ')}` });
      continue;
    }
    waitingOn.set(action.id, new Set(action.dependsOn).size);
    for (const id of new Set(action.dependsOn)) dependents.set(id, [...(dependents.get(id) ?? []), action]);
  }
  // An action whose dependency was skipped above is skipped through `finish`'s propagation only once
  // that dependency is finished; propagate the early skips now.
  for (const action of actions) {
    const skippedDep = action.dependsOn.find((id) => outcomes.get(id)?.status === 'skipped');
    if (skippedDep !== undefined) finish(action, 'skipped', { error: `not started: ${skippedDep} skipped` });
  }
  startAll(actions.filter((action) => !outcomes.has(action.id) && waitingOn.get(action.id) === 0));
  if (inflight.size > 0)
    await new Promise<void>((resolve) => {
      wakeUp = resolve;
    });

  // Whatever never became ready sits on a dependency cycle.
  for (const action of actions) if (!outcomes.has(action.id)) finish(action, 'skipped', { error: 'not started: dependency cycle' });
  return { outcomes: actions.map((a) => outcomes.get(a.id)!), deadlineReached, retries };
}
