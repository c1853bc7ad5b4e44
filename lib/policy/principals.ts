/**
 * Principals of one role (users, read-only users, …) grouped into statements: every principal
 * without conditions in one statement, and one statement per distinct set of conditions. CMKUsers
 * whose conditions are the same (after normalising) share a statement; that is what IAM would
 * evaluate anyway, and it keeps the policy small and independent of the order users are listed in.
 */

import type { ValidationIssue } from '../errors.ts';
import { canonicalJson } from '../text/canonicalJson.ts';
import { byKey, sortedUnique } from '../text/order.ts';
import type { CmkUser } from '../types.ts';
import { type ConditionBlock, combineConditions, isEmptyBlock } from './conditions.ts';

/** The principals of a role, grouped by conditions. Principals sorted and distinct. */
export interface PrincipalGroups {
  /** Principals granted without a condition (empty when none). */
  unconditioned: string[];
  /** One entry per distinct condition block, in a fixed order (by the block's canonical JSON). */
  conditioned: { principals: string[]; condition: ConditionBlock }[];
}

const ARN_PARTITION = /^arn:([^:]+):/;

/**
 * Why `principal` cannot appear in a key policy as written, or undefined.
 * Validation refuses these earlier; this is the last line of defence before KMS.
 */
export function principalProblem(principal: string, partition: string, { conditioned }: { conditioned: boolean }): string | undefined {
  if (principal.includes('*')) {
    return conditioned ? undefined : `the principal ${JSON.stringify(principal)} (everyone) is allowed only together with a condition`;
  }
  const arnPartition = ARN_PARTITION.exec(principal)?.[1];
  if (arnPartition === undefined) return `${JSON.stringify(principal)} is not an IAM ARN`;
  if (arnPartition !== partition) return `${principal} is in partition ${arnPartition}, but the function runs in partition ${partition}`;
  return undefined;
}

/** Checks plain ARNs (administrators, external users): no condition can accompany them. */
export function checkPrincipals(principals: readonly string[], partition: string, path: string, issues: ValidationIssue[]): string[] {
  const accepted: string[] = [];
  principals.forEach((principal, index) => {
    const problem = principalProblem(principal, partition, { conditioned: false });
    if (problem === undefined) accepted.push(principal);
    else issues.push({ path: `${path}[${index}]`, message: problem });
  });
  return sortedUnique(accepted);
}

/** Groups CMKUsers; entries with a problem are reported at their path and left out. */
export function groupCmkUsers(users: readonly CmkUser[], partition: string, path: string, issues: ValidationIssue[]): PrincipalGroups {
  const unconditioned: string[] = [];
  const byCondition = new Map<string, { principals: string[]; condition: ConditionBlock }>();
  users.forEach((user, index) => {
    const userPath = `${path}[${index}]`;
    const { block, problems } = combineConditions(user.conditions);
    for (const message of problems) issues.push({ path: `${userPath}.Conditions`, message });
    const conditioned = !isEmptyBlock(block);
    const principalIssues = user.principals.flatMap((principal, principalIndex) => {
      const message = principalProblem(principal, partition, { conditioned });
      return message === undefined ? [] : [{ path: `${userPath}.Name[${principalIndex}]`, message }];
    });
    issues.push(...principalIssues);
    if (problems.length > 0 || principalIssues.length > 0) return;
    if (!conditioned) {
      unconditioned.push(...user.principals);
      return;
    }
    const key = canonicalJson(block);
    const group = byCondition.get(key) ?? { principals: [], condition: block };
    group.principals.push(...user.principals);
    byCondition.set(key, group);
  });
  const conditioned = [...byCondition.entries()].sort(byKey).map(([, group]) => ({ principals: sortedUnique(group.principals), condition: group.condition }));
  return { unconditioned: sortedUnique(unconditioned), conditioned };
}
