/**
 * Critical-path priorities for the Pacer (docs/behaviour.md §9): the plan is a DAG (`dependsOn`), and the run
 * lasts as long as its longest weighted chain. An action's priority is the weight of the longest
 * chain that starts at it, so a multi-Region primary's CreateKey and its ReplicateKeys — which
 * gate the replicas' work in other Regions — go before per-Region keys that only gate an alias.
 */
import type { Action, ActionKind } from '../types.ts';

/**
 * Rough relative duration of an action. A ReplicateKey also waits seconds for the replica to leave
 * `Creating` (and spends 2 CreateKey tokens in the replica Region); everything else is one request.
 */
const WEIGHT: Partial<Record<ActionKind, number>> = { ReplicateKey: 10 };
const DEFAULT_WEIGHT = 1;

/** Priority per action id: its weight plus the heaviest chain of dependents below it. */
export function criticalPathPriorities(actions: readonly Action[]): Map<string, number> {
  const dependents = new Map<string, Action[]>();
  for (const action of actions) {
    for (const id of new Set(action.dependsOn)) dependents.set(id, [...(dependents.get(id) ?? []), action]);
  }
  const priorities = new Map<string, number>();
  // Guards against cycles (the executor reports them; here they only must not recurse forever).
  const visiting = new Set<string>();
  const visit = (action: Action): number => {
    const known = priorities.get(action.id);
    if (known !== undefined) return known;
    if (visiting.has(action.id)) return 0;
    visiting.add(action.id);
    let below = 0;
    for (const dependent of dependents.get(action.id) ?? []) below = Math.max(below, visit(dependent));
    visiting.delete(action.id);
    const priority = (WEIGHT[action.kind] ?? DEFAULT_WEIGHT) + below;
    priorities.set(action.id, priority);
    return priority;
  };
  for (const action of actions) visit(action);
  return priorities;
}
