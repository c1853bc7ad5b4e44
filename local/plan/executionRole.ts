/**
 * The function's execution role (EXECUTION_ROLE_ARN), which every generated key policy names in
 * its first statement (docs/behaviour.md §5). The plan needs it to generate the policies it
 * compares with KMS; without `--execution-role-arn` it is read from the policies of the keys the
 * resource owns.
 */

import { OWNERSHIP_TAGS } from '../../lib/ownership.ts';
import type { ActualState, Owner } from '../../lib/types.ts';

/** The Sid of the statement that grants the execution role its management actions (lib/policy/statements.ts). */
export const EXECUTION_ROLE_SID = 'FunctionExecutionRoleManagesKey';

export interface ExecutionRole {
  arn: string;
  /** `flag`: --execution-role-arn; `keyPolicies`: found in the keys' policies; `unknown`: neither (a placeholder is used). */
  source: 'flag' | 'keyPolicies' | 'unknown';
  /** How many of the owned keys' policies name it, and how many were read. */
  foundIn?: { keys: number; of: number };
  /** Other roles the owned keys' policies name in that statement (a hand edit, or a redeployed function). */
  others?: string[];
}

/** The role named by most owned keys' policies, or null when none names one. */
export function executionRoleFromPolicies(actual: ActualState, owner: Owner): Omit<ExecutionRole, 'source'> | null {
  const owned = actual.keys.filter((k) => k.tags[OWNERSHIP_TAGS.owner] === owner.ownerId && k.policy !== null);
  const counts = new Map<string, number>();
  for (const key of owned) {
    const arn = roleInPolicy(key.policy!);
    if (arn !== null) counts.set(arn, (counts.get(arn) ?? 0) + 1);
  }
  const ranked = [...counts.entries()].sort(([a, n], [b, m]) => m - n || (a < b ? -1 : 1));
  if (ranked.length === 0) return null;
  const [arn, keys] = ranked[0]!;
  return { arn, foundIn: { keys, of: owned.length }, others: ranked.slice(1).map(([other]) => other) };
}

/** The single AWS principal of the execution role's statement, or null. */
export function roleInPolicy(policy: string): string | null {
  let document: unknown;
  try {
    document = JSON.parse(policy);
  } catch {
    return null;
  }
  const statements = (document as { Statement?: unknown } | null)?.Statement;
  if (!Array.isArray(statements)) return null;
  const statement = statements.find((s: unknown) => (s as { Sid?: unknown } | null)?.Sid === EXECUTION_ROLE_SID) as
    | { Principal?: { AWS?: unknown } }
    | undefined;
  const principal = statement?.Principal?.AWS;
  const arn = Array.isArray(principal) && principal.length === 1 ? principal[0] : principal;
  return typeof arn === 'string' && arn.startsWith('arn:') ? arn : null;
}

/** Stands in for an unknown role: shown as such in every generated policy. */
export function placeholderRoleArn(partition: string, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:role/EXECUTION-ROLE-UNKNOWN`;
}

/** The line printed under the headline. */
export function executionRoleNote(role: ExecutionRole): string {
  switch (role.source) {
    case 'flag':
      return `Execution role: ${role.arn} (from --execution-role-arn)`;
    case 'keyPolicies': {
      const others = role.others !== undefined && role.others.length > 0 ? `; other policies name ${role.others.join(', ')}` : '';
      return `Execution role: ${role.arn} (found in ${role.foundIn?.keys} of ${role.foundIn?.of} key policies${others})`;
    }
    case 'unknown':
      return `Execution role: unknown (no owned key's policy names one; pass --execution-role-arn): the policies shown name ${role.arn}`;
  }
}
