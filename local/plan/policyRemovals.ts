/**
 * What a `PutKeyPolicy` takes away: the principals and actions that an `Allow` statement of the key's
 * current policy grants and the same statement (by `Sid`, or position for a statement without one)
 * of the new policy no longer does. A statement that disappears loses all of them. Such a call is
 * destructive (docs/plan.md): whoever relied on that access stops working once it runs. `Deny`
 * statements are left out on purpose: removing a principal or action from a Deny gives access, it
 * takes none away.
 */
import { canonicalizeJsonText } from '../../lib/text/canonicalJson.ts';

/** One statement's grant, flattened: `AWS:arn…`, `Service:…` or `*` principals; actions as written. */
interface AllowGrant {
  principals: string[];
  actions: string[];
}

/**
 * The parts of `actualPolicy`'s Allow statements that `wantedPolicy` removes, one line per statement
 * (`Sid: principal X; actions kms:Decrypt`), in the current policy's order. Empty when nothing is
 * removed, or when either policy cannot be read (nothing can be said then: the finding says why).
 */
export function removedAccess(actualPolicy: string | null, wantedPolicy: string): string[] {
  if (actualPolicy === null) return [];
  const actual = allowGrantsOf(actualPolicy);
  const wanted = allowGrantsOf(wantedPolicy);
  if (actual === null || wanted === null) return [];
  const lines: string[] = [];
  for (const [sid, grant] of actual) {
    const after = wanted.get(sid);
    const principals = grant.principals.filter((p) => after === undefined || !after.principals.includes(p));
    const actions = grant.actions.filter((a) => after === undefined || !after.actions.includes(a));
    const parts = [principals.length > 0 ? `principal ${principals.join(', ')}` : '', actions.length > 0 ? `action ${actions.join(', ')}` : ''].filter(
      (part) => part !== '',
    );
    if (parts.length > 0) lines.push(`${sid}${after === undefined ? ' (statement removed)' : ''}: ${parts.join('; ')}`);
  }
  return lines;
}

/** Sid (or `#n`) → the Allow statement's principals and actions; null when the text is not a policy. */
function allowGrantsOf(policy: string): Map<string, AllowGrant> | null {
  const canonical = canonicalizeJsonText(policy);
  if (canonical === null) return null;
  const document = JSON.parse(canonical) as { Statement?: unknown };
  const statements = Array.isArray(document.Statement) ? document.Statement : document.Statement === undefined ? [] : [document.Statement];
  const grants = new Map<string, AllowGrant>();
  statements.forEach((statement: unknown, i) => {
    if (statement === null || typeof statement !== 'object') return;
    const s = statement as Record<string, unknown>;
    if (s.Effect !== 'Allow') return;
    const sid = typeof s.Sid === 'string' && s.Sid !== '' ? s.Sid : `#${i + 1}`;
    grants.set(sid, { principals: principalsOf(s.Principal), actions: stringsOf(s.Action) });
  });
  return grants;
}

function principalsOf(principal: unknown): string[] {
  if (typeof principal === 'string') return [principal];
  if (principal === null || typeof principal !== 'object') return [];
  return Object.entries(principal as Record<string, unknown>).flatMap(([type, values]) => stringsOf(values).map((value) => `${type}:${value}`));
}

function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
