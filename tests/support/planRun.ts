/**
 * Plans applied the way the product applies them: the planner's input read by the product's reader
 * (`readForPlan`, lib/reader/index.ts) and a plan run by the product's executor (`execute`,
 * lib/executor/index.ts), both against `FakeKms` (./fakeKmsApi.ts) on the virtual clock
 * (./virtualClock.ts), as `reconcile` does one pass (lib/request/reconcile.ts). The planner's tests
 * ("apply the plan, plan again, get nothing") run through it, so they also exercise the executor's
 * ordering and the reader.
 */
import { execute } from '../../lib/executor/index.ts';
import { silentLog } from '../../lib/logger.ts';
import { type PlanInput, readForPlan } from '../../lib/reader/index.ts';
import { Pacer } from '../../lib/retry/pacer.ts';
import type { DesiredState, ExecutionResult, KeyRef, Plan } from '../../lib/types.ts';
import { FakeKms } from './fakeKmsApi.ts';
import { VirtualClock } from './virtualClock.ts';

/** No request of these tests comes near a deadline: an hour of virtual time. */
const REQUEST_MS = 3_600_000;

/** One account's KMS and the virtual time it runs on. */
export interface PlanRun {
  kms: FakeKms;
  clock: VirtualClock;
}

/**
 * A fresh account. `delays` (virtual milliseconds, used in turn, one per KMS call) make calls finish
 * in other orders than they started, so a plan runs in orders only its `dependsOn` constrain.
 */
export function planRun(delays: readonly number[] = []): PlanRun {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  let call = 0;
  const delay = delays.length === 0 ? undefined : () => clock.sleep(delays[call++ % delays.length]!);
  return { kms: new FakeKms({ now: clock.now, ...(delay === undefined ? {} : { delay }) }), clock };
}

/** What the reader gives the planner for `desired` (its Regions, its owner, its aliases). */
export async function readPlanInput(run: PlanRun, desired: DesiredState): Promise<PlanInput> {
  const aliasNames = [...new Set(desired.keys.flatMap((k) => [k.aliasName, ...k.extraAliasNames]))];
  const pacer = new Pacer({ clock: run.clock });
  return readForPlan(desired, {
    aliasNames,
    kms: run.kms.factory,
    pacer,
    tagIndex: null,
    clock: run.clock,
    deadline: run.clock.now() + REQUEST_MS,
    log: silentLog,
  });
}

/** Runs `plan` with the executor; rejects naming every action that did not finish, with KMS's error. */
export async function executePlan(run: PlanRun, plan: Plan): Promise<ExecutionResult> {
  const result = await execute(plan, { kms: run.kms.factory, clock: run.clock, deadline: run.clock.now() + REQUEST_MS, random: () => 0.5 });
  const unfinished = result.outcomes.filter((o) => o.status !== 'done');
  if (unfinished.length > 0) throw new Error(`not done: ${unfinished.map((o) => `${o.actionId} ${o.status}${o.error ? `: ${o.error}` : ''}`).join('; ')}`);
  return result;
}

/** `bindings` with every `{ created }` ref replaced by the key id its CreateKey made in `result`. */
export function resolvedBindings(bindings: Record<string, KeyRef>, result: ExecutionResult): Record<string, KeyRef> {
  const made = new Map(result.outcomes.flatMap((o) => (o.keyId === undefined ? [] : [[o.actionId, o.keyId] as const])));
  return Object.fromEntries(
    Object.entries(bindings).map(([id, ref]) => {
      const keyId = 'keyId' in ref ? ref.keyId : made.get(ref.created);
      if (keyId === undefined) throw new Error(`test bug: ${id} is bound to ${JSON.stringify(ref)}, which made no key`);
      return [id, { keyId }];
    }),
  );
}
