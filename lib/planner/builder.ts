/**
 * Collects the actions and refusals of one plan. Actions are keyed by id so that two rules asking
 * for the same id is caught as the planner bug it is, instead of executing a call twice; and when
 * the plan is built, a dependency on an unknown action or a circle of dependencies is caught the
 * same way, so the executor only ever gets plans whose every action can run.
 */

import { PlanError } from '../errors.ts';
import { compare } from '../text/order.ts';
import type { Action, KeyRef, Refusal } from '../types.ts';
import { keyActionId } from './ids.ts';

export { compare };

/** The kinds of action on an existing key (`key: {keyId}`), and what each carries besides. */
type OnKeyKind = Extract<Action, { key: KeyRef }>['kind'];
type OnKeyFields<K extends OnKeyKind> = Omit<Extract<Action, { kind: K }>, 'kind' | 'id' | 'region' | 'keyName' | 'dependsOn' | 'key'>;

export class PlanBuilder {
  readonly #actions = new Map<string, Action>();
  readonly #refusals: Refusal[] = [];

  /** Adds an action (its `dependsOn` is normalised: no nulls, no duplicates, sorted) and returns its id. */
  add(action: Action): string {
    if (this.#actions.has(action.id)) throw new Error(`planner bug: duplicate action id ${action.id}`);
    this.#actions.set(action.id, { ...action, dependsOn: deps(...action.dependsOn) });
    return action.id;
  }

  /** Adds the action `kind` on the existing key `keyId` in `region` (id `kind:region:keyName:keyId`) and returns its id. */
  onKey<K extends OnKeyKind>(
    kind: K,
    region: string,
    keyName: string,
    keyId: string,
    dependsOn: (string | null | undefined)[],
    fields: OnKeyFields<K>,
  ): string {
    const id = keyActionId(kind, region, keyName, keyId);
    return this.add({ kind, id, region, keyName, dependsOn: dependsOn as string[], key: { keyId }, ...fields } as Action);
  }

  /** Makes the planned action `id` also wait for `more` (nothing when `id` is not planned). */
  addDependencies(id: string, more: readonly string[]): void {
    const action = this.#actions.get(id);
    if (action !== undefined && more.length > 0) this.#actions.set(id, { ...action, dependsOn: deps(...action.dependsOn, ...more) });
  }

  /** The ids of the actions added so far. */
  ids(): string[] {
    return [...this.#actions.keys()];
  }

  refuse(keyName: string, region: string | null, reason: string): void {
    this.#refusals.push({ keyName, region, reason });
  }

  get refused(): boolean {
    return this.#refusals.length > 0;
  }

  /**
   * Actions sorted by id; refusals sorted by key name, Region and reason.
   * @throws PlanError when an action depends on an action the plan does not hold, or on itself through others
   */
  result(): { actions: Action[]; refusals: Refusal[] } {
    checkDependencies(this.#actions);
    const actions = [...this.#actions.values()].sort((a, b) => compare(a.id, b.id));
    const refusals = [...this.#refusals].sort(
      (a, b) => compare(a.keyName, b.keyName) || compare(a.region ?? '', b.region ?? '') || compare(a.reason, b.reason),
    );
    return { actions, refusals };
  }
}

/** Dependency list from optional ids: drops null/undefined, de-duplicates, sorts. */
export function deps(...ids: (string | null | undefined)[]): string[] {
  return [...new Set(ids.filter((id): id is string => typeof id === 'string'))].sort(compare);
}

/** Throws a PlanError naming the first unknown dependency, or the first circle of dependencies. */
function checkDependencies(actions: ReadonlyMap<string, Action>): void {
  for (const action of actions.values()) {
    const unknown = action.dependsOn.find((id) => !actions.has(id));
    if (unknown !== undefined)
      throw new PlanError(`${action.id} depends on ${unknown}, which is not in the plan`, { context: { region: action.region, keyName: action.keyName } });
  }
  const circle = firstCircle(actions);
  if (circle !== null) throw new PlanError(`circular dependencies: ${circle.join(' → ')}`);
}

/** The first circle of `dependsOn` edges found (depth first, ids in order), as the path that closes it; null when there is none. */
function firstCircle(actions: ReadonlyMap<string, Action>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | null => {
    if (state.get(id) === 'done') return null;
    if (state.get(id) === 'open') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'open');
    path.push(id);
    for (const dependency of actions.get(id)?.dependsOn ?? []) {
      const circle = visit(dependency);
      if (circle !== null) return circle;
    }
    path.pop();
    state.set(id, 'done');
    return null;
  };
  for (const id of [...actions.keys()].sort(compare)) {
    const circle = visit(id);
    if (circle !== null) return circle;
  }
  return null;
}
