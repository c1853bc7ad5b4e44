/**
 * Key policy checks KMS makes on CreateKey, ReplicateKey and PutKeyPolicy: size, JSON, principals
 * that exist, and the lockout safety check (the caller must still be able to PutKeyPolicy).
 */

import { faults } from './errors.ts';
import { MAX_KEY_POLICY_BYTES } from './kmsFacts.ts';

export const INVALID_PRINCIPALS_MESSAGE = 'Policy contains a statement with one or more invalid principals.';
export const LOCKOUT_MESSAGE = 'The new key policy will not allow you to update the key policy in the future.';

export interface PolicyCheckContext {
  /** The principal making the request (for the lockout check). */
  callerArn: string;
  /** Whether IAM knows this AWS principal (and it has propagated). */
  isKnownPrincipal(principal: string): boolean;
  bypassLockoutSafetyCheck: boolean;
}

interface Statement {
  Effect?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Condition?: unknown;
}

function asList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** AWS principals of a Principal element; `*` for the bare wildcard. Service/Federated are always known. */
function awsPrincipals(principal: unknown): string[] | null {
  if (principal === '*') return ['*'];
  if (typeof principal !== 'object' || principal === null || Array.isArray(principal)) return null;
  const result: string[] = [];
  for (const [type, values] of Object.entries(principal)) {
    const list = asList(values);
    if (list.some((v) => typeof v !== 'string' || v.length === 0)) return null;
    if (type === 'AWS') result.push(...(list as string[]));
    else if (type !== 'Service' && type !== 'Federated' && type !== 'CanonicalUser') return null;
  }
  return result;
}

function globMatches(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i').test(value);
}

function coversAction(statement: Statement, action: string): boolean {
  if (statement.Action !== undefined) return asList(statement.Action).some((a) => typeof a === 'string' && globMatches(a, action));
  if (statement.NotAction !== undefined) return !asList(statement.NotAction).some((a) => typeof a === 'string' && globMatches(a, action));
  return false;
}

/** Whether the statement's principal includes the caller: itself, its account (root or id) or `*`. */
function coversCaller(statement: Statement, callerArn: string): boolean {
  const principals = awsPrincipals(statement.Principal);
  if (principals === null) return false;
  const account = /^arn:[^:]+:(iam|sts)::(\d{12}):/.exec(callerArn)?.[2];
  return principals.some(
    (p) => p === '*' || p === callerArn || (account !== undefined && (p === account || /^arn:[^:]+:iam::(\d{12}):root$/.exec(p)?.[1] === account)),
  );
}

/** Throws KMS's exception for the first problem of `policyText`; returns normally when acceptable. */
export function checkKeyPolicy(policyText: string, ctx: PolicyCheckContext): void {
  if (Buffer.byteLength(policyText, 'utf8') > MAX_KEY_POLICY_BYTES) {
    throw faults.limitExceeded(`The key policy exceeds the maximum size of ${MAX_KEY_POLICY_BYTES} bytes.`);
  }
  let document: unknown;
  try {
    document = JSON.parse(policyText);
  } catch {
    throw faults.malformedPolicy('The policy document is not valid JSON.');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw faults.malformedPolicy('The policy document must be a JSON object.');
  const statements = asList((document as { Statement?: unknown }).Statement);
  if (statements.length === 0) throw faults.malformedPolicy('The policy document must contain at least one statement.');
  for (const raw of statements) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw faults.malformedPolicy('Each policy statement must be a JSON object.');
    const statement = raw as Statement;
    if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny')
      throw faults.malformedPolicy('Each policy statement must have an Effect of Allow or Deny.');
    if (statement.Action === undefined && statement.NotAction === undefined)
      throw faults.malformedPolicy('Each policy statement must have an Action or NotAction.');
    const principal = statement.Principal ?? statement.NotPrincipal;
    if (principal === undefined) throw faults.malformedPolicy('Each policy statement must have a Principal.');
    const principals = awsPrincipals(principal);
    if (principals === null || principals.some((p) => !ctx.isKnownPrincipal(p))) throw faults.malformedPolicy(INVALID_PRINCIPALS_MESSAGE);
  }
  if (ctx.bypassLockoutSafetyCheck) return;
  const typed = statements as Statement[];
  const relevant = (s: Statement) => s.Principal !== undefined && coversCaller(s, ctx.callerArn) && coversAction(s, 'kms:PutKeyPolicy');
  const allowed = typed.some((s) => s.Effect === 'Allow' && relevant(s));
  const denied = typed.some((s) => s.Effect === 'Deny' && s.Condition === undefined && relevant(s));
  if (!allowed || denied) throw faults.malformedPolicy(LOCKOUT_MESSAGE);
}
