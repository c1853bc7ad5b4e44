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

/** The `aws:PrincipalArn` pattern of the function role's successors. */
export function successorRolePattern(executionRoleArn: string): string {
  const match = /^(arn:[^:]+:iam::\d{12}:role)(\/(?:[^/]+\/)*)([^/]+)$/.exec(executionRoleArn);
  if (match === null) return executionRoleArn;
  const [, prefix, path, name] = match;
  // A dedicated path (template.yaml sets /multi-region-kms-keys/) matches a recreated role of any
  // generated name; without one, only a role of the same name.
  return path === '/' ? `${prefix}/${name}` : `${prefix}${path}*`;
}
