/**
 * The user's own key policy statements (`DefaultPolicyStatements`, `PolicyStatements`;
 * docs/behaviour.md §5): IAM statements in their usual JSON shape, validated before any KMS call and
 * normalised (lists sorted and de-duplicated) so the merged policy is deterministic. What is refused,
 * and why: `Resource` other than `"*"` (in a key policy `*` is the key), actions outside `kms:`,
 * unknown action names (a typo in a Deny silently protects nothing), `NotPrincipal`, a principal `*`
 * on an Allow without a condition, Sids that are repeated or that the generated statements use, and
 * any `Deny` that would lock the function out of the key (see policy/lockout.ts).
 */

import { KEY_RESOURCE_ACTIONS } from '../policy/actions.ts';
import { denyLockoutProblem } from '../policy/lockout.ts';
import { sortedUnique } from '../text/order.ts';
import type { UserPolicyStatement, UserStatementDocument } from '../types.ts';
import { isAbsent, isEmptyList, isRecord, readList, readString } from './coerce.ts';
import { addIssue, describeValue, fieldPath, type Issues, indexPath } from './issues.ts';
import { CONDITION_TEST, CONDITION_VARIABLE, isPrincipalArn, MUST_BE_IAM_ARN, SERVICE_PRINCIPAL } from './principals.ts';
import { closestName, fieldReader, readFields, STATEMENT_FIELDS, STATEMENT_PRINCIPAL_FIELDS } from './synonyms.ts';

/** The Sids of the generated statements, each possibly numbered (`KeyUsers2`): never the user's. */
const GENERATED_SID =
  /^(FunctionExecutionRoleManagesKey|FunctionRoleSuccessorsManageKey|AccountRootIamAccess|KeyAdministrators|KeyUsers|KeyUsersGrantsForAwsResources|ReadOnlyUsers|DescribeOnlyUsers|ExternalAccountsUseKey|ExternalAccountsGrantsForAwsResources|ServicePrincipal)\d*$/;
// KMS's own default policies use spaces in Sids ("Allow CloudTrail to encrypt logs"): allowed.
const SID = /^[A-Za-z0-9 _.-]{1,128}$/;
// IAM service prefixes and action names are case-insensitive.
const KMS_ACTION = /^kms:[A-Za-z*?]+$/i;
const ASSUMED_ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):sts::\d{12}:assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+$/;
const KNOWN_ACTIONS = new Map<string, string>(KEY_RESOURCE_ACTIONS.map((a) => [a.toLowerCase(), a]));
const ACTION_SUGGESTIONS = new Map<string, string>(KEY_RESOURCE_ACTIONS.map((a) => [a.slice('kms:'.length), a.slice('kms:'.length)]));

/** A list of statements at `path` (`DefaultPolicyStatements`, `CustomerMasterKeys.<name>.PolicyStatements`). */
export function readPolicyStatements(value: unknown, path: string, issues: Issues): UserPolicyStatement[] {
  return readList(value, path, issues, readStatement) ?? [];
}

/**
 * Records an issue for every Sid given twice in `statements` (the defaults followed by the key's own):
 * a policy's Sids must be unique. Statements without a Sid are fine. Only repeats at index `from` or
 * later are reported, so the defaults' own repeats are reported once, not once per key.
 */
export function checkUniqueSids(statements: readonly UserPolicyStatement[], issues: Issues, from = 0): void {
  const seen = new Map<string, string>();
  statements.forEach(({ path, statement }, index) => {
    if (statement.Sid === undefined) return;
    const earlier = seen.get(statement.Sid);
    if (earlier === undefined) seen.set(statement.Sid, path);
    else if (index >= from)
      addIssue(issues, fieldPath(path, 'Sid'), `${JSON.stringify(statement.Sid)} is already the Sid of ${earlier}; Sids must be unique in a policy`);
  });
}

function readStatement(value: unknown, path: string, issues: Issues): UserPolicyStatement | undefined {
  const fields = readFields(value, path, issues, STATEMENT_FIELDS);
  if (fields === undefined) return undefined;
  const before = issues.length;
  const at = (field: string) => fieldPath(path, field);
  const read = fieldReader(fields, path, issues);

  const sid = read('Sid', readSid);
  let effect: 'Allow' | 'Deny' | undefined;
  if (fields.Effect === 'Allow' || fields.Effect === 'Deny') effect = fields.Effect;
  else addIssue(issues, at('Effect'), `must be Allow or Deny, got ${describeValue(fields.Effect ?? null)}`);

  if (!isAbsent(fields.NotPrincipal)) {
    addIssue(
      issues,
      at('NotPrincipal'),
      'is not accepted: "everyone except" could include the function\'s execution role or leave the key open to every account; name the principals with Principal',
    );
  }
  if (!isAbsent(fields.NotResource)) addIssue(issues, at('NotResource'), 'is not accepted: in a key policy the only resource is the key, Resource "*"');
  if (!isAbsent(fields.Resource) && !isStarResource(fields.Resource)) {
    addIssue(issues, at('Resource'), `must be "*" (in a key policy, "*" means this key), got ${describeValue(fields.Resource)}`);
  }

  const condition = read('Condition', readCondition);
  const conditional = condition !== undefined && Object.keys(condition).length > 0;
  const principal = readPrincipal(fields.Principal, at('Principal'), issues, effect === 'Allow' && !conditional);

  let action: string[] | undefined;
  let notAction: string[] | undefined;
  if (!isAbsent(fields.Action) && !isAbsent(fields.NotAction)) {
    addIssue(issues, at('NotAction'), 'cannot be given together with Action; a statement has one of them');
  } else if (!isAbsent(fields.Action)) action = readActions(fields.Action, at('Action'), issues);
  else if (!isAbsent(fields.NotAction)) notAction = readActions(fields.NotAction, at('NotAction'), issues);
  else addIssue(issues, at('Action'), 'is required (or NotAction): the kms: actions the statement allows or denies');

  if (effect === 'Deny' && (action !== undefined || notAction !== undefined)) {
    const problem = denyLockoutProblem({ action, notAction, conditional });
    if (problem !== undefined) addIssue(issues, at(action !== undefined ? 'Action' : 'NotAction'), problem);
  }
  if (issues.length > before || effect === undefined || principal === undefined || (action === undefined && notAction === undefined)) return undefined;

  const statement: UserStatementDocument = { Effect: effect, Principal: principal, Resource: '*' };
  if (sid !== undefined) statement.Sid = sid;
  if (action !== undefined) statement.Action = action;
  if (notAction !== undefined) statement.NotAction = notAction;
  if (conditional) statement.Condition = condition;
  return { path, statement };
}

function readSid(value: unknown, path: string, issues: Issues): string | undefined {
  const sid = readString(value, path, issues);
  if (sid === undefined) return undefined;
  if (!SID.test(sid)) {
    addIssue(issues, path, `must be 1–128 letters, digits, spaces, _ . or -, got ${describeValue(sid)}`);
    return undefined;
  }
  if (GENERATED_SID.test(sid)) {
    addIssue(issues, path, `${JSON.stringify(sid)} is a Sid of the generated statements (docs/key-policy.md); choose another`);
    return undefined;
  }
  return sid;
}

function isStarResource(value: unknown): boolean {
  return value === '*' || (Array.isArray(value) && value.length === 1 && value[0] === '*');
}

/** A string or a list of strings, as IAM allows for actions, principals and condition values. */
function readOneOrMany(value: unknown, path: string, issues: Issues): string[] | undefined {
  if (typeof value === 'string') return [value];
  const list = readList(value, path, issues, readString);
  if (list !== undefined && isEmptyList(value)) {
    addIssue(issues, path, 'must list at least one value');
    return undefined;
  }
  return list;
}

/** The path of the `index`th value of a one-or-many field at `path`: `path[index]` when it is a list, else `path`. */
function oneOrManyPath(value: unknown, path: string, index: number): string {
  return Array.isArray(value) ? indexPath(path, index) : path;
}

function readActions(value: unknown, path: string, issues: Issues): string[] | undefined {
  const actions = readOneOrMany(value, path, issues);
  if (actions === undefined) return undefined;
  const before = issues.length;
  actions.forEach((action, index) => {
    const entryPath = oneOrManyPath(value, path, index);
    if (!KMS_ACTION.test(action)) {
      addIssue(issues, entryPath, `must be a kms: action such as kms:Decrypt or kms:GenerateDataKey*, got ${describeValue(action)}`);
    } else if (!/[*?]/.test(action) && !KNOWN_ACTIONS.has(action.toLowerCase())) {
      const suggestion = closestName(action.slice('kms:'.length), ACTION_SUGGESTIONS);
      const hint = suggestion === undefined ? '' : `; did you mean kms:${suggestion}?`;
      addIssue(issues, entryPath, `${action} is not an action a key policy can allow or deny on a KMS key${hint}`);
    }
  });
  if (issues.length > before) return undefined;
  // IAM action names are case-insensitive; the canonical spelling keeps the policy byte-stable.
  return sortedUnique(actions.map((a) => KNOWN_ACTIONS.get(a.toLowerCase()) ?? `kms:${a.slice('kms:'.length)}`));
}

function readPrincipal(value: unknown, path: string, issues: Issues, needsCondition: boolean): UserStatementDocument['Principal'] | undefined {
  if (isAbsent(value)) {
    addIssue(issues, path, 'is required: "*" or {AWS: [ARN…]} or {Service: [name…]}');
    return undefined;
  }
  if (value === '*') {
    if (!needsCondition) return { AWS: ['*'] };
    addIssue(issues, path, 'the principal "*" (everyone) may be allowed only with a Condition that narrows it (e.g. aws:PrincipalOrgID)');
    return undefined;
  }
  const fields = readFields(value, path, issues, STATEMENT_PRINCIPAL_FIELDS);
  if (fields === undefined) return undefined;
  const readPrincipals = fieldReader(fields, path, issues);
  const before = issues.length;
  for (const type of ['Federated', 'CanonicalUser'] as const) {
    if (!isAbsent(fields[type])) addIssue(issues, fieldPath(path, type), 'is not accepted in a key policy made by this product; use AWS or Service principals');
  }
  const result: Record<string, string[]> = {};
  const aws = readPrincipals('AWS', readOneOrMany);
  aws?.forEach((principal, index) => {
    const entryPath = oneOrManyPath(fields.AWS, fieldPath(path, 'AWS'), index);
    if (principal === '*') {
      if (needsCondition) addIssue(issues, entryPath, 'the principal "*" (everyone) may be allowed only with a Condition that narrows it');
    } else if (!isPrincipalArn(principal) && !ASSUMED_ROLE_ARN.test(principal)) {
      addIssue(issues, entryPath, `${MUST_BE_IAM_ARN} or "*", got ${describeValue(principal)}`);
    }
  });
  const service = readPrincipals('Service', readOneOrMany);
  service?.forEach((name, index) => {
    const entryPath = oneOrManyPath(fields.Service, fieldPath(path, 'Service'), index);
    if (!SERVICE_PRINCIPAL.test(name)) addIssue(issues, entryPath, `must be a service principal such as cloudtrail.amazonaws.com, got ${describeValue(name)}`);
  });
  if (aws !== undefined) result.AWS = sortedUnique(aws);
  if (service !== undefined) result.Service = sortedUnique(service);
  if (issues.length > before) return undefined;
  if (Object.keys(result).length === 0) {
    addIssue(issues, path, 'must name at least one principal: "*" or {AWS: [ARN…]} or {Service: [name…]}');
    return undefined;
  }
  return result;
}

function readCondition(value: unknown, path: string, issues: Issues): Record<string, Record<string, string[]>> | undefined {
  if (!isRecord(value)) {
    addIssue(issues, path, `must be a map of operator to {condition key: values}, got ${describeValue(value)}`);
    return undefined;
  }
  const before = issues.length;
  const block: [string, Record<string, string[]>][] = [];
  for (const [test, byKey] of Object.entries(value)) {
    const testPath = fieldPath(path, test);
    if (!CONDITION_TEST.test(test)) addIssue(issues, testPath, 'must be an IAM condition operator such as StringEquals or ArnLike');
    if (!isRecord(byKey) || Object.keys(byKey).length === 0) {
      addIssue(issues, testPath, `must be a non-empty map of condition key to values, got ${describeValue(byKey)}`);
      continue;
    }
    const keys: [string, string[]][] = [];
    for (const [variable, values] of Object.entries(byKey)) {
      const variablePath = fieldPath(testPath, variable);
      if (!CONDITION_VARIABLE.test(variable)) addIssue(issues, variablePath, 'must be a condition key such as aws:PrincipalOrgID');
      const list = readOneOrMany(values, variablePath, issues);
      if (list !== undefined) keys.push([variable, sortedUnique(list)]);
    }
    block.push([test, Object.fromEntries(keys)]);
  }
  return issues.length > before ? undefined : Object.fromEntries(block);
}
