/**
 * What an AccessDeniedException says about its cause (docs/behaviour.md §4). AWS writes its
 * access-denied messages as `User: <arn> is not authorized to perform: <action> on resource:
 * <resource>` followed by the policy type that denied: `with an explicit deny in a <type>` (an
 * explicit Deny, possibly followed by `: <policy ARN>`) or `because no <type> allows the <action>
 * action` (no Allow) — IAM User Guide, "Troubleshoot access denied error messages". Only a denial by
 * a service control policy is a Region the organisation keeps the account out of; every other
 * denial (a role whose policy has not propagated yet, a permissions boundary, a missing permission)
 * is retried for the IAM propagation window, then fails naming what the message names.
 */

/** The policy types AWS names in access-denied messages, longest first so none shadows another. */
const POLICY_TYPES = [
  'service control policy',
  'resource control policy',
  'identity-based policy',
  'resource-based policy',
  'VPC endpoint policy',
  'permissions boundary',
  'session policy',
] as const;

export type PolicyType = (typeof POLICY_TYPES)[number];

/** What the message of one AccessDeniedException says. */
export interface AccessDenial {
  /** `kms:ListKeys`…, or null when the message does not say. */
  action: string | null;
  /** The policy type the message names, or null when it names none (some services use other wordings). */
  policyType: PolicyType | null;
  /** True for `with an explicit deny in …`, false for `because no … allows` or no policy type. */
  explicit: boolean;
}

const TYPES = POLICY_TYPES.map((type) => type.replace(/[-]/g, '\\-')).join('|');
const EXPLICIT = new RegExp(`with an explicit deny in an? (${TYPES})`, 'i');
const IMPLICIT = new RegExp(`because no (${TYPES}) allows`, 'i');
const ACTION = /to perform: ([\w-]+:[\w*]+)/;

/** Reads an access-denied message (case-insensitive in the policy type: AWS has written both cases). */
export function accessDenialOf(message: string): AccessDenial {
  const action = ACTION.exec(message)?.[1] ?? null;
  const explicit = EXPLICIT.exec(message);
  const implicit = explicit === null ? IMPLICIT.exec(message) : null;
  const named = (explicit ?? implicit)?.[1]?.toLowerCase();
  const policyType = POLICY_TYPES.find((type) => type.toLowerCase() === named) ?? null;
  return { action, policyType, explicit: explicit !== null };
}

/**
 * True when the message says a service control policy denied the request: explicitly (`with an
 * explicit deny in a service control policy`) or for want of an Allow in an allow-list SCP (`because
 * no service control policy allows …`). Neither passes with time; every other denial may.
 */
export function isScpDenial(message: string): boolean {
  return accessDenialOf(message).policyType === 'service control policy';
}

/** `an explicit deny in a permissions boundary`, `no identity-based policy allowing it`, or `a denial whose cause KMS did not name`. */
export function denialCause(denial: AccessDenial): string {
  if (denial.policyType === null) return 'a denial whose policy type the message does not name';
  return denial.explicit ? `an explicit deny in a ${denial.policyType}` : `no ${denial.policyType} allowing it`;
}
