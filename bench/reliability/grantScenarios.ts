/**
 * Grants on real KMS terms, in the `eventual_consistency` block (issue: key states and grant
 * consistency): the emulator refuses CreateGrant on a key that is not Enabled (its key-state table)
 * and lags grants like keys (a new grant is not listed at once, and its revocation may answer
 * NotFound). Each scenario checks, after every step, the invariants and which grants our keys hold.
 */
import type { Stack } from '../../local/driver/index.ts';
import { type ScenarioFinding, stateProblems } from './field.ts';
import type { Harness } from './harness.ts';
import { type CheckOutcome, deliveryProblems, evidenceOf } from './outcome.ts';
import { REFERENCE_PRINCIPALS } from './reference.ts';

const ACCOUNT = '111122223333';
const [APP, DEV] = [REFERENCE_PRINCIPALS.find((p) => p.endsWith(':role/prod-app'))!, REFERENCE_PRINCIPALS.find((p) => p.endsWith(':user/dev'))!];

type Grants = Record<string, { GranteePrincipal: string; GrantedOperations: string[] }>;

function keyWith(regions: string[], key: Record<string, unknown>, grants: Grants): Record<string, unknown> {
  const [primary, replica] = regions;
  return { AwsAccountId: ACCOUNT, CustomerMasterKeys: { 'cmk-grants': { Region: primary, ReplicaRegions: [replica], Grants: grants, ...key } } };
}
const grant = (principal: string): Grants[string] => ({ GranteePrincipal: principal, GrantedOperations: ['Decrypt'] });

interface GrantStep {
  label: string;
  run: (stack: Stack) => ReturnType<Stack['create']>;
  expected?: 'SUCCESS' | 'FAILED';
  /** Every member of the key after the step: its state (a regular expression's alternatives) and the sorted grantees of its grants. */
  after: { state: string; grantees: string[] };
}

async function grantsProblems(harness: Harness, ownerId: string, label: string, wanted: GrantStep['after']): Promise<string[]> {
  const keys = (await harness.control.state()).keys.filter((k) => k.tags['MultiRegionKmsKeys:Owner'] === ownerId);
  const states = new RegExp(`^(${wanted.state})$`);
  const problems = keys.flatMap((k) => {
    const grantees = (k.grants ?? []).map((g) => g.granteePrincipal).sort();
    const ok = states.test(k.keyState) && JSON.stringify(grantees) === JSON.stringify(wanted.grantees);
    return ok
      ? []
      : [
          `${label}: ${k.region} is ${k.keyState} with grants to ${grantees.join(', ') || 'nobody'}, expected ${wanted.state} with ${wanted.grantees.join(', ') || 'none'}`,
        ];
  });
  return keys.length === 0 ? [`${label}: no key of the resource found`] : problems;
}

async function steps(harness: Harness, name: string, list: GrantStep[]): Promise<ScenarioFinding> {
  const prepared = await harness.prepare(name);
  const problems: string[] = [];
  const evidence: NonNullable<CheckOutcome['evidence']> = [];
  for (const step of list) {
    const result = await step.run(prepared.stack);
    const found = [
      ...deliveryProblems(step.label, result, step.expected ?? 'SUCCESS'),
      ...(await stateProblems(harness, prepared)).map((p) => `${step.label}: ${p}`),
      ...(await grantsProblems(harness, prepared.ownerId, step.label, step.after)),
    ];
    if (found.length > 0) evidence.push(evidenceOf(result));
    problems.push(...found);
  }
  return problems.length > 0 ? { problems, evidence } : { problems };
}

/** Point 1: grants made while the key is Enabled, around DisableKey, CancelKeyDeletion; refused on a key that stays Disabled. */
export function grantsOnDisabledKeys(regions: string[]): (harness: Harness) => Promise<ScenarioFinding> {
  const props = (key: Record<string, unknown>, grants: Grants) => keyWith(regions, key, grants);
  const empty = { AwsAccountId: ACCOUNT, CustomerMasterKeys: {} };
  return (harness) =>
    steps(harness, 'rel-ks-disabled-grants', [
      {
        label: 'Create (disabled, with a grant)',
        run: (s) => s.create(props({ Enabled: false }, { app: grant(APP) })),
        after: { state: 'Disabled', grantees: [APP] },
      },
      {
        label: 'Update (grant on a key that stays Disabled: refused)',
        run: (s) => s.update(props({ Enabled: false }, { app: grant(APP), dev: grant(DEV) })),
        expected: 'FAILED',
        after: { state: 'Disabled', grantees: [APP] },
      },
      {
        label: 'Update (enable, add a grant)',
        run: (s) => s.update(props({}, { app: grant(APP), dev: grant(DEV) })),
        after: { state: 'Enabled', grantees: [APP, DEV].sort() },
      },
      {
        label: 'Update (remove the key)',
        run: (s) => s.update(empty),
        after: { state: 'PendingDeletion|PendingReplicaDeletion', grantees: [APP, DEV].sort() },
      },
    ]);
}

/** Point 1, restoration: a key removed (scheduled for deletion) comes back with a grant: CancelKeyDeletion, EnableKey, then CreateGrant. */
export function grantsOnRestoredKey(regions: string[]): (harness: Harness) => Promise<ScenarioFinding> {
  const props = (grants: Grants) => keyWith(regions, {}, grants);
  const pending = 'PendingDeletion|PendingReplicaDeletion';
  return (harness) =>
    steps(harness, 'rel-ks-restored-grants', [
      { label: 'Create', run: (s) => s.create(props({})), after: { state: 'Enabled', grantees: [] } },
      { label: 'Update (remove the key)', run: (s) => s.update({ AwsAccountId: ACCOUNT, CustomerMasterKeys: {} }), after: { state: pending, grantees: [] } },
      { label: 'Update (restore it with a grant)', run: (s) => s.update(props({ app: grant(APP) })), after: { state: 'Enabled', grantees: [APP] } },
      { label: 'Delete', run: (s) => s.delete(), after: { state: pending, grantees: [APP] } },
    ]);
}

/** Point 3: a grant removed by the Update right after the one that made it, and by a rollback, is revoked though KMS does not list it yet. */
export function lateGrants(regions: string[]): (harness: Harness) => Promise<ScenarioFinding> {
  const props = (grants: Grants) => keyWith(regions, {}, grants);
  return (harness) =>
    steps(harness, 'rel-ec-late-grants', [
      { label: 'Create', run: (s) => s.create(props({ app: grant(APP) })), after: { state: 'Enabled', grantees: [APP] } },
      {
        label: 'Update (add a grant)',
        run: (s) => s.update(props({ app: grant(APP), dev: grant(DEV) })),
        after: { state: 'Enabled', grantees: [APP, DEV].sort() },
      },
      { label: 'Update (remove it at once)', run: (s) => s.update(props({ app: grant(APP) })), after: { state: 'Enabled', grantees: [APP] } },
      {
        label: 'Update (add it again)',
        run: (s) => s.update(props({ app: grant(APP), dev: grant(DEV) })),
        after: { state: 'Enabled', grantees: [APP, DEV].sort() },
      },
      { label: 'rollback Update', run: (s) => s.rollbackUpdate(), after: { state: 'Enabled', grantees: [APP] } },
    ]);
}
