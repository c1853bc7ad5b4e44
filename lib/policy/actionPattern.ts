/**
 * IAM action patterns (`kms:GenerateDataKey*`, `kms:*`, `*`) resolved against the key actions KMS
 * knows, so a user-supplied action list can be checked for what it would really grant.
 */
import { KEY_RESOURCE_ACTIONS, type KeyResourceAction, MANAGEMENT_ACTIONS } from './actions.ts';

const MANAGEMENT_SET: ReadonlySet<string> = new Set(MANAGEMENT_ACTIONS);

/** A compiled IAM action pattern: `*` = any run of characters, `?` = one; case-insensitive as in IAM. */
export function compileActionPattern(pattern: string): RegExp {
  const body = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'i');
}

/** The key actions that `pattern` matches (none for an IAM-only or unknown action). */
export function keyActionsMatching(pattern: string): KeyResourceAction[] {
  const regex = compileActionPattern(pattern);
  return KEY_RESOURCE_ACTIONS.filter((action) => regex.test(action));
}

/** The management actions `pattern` would grant; empty when it grants only use of the key. */
export function managementActionsMatching(pattern: string): KeyResourceAction[] {
  return keyActionsMatching(pattern).filter((action) => MANAGEMENT_SET.has(action));
}
