/**
 * The statements of a generated key policy, one builder per role, in the fixed order of
 * {@link keyPolicyStatements}. See docs/key-policy.md for who gets what and why.
 */

import type { ValidationIssue } from '../errors.ts';
import { canonicalJson } from '../text/canonicalJson.ts';
import { byKey, sortedUnique } from '../text/order.ts';
import type { KeyProperties, ResourceContext, ServicePrincipal } from '../types.ts';
import { managementActionsMatching } from './actionPattern.ts';
import { ACCOUNT_ROOT_ACTIONS, administratorActionsOf, executionRoleActionsOf, GRANT_ACTIONS } from './actions.ts';
import { addCondition, type ConditionBlock, combineConditions, copyBlock, isEmptyBlock } from './conditions.ts';
import { checkPrincipals, groupCmkUsers, type PrincipalGroups } from './principals.ts';
import { successorRolePatterns } from './successors.ts';
import { DESCRIBE_ONLY_USER_ACTIONS, GRANT_IS_FOR_AWS_RESOURCE, readOnlyUserActionsOf, userActionsOf } from './userActions.ts';

/** One statement. `Action` and `Principal.AWS` are always lists (sorted), `Resource` is the key itself (`*`). */
export interface KeyPolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Principal: { AWS: string[] } | { Service: string };
  Action: string[];
  Resource: '*';
  Condition?: ConditionBlock;
}

/** The statements, and what stopped some from being generated (empty when nothing did). */
export interface StatementsResult {
  statements: KeyPolicyStatement[];
  issues: ValidationIssue[];
}

function allow(sid: string, principal: KeyPolicyStatement['Principal'], actions: readonly string[], condition?: ConditionBlock): KeyPolicyStatement {
  const statement: KeyPolicyStatement = { Sid: sid, Effect: 'Allow', Principal: principal, Action: sortedUnique(actions), Resource: '*' };
  if (condition !== undefined && !isEmptyBlock(condition)) statement.Condition = condition;
  return statement;
}

/** The grants statement of users: their conditions AND "the grant is for an AWS resource". */
function grantsStatement(sid: string, principals: string[], condition: ConditionBlock, path: string, issues: ValidationIssue[]): KeyPolicyStatement[] {
  const combined = copyBlock(condition);
  const problem = addCondition(combined, GRANT_IS_FOR_AWS_RESOURCE);
  if (problem !== undefined) {
    issues.push({
      path,
      message: `${problem} (the product adds ${GRANT_IS_FOR_AWS_RESOURCE.test} ${GRANT_IS_FOR_AWS_RESOURCE.variable} true to users' grants)`,
    });
    return [];
  }
  return [allow(sid, { AWS: principals }, GRANT_ACTIONS, combined)];
}

/**
 * One role's statements: `<sid>` for the unconditioned principals, `<sid><n>` (n from 1) per
 * condition block; with `grantsSid`, each followed by its grants-for-AWS-resources statement.
 */
function roleStatements(
  groups: PrincipalGroups,
  sid: string,
  actions: readonly string[],
  path: string,
  issues: ValidationIssue[],
  grantsSid?: string,
): KeyPolicyStatement[] {
  const parts = [
    ...(groups.unconditioned.length > 0 ? [{ suffix: '', principals: groups.unconditioned, condition: {} }] : []),
    ...groups.conditioned.map((group, index) => ({ suffix: String(index + 1), ...group })),
  ];
  return parts.flatMap(({ suffix, principals, condition }) => [
    allow(`${sid}${suffix}`, { AWS: principals }, actions, condition),
    ...(grantsSid === undefined ? [] : grantsStatement(`${grantsSid}${suffix}`, principals, condition, path, issues)),
  ]);
}

/** Service principals: exactly their (use-only) actions, `ServicePrincipal<n>` in a fixed order. */
function servicePrincipalStatements(services: readonly ServicePrincipal[], path: string, issues: ValidationIssue[]): KeyPolicyStatement[] {
  const byContent = new Map<string, KeyPolicyStatement>();
  services.forEach((service, index) => {
    const servicePath = `${path}[${index}]`;
    const before = issues.length;
    service.actions.forEach((action, actionIndex) => {
      const management = managementActionsMatching(action);
      if (management.length === 0) return;
      issues.push({
        path: `${servicePath}.Actions[${actionIndex}]`,
        message: `${action} would let the service manage the key (${management.join(', ')}); list only the use actions it needs, e.g. kms:Decrypt, kms:GenerateDataKey, kms:DescribeKey`,
      });
    });
    const { block, problems } = combineConditions(service.conditions);
    for (const message of problems) issues.push({ path: `${servicePath}.Conditions`, message });
    if (issues.length > before) return;
    const statement = allow('', { Service: service.name }, service.actions, block);
    // Keyed by name first, so statements are ordered by service and identical entries collapse.
    byContent.set(canonicalJson([service.name, statement]), statement);
  });
  return [...byContent.entries()].sort(byKey).map(([, statement], index) => ({ ...statement, Sid: `ServicePrincipal${index + 1}` }));
}

/**
 * Every statement of the key's policy, in this fixed order: FunctionExecutionRoleManagesKey,
 * FunctionRoleSuccessorsManageKey (lib/policy/successors.ts), AccountRootIamAccess, KeyAdministrators, KeyUsers(+grants), ReadOnlyUsers, DescribeOnlyUsers,
 * ExternalAccountsUseKey(+grants), ServicePrincipal<n>. Roles without principals have no statement.
 */
export function keyPolicyStatements(key: KeyProperties, context: ResourceContext): StatementsResult {
  const issues: ValidationIssue[] = [];
  const path = `CustomerMasterKeys.${key.name}`;
  const { partition } = context;
  const executionRoleActions = executionRoleActionsOf(key.origin === 'EXTERNAL' && key.keyMaterial !== undefined, key.keyMaterial?.allowRotation === true);
  const root = `arn:${partition}:iam::${context.accountId}:root`;
  const successors = { ArnLike: { 'aws:PrincipalArn': successorRolePatterns(context.executionRoleArn) } };
  const statements: KeyPolicyStatement[] = [
    allow('FunctionExecutionRoleManagesKey', { AWS: [context.executionRoleArn] }, executionRoleActions),
    allow('FunctionRoleSuccessorsManageKey', { AWS: [root] }, executionRoleActions, successors),
  ];
  if (key.allowManageKeyPermissionsWithIam) {
    statements.push(allow('AccountRootIamAccess', { AWS: [root] }, ACCOUNT_ROOT_ACTIONS));
  }
  const administrators = checkPrincipals(key.administrators, partition, `${path}.CmkAdministratorIamArns`, issues);
  if (administrators.length > 0)
    statements.push(allow('KeyAdministrators', { AWS: administrators }, administratorActionsOf(key.multiRegion, key.origin === 'EXTERNAL')));

  const userActions = userActionsOf(key.spec, key.keyUsage);
  const usersPath = `${path}.CmkUserIamArns`;
  const users = groupCmkUsers(key.users, partition, usersPath, issues);
  statements.push(...roleStatements(users, 'KeyUsers', userActions, usersPath, issues, 'KeyUsersGrantsForAwsResources'));
  const readOnlyPath = `${path}.CmkReadOnlyUserIamArns`;
  const readOnly = groupCmkUsers(key.readOnlyUsers, partition, readOnlyPath, issues);
  statements.push(...roleStatements(readOnly, 'ReadOnlyUsers', readOnlyUserActionsOf(key.spec, key.keyUsage), readOnlyPath, issues));
  const describeOnlyPath = `${path}.CmkDescribeOnlyUserIamArns`;
  const describeOnly = groupCmkUsers(key.describeOnlyUsers, partition, describeOnlyPath, issues);
  statements.push(...roleStatements(describeOnly, 'DescribeOnlyUsers', DESCRIBE_ONLY_USER_ACTIONS, describeOnlyPath, issues));

  const externalPath = `${path}.CmkExternalUserIamArns`;
  const external = checkPrincipals(key.externalUsers, partition, externalPath, issues);
  const externalGroups: PrincipalGroups = { unconditioned: external, conditioned: [] };
  statements.push(...roleStatements(externalGroups, 'ExternalAccountsUseKey', userActions, externalPath, issues, 'ExternalAccountsGrantsForAwsResources'));

  statements.push(...servicePrincipalStatements(key.servicePrincipals, `${path}.CmkServicePrincipals`, issues));
  return { statements, issues };
}
