/**
 * The dependency-ordered run of one plan's actions (a DAG scheduler, not waves): each action starts
 * as soon as all of its `dependsOn` are done, highest critical-path priority first; a failed or
 * skipped action skips everything that depends on it; nothing new starts after the deadline. The
 * plan's dependencies are known and acyclic (PlanBuilder checks both when the plan is built).
 */
import { KmsError, PlanError } from '../errors.ts';
import type { Action, ActionOutcome } from '../types.ts';
import type { ActionResult } from './actionRun.ts';
import { runAction } from './actions.ts';
import type { ExecutionContext } from './context.ts';

type Status = ActionOutcome['status'];

export class Schedule {
  readonly #actions: readonly Action[];
  readonly #ctx: ExecutionContext;
  readonly #priorityOf: (action: Action) => number;
  readonly #onOutcome: (outcome: ActionOutcome, action: Action, durationMs?: number) => void;
  readonly #outcomes = new Map<string, ActionOutcome>();
  /** Per action id, the actions waiting for it. */
  readonly #dependents = new Map<string, Action[]>();
  /** Per action id, how many of its dependencies are not done yet. */
  readonly #waitingOn = new Map<string, number>();
  #inFlight = 0;
  #idle: () => void = () => {};
  #deadlineReached = false;

  constructor(
    actions: readonly Action[],
    ctx: ExecutionContext,
    priorityOf: (action: Action) => number,
    onOutcome: (outcome: ActionOutcome, action: Action, durationMs?: number) => void,
  ) {
    this.#actions = actions;
    this.#ctx = ctx;
    this.#priorityOf = priorityOf;
    this.#onOutcome = onOutcome;
    for (const action of actions) {
      const dependencies = new Set(action.dependsOn);
      this.#waitingOn.set(action.id, dependencies.size);
      for (const id of dependencies) this.#dependents.set(id, [...(this.#dependents.get(id) ?? []), action]);
    }
  }

  /** Runs every action that can run; resolves once none is in flight. */
  async run(): Promise<void> {
    const idle = new Promise<void>((resolve) => {
      this.#idle = resolve;
    });
    this.#startReady(this.#actions.filter((action) => this.#waitingOn.get(action.id) === 0));
    if (this.#inFlight > 0) await idle;
    this.#skipNeverReady();
  }

  /** The outcome of every action, in plan order (call after `run`). */
  outcomes(): ActionOutcome[] {
    return this.#actions.map((action) => this.#outcomes.get(action.id)!);
  }

  get deadlineReached(): boolean {
    return this.#deadlineReached;
  }

  /** Starts `ready` in priority order (so queued at the Pacer in that order); plan order otherwise (`sort` is stable). */
  #startReady(ready: Action[]): void {
    for (const action of [...ready].sort((a, b) => this.#priorityOf(b) - this.#priorityOf(a))) this.#start(action);
  }

  #start(action: Action): void {
    const { deadline } = this.#ctx;
    if (deadline !== undefined && this.#ctx.clock.now() >= deadline) {
      this.#deadlineReached = true;
      this.#finish(action, 'skipped', { error: 'not started: the deadline was reached' });
      return;
    }
    const startedAt = this.#ctx.clock.now();
    this.#inFlight++;
    runAction(this.#ctx, action, (a) => this.#keyIdOf(a), this.#priorityOf(action)).then(
      (result: ActionResult) => this.#ended(action, 'done', result, startedAt),
      (error: unknown) => {
        const retryable = error instanceof KmsError ? error.retryable : false;
        this.#ended(action, 'failed', { error: error instanceof Error ? error.message : String(error), retryable }, startedAt);
      },
    );
  }

  #ended(action: Action, status: Status, details: Partial<ActionOutcome>, startedAt: number): void {
    this.#inFlight--;
    this.#finish(action, status, details, startedAt);
    if (this.#inFlight === 0) this.#idle();
  }

  /** Records the outcome, then starts the dependents it made ready, or skips them all if it did not succeed. */
  #finish(action: Action, status: Status, details: Partial<ActionOutcome> = {}, startedAt?: number): void {
    if (this.#outcomes.has(action.id)) return;
    this.#ctx.reservations.get(action.id)?.();
    const outcome: ActionOutcome = { actionId: action.id, kind: action.kind, region: action.region, keyName: action.keyName, status, ...details };
    this.#outcomes.set(action.id, outcome);
    this.#onOutcome(outcome, action, startedAt === undefined ? undefined : this.#ctx.clock.now() - startedAt);
    const ready: Action[] = [];
    for (const dependent of this.#dependents.get(action.id) ?? []) {
      if (status !== 'done') {
        this.#finish(dependent, 'skipped', { error: `not started: ${action.id} ${status}` });
        continue;
      }
      const left = (this.#waitingOn.get(dependent.id) ?? 0) - 1;
      this.#waitingOn.set(dependent.id, left);
      if (left === 0) ready.push(dependent);
    }
    this.#startReady(ready);
  }

  /** A plan the PlanBuilder did not build may name unknown or circular dependencies: what never became ready is skipped, never run. */
  #skipNeverReady(): void {
    for (const action of this.#actions) {
      if (!this.#outcomes.has(action.id)) this.#finish(action, 'skipped', { error: 'not started: its dependencies never finished (unknown or circular)' });
    }
  }

  /** The key an action acts on: its own `keyId`, or the key made by the CreateKey it names. */
  #keyIdOf(action: Action): string {
    const ref = 'key' in action ? action.key : undefined;
    const context = { region: action.region, keyName: action.keyName };
    if (ref === undefined) throw new PlanError(`${action.id} has no key`, { context });
    if ('keyId' in ref) return ref.keyId;
    const keyId = this.#outcomes.get(ref.created)?.keyId;
    if (keyId === undefined) throw new PlanError(`${action.id} refers to the key of ${ref.created}, which made no key`, { context });
    return keyId;
  }
}
