/**
 * IAM authorisation of KMS requests (field realism, `identityPolicy` / `scp`), evaluated by
 * `@cloud-copilot/iam-simulate` — a maintained IAM policy simulator that knows KMS's trust rules for
 * key policies and each action's condition keys (why this library: README). It is a
 * devDependency loaded only when authorisation is on; nothing here reaches the Lambda bundle.
 *
 * Each operation is authorised as one or more *checks* (action, Region, resource, key policy,
 * request context), produced by a rule per operation name (`authorisationRules.ts`); an operation
 * without a rule is checked on the key its `KeyId` names, or on `*`. Every check must allow.
 */
import { faults } from './errors.ts';
import type { PolicyDocument } from './realism.ts';
import type { EmulatorState } from './state.ts';

/** One authorisation decision KMS makes for a request. */
export interface AuthorisationCheck {
  /** `kms:<Operation>`. */
  action: string;
  /** The Region the check is made in (`aws:RequestedRegion`). */
  region: string;
  /** The resource ARN, or `*` for actions on no resource (CreateKey, ListKeys, ListAliases). */
  resource: string;
  /** The key policy of a key resource (JSON text); null for aliases and `*`. */
  keyPolicy: string | null;
  /** Request context keys of the action (`aws:RequestTag/…`, `kms:…`); the common ones are added. */
  context: Record<string, string | string[]>;
}

/** FullAWSAccess, the policy AWS Organizations attaches to every root, OU and account. */
const FULL_AWS_ACCESS: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

type Simulator = typeof import('@cloud-copilot/iam-simulate');
let simulator: Promise<Simulator> | null = null;

/** Loaded on first use: the library carries the IAM service reference (~15 MB of JSON). */
function loadSimulator(): Promise<Simulator> {
  simulator ??= import('@cloud-copilot/iam-simulate');
  return simulator;
}

function commonContext(state: EmulatorState, check: AuthorisationCheck): Record<string, string | string[]> {
  return {
    'aws:RequestedRegion': check.region,
    'aws:PrincipalArn': state.config.callerArn,
    'aws:PrincipalAccount': state.accountId,
    'kms:CallerAccount': state.accountId,
    ...check.context,
  };
}

/** How AWS names each policy type in an access-denied message (IAM User Guide, "Troubleshoot access denied error messages"). */
const POLICY_TYPE_WORDS: Record<string, string> = {
  scp: 'service control policy',
  rcp: 'resource control policy',
  identity: 'identity-based policy',
  pb: 'permissions boundary',
  resource: 'resource-based policy',
  vpce: 'VPC endpoint policy',
};

/**
 * Which implicit denial the message names when several policy types lack an Allow: AWS names only
 * one ("If multiple policy types deny an authorization request, AWS includes only one of those policy
 * types in the error message"). Which one is not documented; this order (the organisation's policies
 * first, then the caller's own, then the resource's) is a guess listed in README.md.
 */
const IMPLICIT_ORDER = ['scp', 'rcp', 'identity', 'pb', 'resource', 'vpce'];

/**
 * The AccessDeniedException message for a denied check, in AWS's format: `User: <arn> is not
 * authorized to perform: <action> on resource: <resource>` then `with an explicit deny in a <type>`
 * or `because no <type> allows the <action> action`.
 */
function denial(state: EmulatorState, check: AuthorisationCheck, reasons: { policyType: string; denialType: string }[]): Error {
  const explicit = reasons.find((r) => r.denialType === 'Explicit');
  const words = (type: string) => POLICY_TYPE_WORDS[type] ?? type;
  const article = (type: string) => (/^[aeiou]/i.test(words(type)) ? 'an' : 'a');
  const implicit = IMPLICIT_ORDER.find((type) => reasons.some((r) => r.policyType === type)) ?? 'identity';
  const why = explicit
    ? `with an explicit deny in ${article(explicit.policyType)} ${words(explicit.policyType)}`
    : `because no ${words(implicit)} allows the ${check.action} action`;
  return faults.accessDenied(`User: ${state.config.callerArn} is not authorized to perform: ${check.action} on resource: ${check.resource} ${why}`);
}

/**
 * Evaluates one check: the identity policy (allow-all when only an SCP is set), the key policy as
 * resource policy, and the SCP next to FullAWSAccess at the account. Throws AccessDeniedException.
 */
export async function evaluate(state: EmulatorState, check: AuthorisationCheck): Promise<void> {
  const { runSimulation, getDenialReasons } = await loadSimulator();
  const { config } = state;
  const scps =
    config.scp === null
      ? []
      : [
          {
            orgIdentifier: state.accountId,
            policies: [
              { name: 'FullAWSAccess', policy: FULL_AWS_ACCESS },
              { name: 'scp', policy: config.scp },
            ],
          },
        ];
  const result = await runSimulation(
    {
      request: {
        principal: config.callerArn,
        action: check.action,
        resource: { resource: check.resource, accountId: state.accountId },
        contextVariables: commonContext(state, check),
      },
      identityPolicies: [{ name: 'identity', policy: config.identityPolicy ?? FULL_AWS_ACCESS }],
      serviceControlPolicies: scps,
      resourceControlPolicies: [],
      ...(check.keyPolicy === null ? {} : { resourcePolicy: JSON.parse(check.keyPolicy) as unknown }),
    },
    { simulationMode: 'Strict' },
  );
  if (result.resultType === 'error') throw new Error(`emulator: the IAM simulator refused the policies: ${JSON.stringify(result.errors)}`);
  if (result.overallResult === 'Allowed') return;
  const analysis = result.resultType === 'single' ? result.result.analysis : result.results[0]?.analysis;
  throw denial(state, check, analysis ? getDenialReasons(analysis) : []);
}

/** Evaluates every check of a request in order; the first denial is the answer. */
export async function authorise(state: EmulatorState, checks: AuthorisationCheck[]): Promise<void> {
  for (const check of checks) await evaluate(state, check);
}
