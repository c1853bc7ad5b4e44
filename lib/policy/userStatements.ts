/**
 * The user's own statements after the generated ones (docs/behaviour.md §5): `DefaultPolicyStatements`
 * then the key's `PolicyStatements`, in the order written, each already normalised by validation, so
 * the merged policy is as deterministic as the generated one. Checked here against what only the
 * request's context knows: the partition of the ARNs and the Sids of the statements generated for
 * this key (validation already refuses every generated Sid name; this is the last line of defence).
 */

import type { ValidationIssue } from '../errors.ts';
import type { KeyProperties, ResourceContext, UserStatementDocument } from '../types.ts';
import { principalProblem } from './principals.ts';

/** The user statements of `key`, and what stops them from going into its policy. */
export function userStatementsOf(
  key: KeyProperties,
  context: ResourceContext,
  generatedSids: ReadonlySet<string>,
): { statements: UserStatementDocument[]; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  const statements: UserStatementDocument[] = [];
  for (const { path, statement } of key.policyStatements) {
    const before = issues.length;
    if (statement.Sid !== undefined && generatedSids.has(statement.Sid)) {
      issues.push({ path: `${path}.Sid`, message: `${JSON.stringify(statement.Sid)} is the Sid of a generated statement of this key; choose another` });
    }
    const aws = statement.Principal.AWS ?? [];
    aws.forEach((principal, index) => {
      // Conditioned or not, `*` was judged by validation; only the partition is left to check.
      const problem = principalProblem(principal, context.partition, { conditioned: true });
      if (problem !== undefined) issues.push({ path: `${path}.Principal.AWS[${index}]`, message: problem });
    });
    if (issues.length === before) statements.push(statement);
  }
  return { statements, issues };
}
