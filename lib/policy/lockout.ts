/**
 * The lockout rule for the user's own statements (docs/behaviour.md §5): whatever a template adds,
 * the function's execution role keeps every action of its generated statement, so the key can still
 * be updated, restored and deleted by the stack. KMS evaluates an explicit `Deny` before any
 * `Allow`, so a `Deny` that covers one of those actions would win over the role's statement whenever
 * it applies. Whether it applies depends on its principal and condition, which the product cannot
 * decide for certain before the request is made (`aws:PrincipalOrgID`, `aws:SourceIp`, tags of the
 * caller, the account root covering every role of the account, …), so such a `Deny` is refused
 * whatever its principal and condition; a `Deny` of use (`kms:Decrypt` outside the organization) is not.
 */
import { compileActionPattern } from './actionPattern.ts';
import { EXECUTION_ROLE_ACTIONS } from './actions.ts';

/**
 * The execution role's actions that a statement's `Action` (or, for `NotAction`, everything it does
 * not list) covers, in the order of {@link EXECUTION_ROLE_ACTIONS}.
 */
export function executionRoleActionsCovered(actions: { action?: readonly string[]; notAction?: readonly string[] }): string[] {
  if (actions.action !== undefined) {
    const patterns = actions.action.map(compileActionPattern);
    return EXECUTION_ROLE_ACTIONS.filter((a) => patterns.some((p) => p.test(a)));
  }
  if (actions.notAction !== undefined) {
    const excluded = actions.notAction.map(compileActionPattern);
    return EXECUTION_ROLE_ACTIONS.filter((a) => !excluded.some((p) => p.test(a)));
  }
  return [];
}

/**
 * Why a `Deny` statement with these actions would lock the function out of the key, or undefined
 * when it only denies use.
 */
export function denyLockoutProblem(statement: { action?: readonly string[]; notAction?: readonly string[]; conditional: boolean }): string | undefined {
  const covered = executionRoleActionsCovered(statement);
  if (covered.length === 0) return undefined;
  const shown = covered.length > 4 ? `${covered.slice(0, 4).join(', ')} and ${covered.length - 4} more` : covered.join(', ');
  const condition = statement.conditional
    ? " A condition does not make it safe: the Deny applies whenever the condition matches the function's requests, which cannot be ruled out in advance."
    : '';
  return (
    `a Deny of ${shown} is refused: it would also deny the function's execution role wherever it applies to it (KMS evaluates an explicit Deny before any Allow), ` +
    `and the stack could no longer update, restore or delete the key.${condition} ` +
    'Any Deny of an action the function needs is refused, whatever its principal and condition. Deny only use of the key (kms:Decrypt, kms:Encrypt, kms:GenerateDataKey*, …); ' +
    'to keep someone from managing the key, do not grant them management (only the generated statements and your Allow statements grant anything)'
  );
}
