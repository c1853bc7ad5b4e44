/**
 * `{test, variable, values}` conditions → the `Condition` element of a policy statement:
 * `{ "<test>": { "<variable>": [values] } }`.
 *
 * IAM ANDs the keys of a `Condition` element and ORs the values of one key. A JSON object cannot
 * hold the same test+variable twice (a parser keeps only the last, silently widening or narrowing
 * access), so two conditions on the same test+variable are merged only when their values are the
 * same set. Different values are refused: the user meant an AND, which one key cannot express,
 * and the alternatives are wrong — a union or separate statements would OR them (wider access),
 * an intersection would change what the user wrote.
 */
import { sortedUnique } from '../text/order.ts';
import type { PolicyCondition } from '../types.ts';

/** The `Condition` element: test → variable → values (sorted, distinct). */
export type ConditionBlock = Record<string, Record<string, string[]>>;

/** A condition as given: a `PolicyCondition`, or a constant one with a read-only value list. */
export type ConditionInput = Readonly<Omit<PolicyCondition, 'values'>> & { readonly values: readonly string[] };

/** The result of combining conditions: the block, and why it could not be built (empty when it could). */
export interface CombinedConditions {
  block: ConditionBlock;
  problems: string[];
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

/**
 * Adds one condition (AND) to `block` in place.
 * @returns why it cannot be added, or undefined when it was added or was already there
 */
export function addCondition(block: ConditionBlock, condition: ConditionInput): string | undefined {
  const { test, variable } = condition;
  const values = sortedUnique(condition.values);
  if (values.length === 0) return `the condition ${test} ${variable} has no values`;
  const byVariable = block[test] ?? {};
  block[test] = byVariable;
  const existing = byVariable[variable];
  if (existing === undefined) byVariable[variable] = values;
  else if (!sameValues(existing, values)) {
    return (
      `${test} ${variable} is given twice with different values (${JSON.stringify(existing)} and ${JSON.stringify(values)}); ` +
      'a policy holds one value list per condition key, so list the values once (IAM ORs them)'
    );
  }
  return undefined;
}

/** Combines conditions (AND) into one `Condition` element. */
export function combineConditions(conditions: readonly ConditionInput[]): CombinedConditions {
  const block: ConditionBlock = {};
  const problems: string[] = [];
  for (const condition of conditions) {
    const problem = addCondition(block, condition);
    if (problem !== undefined) problems.push(problem);
  }
  return { block, problems };
}

/** A deep copy, so a shared block can be extended for one statement. */
export function copyBlock(block: ConditionBlock): ConditionBlock {
  const copy: ConditionBlock = {};
  for (const [test, byVariable] of Object.entries(block)) {
    copy[test] = {};
    for (const [variable, values] of Object.entries(byVariable)) copy[test][variable] = [...values];
  }
  return copy;
}

/** True when the block has no condition at all. */
export function isEmptyBlock(block: ConditionBlock): boolean {
  return Object.keys(block).length === 0;
}
