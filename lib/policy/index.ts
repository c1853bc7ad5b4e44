/**
 * The key policy generator (docs/behaviour.md §5): `KeyProperties` + `ResourceContext` → the canonical JSON of
 * the key policy that goes to the primary and to every replica. Deterministic: the same input, in
 * any order of principals, CMKUsers or service principals, gives byte-identical JSON, which is how
 * the planner decides whether `PutKeyPolicy` is needed. Who gets what, and why: docs/key-policy.md.
 */

import { MultiRegionKmsKeysError, ValidationError, type ValidationIssue } from '../errors.ts';
import { canonicalJson } from '../text/canonicalJson.ts';
import type { KeyProperties, ResourceContext, UserStatementDocument } from '../types.ts';
import { type KeyPolicyStatement, keyPolicyStatements } from './statements.ts';
import { userStatementsOf } from './userStatements.ts';

export { keyActionsMatching, managementActionsMatching } from './actionPattern.ts';
export {
  ACCOUNT_ROOT_ACTIONS,
  ADMINISTRATOR_ACTIONS,
  administratorActionsOf,
  CRYPTOGRAPHIC_ACTIONS,
  EXECUTION_ROLE_ACTIONS,
  EXECUTION_ROLE_ALIAS_ACTIONS,
  EXECUTION_ROLE_IAM_POLICY_ACTIONS,
  GRANT_ACTIONS,
  KEY_RESOURCE_ACTIONS,
  KEY_USE_ACTIONS,
  type KeyResourceAction,
  MANAGEMENT_ACTIONS,
  MULTI_REGION_ADMINISTRATOR_ACTIONS,
} from './actions.ts';
export type { ConditionBlock } from './conditions.ts';
export type { KeyPolicyStatement } from './statements.ts';
export {
  DESCRIBE_ONLY_USER_ACTIONS,
  GRANT_IS_FOR_AWS_RESOURCE,
  type KeyUseFamily,
  keyUseFamilyOf,
  READ_ONLY_USER_ACTIONS,
  readOnlyUserActionsOf,
  USER_ACTIONS,
  userActionsOf,
} from './userActions.ts';

/** The policy document (before serialisation): the generated statements, then the user's own. */
export interface KeyPolicyDocument {
  Version: '2012-10-17';
  Id: string;
  Statement: (KeyPolicyStatement | UserStatementDocument)[];
}

/** The policy `Id`: names the product and the key, for whoever reads the policy in the console. */
export function keyPolicyId(keyName: string): string {
  return `MultiRegionKmsKeys/${keyName}`;
}

function checkContext(context: ResourceContext): void {
  // Without a usable execution role every CreateKey would fail KMS's lockout check: a deployment
  // error of the function, not of the template.
  const arn = context.executionRoleArn;
  const roleArn = /^arn:([^:]+):iam::\d{12}:role\/[\w+=,.@/-]+$/.exec(arn ?? '');
  if (roleArn?.[1] !== context.partition) {
    throw new MultiRegionKmsKeysError(`EXECUTION_ROLE_ARN must be the function's IAM role ARN in partition ${context.partition}, got ${JSON.stringify(arn)}`);
  }
}

/**
 * What keeps this key's policy from being generated: `*` principals without a condition, ARNs of
 * another partition, conflicting conditions, service principals asking for management actions.
 * Validation should refuse all of these earlier; exported so it can collect them with its own.
 * Paths are `CustomerMasterKeys.<name>.<Property>[i]…`. The 32 KB size limit is not checked here.
 */
export function keyPolicyIssues(key: KeyProperties, context: ResourceContext): ValidationIssue[] {
  return mergedStatements(key, context).issues;
}

/** The generated statements followed by the user's own (`DefaultPolicyStatements`, then `PolicyStatements`). */
function mergedStatements(key: KeyProperties, context: ResourceContext): { statements: KeyPolicyDocument['Statement']; issues: ValidationIssue[] } {
  const generated = keyPolicyStatements(key, context);
  const user = userStatementsOf(key, context, new Set(generated.statements.map((s) => s.Sid)));
  return { statements: [...generated.statements, ...user.statements], issues: [...generated.issues, ...user.issues] };
}

/**
 * The key policy document of `key`.
 * @throws ValidationError listing every issue of {@link keyPolicyIssues}
 * @throws MultiRegionKmsKeysError when `context.executionRoleArn` is not a role ARN of the partition
 */
export function keyPolicyDocument(key: KeyProperties, context: ResourceContext): KeyPolicyDocument {
  checkContext(context);
  const { statements, issues } = mergedStatements(key, context);
  if (issues.length > 0) throw new ValidationError(issues);
  return { Version: '2012-10-17', Id: keyPolicyId(key.name), Statement: statements };
}

/**
 * The key policy of `key` as canonical JSON (sorted keys, no white space): byte-identical for the
 * same input, so the planner can compare it with the canonicalised policy KMS returns.
 * @throws ValidationError listing every issue of {@link keyPolicyIssues}
 * @throws MultiRegionKmsKeysError when `context.executionRoleArn` is not a role ARN of the partition
 */
export function buildKeyPolicy(key: KeyProperties, context: ResourceContext): string {
  return canonicalJson(keyPolicyDocument(key, context));
}
