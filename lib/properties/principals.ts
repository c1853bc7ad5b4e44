/**
 * Principals of the key policy: IAM ARNs, CMKUsers (`{Name: [ARN…], Conditions}` or a bare ARN),
 * IAM conditions and service principals (docs/behaviour.md §3). Validated here so that a typo fails the request
 * before any KMS call instead of as a `MalformedPolicyDocumentException` halfway through a rollout.
 */
import type { CmkUser, PolicyCondition, ServicePrincipal } from '../types.ts';
import { isAbsent, isEmptyList, readList, readString, readStringList } from './coerce.ts';
import { addIssue, describeValue, fieldPath, type Issues } from './issues.ts';
import { CMK_USER_FIELDS, CONDITION_FIELDS, readFields, SERVICE_PRINCIPAL_FIELDS } from './synonyms.ts';

// IAM name and path characters; a path is any number of `segment/` before the name.
const IAM_NAME = '[\\w+=,.@-]+';
const PRINCIPAL_ARN = new RegExp(`^arn:(aws|aws-cn|aws-us-gov):iam::(\\d{12}):(root|(user|role)/(${IAM_NAME}/)*${IAM_NAME})$`);
export const SERVICE_PRINCIPAL = /^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*\.amazonaws\.com(\.cn)?$/;
const KMS_ACTION = /^kms:[A-Za-z*]+$/;
// IAM condition operators, optionally with a set qualifier (`ForAnyValue:StringLike`).
export const CONDITION_TEST = /^((ForAnyValue|ForAllValues):)?[A-Za-z]+$/;
// Condition keys: `kms:EncryptionContext:service`, `aws:PrincipalTag/team`, …; no blanks.
export const CONDITION_VARIABLE = /^[A-Za-z0-9][\w:/.-]*$/;

/** The start of every message about a principal that is not an IAM ARN. */
export const MUST_BE_IAM_ARN = 'must be an IAM ARN arn:<aws|aws-cn|aws-us-gov>:iam::<12-digit account>:<root|user/…|role/…>';

/** True for an account root, user or role ARN of a known partition (paths allowed). */
export function isPrincipalArn(value: string): boolean {
  return PRINCIPAL_ARN.test(value);
}

function readArn(value: unknown, path: string, issues: Issues, { allowStar }: { allowStar: boolean }): string | undefined {
  const text = readString(value, path, issues);
  if (text === undefined) return undefined;
  if (text === '*' && allowStar) return text;
  if (isPrincipalArn(text)) return text;
  addIssue(
    issues,
    path,
    text === '*'
      ? 'the principal "*" (everyone) is allowed only in a CMKUser that carries at least one condition'
      : `${MUST_BE_IAM_ARN}, got ${describeValue(text)}`,
  );
  return undefined;
}

/** A list of principal ARNs (administrators, external users): `*` is never allowed here. */
export function readArnList(value: unknown, path: string, issues: Issues): string[] | undefined {
  return readList(value, path, issues, (entry, entryPath) => readArn(entry, entryPath, issues, { allowStar: false }));
}

/** A list of IAM conditions; absent = none. */
export function readConditions(value: unknown, path: string, issues: Issues): PolicyCondition[] {
  if (isAbsent(value)) return [];
  return readList(value, path, issues, readCondition) ?? [];
}

function readCondition(value: unknown, path: string, issues: Issues): PolicyCondition | undefined {
  const fields = readFields(value, path, issues, CONDITION_FIELDS);
  if (fields === undefined) return undefined;
  const before = issues.length;
  const test = readRequired(fields.Test, fieldPath(path, 'Test'), issues, CONDITION_TEST, 'an IAM condition operator such as StringEquals');
  const variable = readRequired(
    fields.Variable,
    fieldPath(path, 'Variable'),
    issues,
    CONDITION_VARIABLE,
    'a condition key such as kms:EncryptionContext:service',
  );
  const valuesPath = fieldPath(path, 'Values');
  let values: string[] | undefined;
  if (isAbsent(fields.Values)) addIssue(issues, valuesPath, 'is required');
  else {
    values = readStringList(fields.Values, valuesPath, issues);
    if (isEmptyList(fields.Values)) addIssue(issues, valuesPath, 'must list at least one value');
  }
  if (issues.length > before || test === undefined || variable === undefined || values === undefined) return undefined;
  return { test, variable, values };
}

function readRequired(value: unknown, path: string, issues: Issues, pattern: RegExp, what: string): string | undefined {
  if (isAbsent(value)) {
    addIssue(issues, path, 'is required');
    return undefined;
  }
  const text = readString(value, path, issues);
  if (text === undefined) return undefined;
  if (pattern.test(text)) return text;
  addIssue(issues, path, `must be ${what}, got ${describeValue(text)}`);
  return undefined;
}

/** A list of CMKUsers; a bare ARN string is shorthand for `{Name: [ARN]}`. */
export function readCmkUsers(value: unknown, path: string, issues: Issues): CmkUser[] | undefined {
  return readList(value, path, issues, readCmkUser);
}

function readCmkUser(value: unknown, path: string, issues: Issues): CmkUser | undefined {
  if (typeof value === 'string') {
    const arn = readArn(value, path, issues, { allowStar: false });
    return arn === undefined ? undefined : { principals: [arn], conditions: [] };
  }
  const fields = readFields(value, path, issues, CMK_USER_FIELDS);
  if (fields === undefined) return undefined;
  const conditions = readConditions(fields.Conditions, fieldPath(path, 'Conditions'), issues);
  const namePath = fieldPath(path, 'Name');
  if (isAbsent(fields.Name)) {
    addIssue(issues, namePath, 'is required: the list of principal ARNs');
    return undefined;
  }
  const allowStar = conditions.length > 0;
  const principals = readList(fields.Name, namePath, issues, (entry, entryPath) => readArn(entry, entryPath, issues, { allowStar }));
  if (principals === undefined) return undefined;
  if (isEmptyList(fields.Name)) addIssue(issues, namePath, 'must list at least one principal ARN');
  if (principals.length === 0) return undefined;
  return { principals, conditions };
}

/** A list of `{Name, Actions, Conditions}` service principals. */
export function readServicePrincipals(value: unknown, path: string, issues: Issues): ServicePrincipal[] | undefined {
  return readList(value, path, issues, readServicePrincipal);
}

function readServicePrincipal(value: unknown, path: string, issues: Issues): ServicePrincipal | undefined {
  const fields = readFields(value, path, issues, SERVICE_PRINCIPAL_FIELDS);
  if (fields === undefined) return undefined;
  const name = readRequired(fields.Name, fieldPath(path, 'Name'), issues, SERVICE_PRINCIPAL, 'a service principal such as s3.amazonaws.com');
  const actionsPath = fieldPath(path, 'Actions');
  let actions: string[] | undefined;
  if (isAbsent(fields.Actions)) addIssue(issues, actionsPath, 'is required: the KMS actions the service may call');
  else {
    actions = readList(fields.Actions, actionsPath, issues, (entry, entryPath) =>
      readRequired(entry, entryPath, issues, KMS_ACTION, 'a KMS action such as kms:Encrypt'),
    );
    if (isEmptyList(fields.Actions)) addIssue(issues, actionsPath, 'must list at least one action');
  }
  const conditions = readConditions(fields.Conditions, fieldPath(path, 'Conditions'), issues);
  if (name === undefined || actions === undefined || actions.length === 0) return undefined;
  return { name, actions, conditions };
}
