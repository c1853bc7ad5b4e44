/**
 * Who manages a key after the function's role (docs/key-policy.md, "Successors of the function's
 * role"). A key policy stores a role principal as the role's unique ID: once the role is deleted
 * (a redeployed function stack, a recreated StackSet instance), a role made again — even with the
 * same name — no longer matches, and a key managed by that role alone becomes unmanageable (KMS:
 * "you must contact AWS Support"). So every generated policy also lets the account's IAM policies in
 * for the execution role's actions, for principals whose ARN (`aws:PrincipalArn`, compared as text,
 * not as unique ID) matches the function role's stable part: every role under its path, or the role
 * name itself when the role has no path. A successor role regains management through its own IAM
 * policy (template.yaml's FunctionRole policy), and nothing is refused, so no rollback can be.
 */

/** The path new deployments give FunctionRole (template.yaml's `FunctionRolePath`; empty keeps an existing role, no path). */
export const FUNCTION_ROLE_PATH = '/multi-region-kms-keys/';

/**
 * The `aws:PrincipalArn` patterns of the function role's successors: every role under the role's
 * path (its own ARN when it has no path: a role recreated under the same name), and every role under
 * this fixed path, so that a function still running under a role without a path (an existing
 * deployment that has not opted in) prepares its keys for a role under that path.
 */
export function successorRolePatterns(executionRoleArn: string): string[] {
  const match = /^(arn:[^:]+:iam::\d{12}:role)(\/(?:[^/]+\/)*)([^/]+)$/.exec(executionRoleArn);
  if (match === null) return [executionRoleArn];
  const [, prefix, path, name] = match;
  const own = path === '/' ? `${prefix}/${name}` : `${prefix}${path}*`;
  return [...new Set([own, `${prefix}${FUNCTION_ROLE_PATH}*`])].sort();
}
