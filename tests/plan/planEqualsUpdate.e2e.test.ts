/**
 * End to end: the plan is the Update (docs/behaviour.md §13). For each edit v1 → v2: Create v1
 * through the CloudFormation driver and the built bundle, plan v2 (v1's recorded properties as the
 * previous ones, as `npm start -- --update` and `npm run plan -- --previous-template` do), run the
 * Update, and compare the plan's actions with the mutating calls the emulator logged — operation,
 * Region and key (or alias) — one by one. Also: right after the Create and after the Update, the
 * plan of the deployed template is empty (no drift). Over a corpus of named edits and a fast-check
 * generator of combined edits; and a grant the previous template named that KMS does not list yet
 * (planned as made again by name, then revoked: two calls).
 */
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { ValidationError } from '../../lib/errors.ts';
import { partitionOf } from '../../lib/regions.ts';
import type { ResourceContext } from '../../lib/types.ts';
import {
  createDriver,
  DEFAULT_BUNDLE_PATH,
  DEFAULT_IDENTITY,
  type Driver,
  executionRoleArnOf,
  functionArnOf,
  type RawProperties,
  Stack,
  stackIdOf,
} from '../../local/driver/index.ts';
import { type EmulatorConfigPatch, emulatorControl } from '../../local/emulator/client.ts';
import { startEmulator } from '../../local/emulator/index.ts';
import type { PlannedAction, PlanReport } from '../../local/plan/index.ts';
import { planUpdate } from '../../local/preview/updatePlan.ts';
import { CLOUDTRAIL_DESCRIBE, CLOUDTRAIL_ENCRYPT } from '../support/userStatements.ts';

const ACCOUNT_ID = DEFAULT_IDENTITY.accountId;
const ROLE_ARN = executionRoleArnOf(DEFAULT_IDENTITY);
const APP_ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/app`;
const AUDIT_ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/audit`;
const REGIONS = ['eu-west-1', 'us-east-1', 'us-west-2'];

type Keys = Record<string, Record<string, unknown>>;
type Props = RawProperties & { CustomerMasterKeys: Keys };

/** v1: a multi-Region key with two extra aliases, a grant and the user's own statement; a key in every Region. */
const V1: Props = {
  AwsAccountId: ACCOUNT_ID,
  GlobalTags: { Owner: 'platform' },
  CustomerMasterKeys: {
    app: {
      Region: 'us-east-1',
      MultiRegion: true,
      ReplicaRegions: ['eu-west-1'],
      Aliases: ['billing', 'reports'],
      Grants: { reader: { GranteePrincipal: APP_ROLE, GrantedOperations: ['Decrypt'] } },
      PolicyStatements: [CLOUDTRAIL_DESCRIBE],
      DeletionWindowInDays: 7,
    },
    logs: { Region: '', DeletionWindowInDays: 7 },
  },
};

/** One edit of v1's shape; each leaves a valid template (or one the function refuses as a whole). */
type Edit = { name: string; apply: (props: Props) => Props };

const clone = (props: Props): Props => structuredClone(props);
/** Sets the properties `patch` returns on key `name` (undefined: removes the property). */
const onKey = (name: string, patch: (key: Record<string, unknown>) => Record<string, unknown>) => (props: Props) => {
  const next = clone(props);
  const key = next.CustomerMasterKeys[name];
  if (key === undefined) return next;
  for (const [property, value] of Object.entries(patch(key))) {
    if (value === undefined) delete key[property];
    else key[property] = value;
  }
  return next;
};
const grantsOf = (key: Record<string, unknown>) => (key.Grants ?? {}) as Record<string, Record<string, unknown>>;

const EDITS: Edit[] = [
  { name: 'grant removed', apply: onKey('app', () => ({ Grants: undefined })) },
  {
    name: 'grant added',
    apply: onKey('app', (k) => ({ Grants: { ...grantsOf(k), audit: { GranteePrincipal: AUDIT_ROLE, GrantedOperations: ['DescribeKey'] } } })),
  },
  {
    name: 'grant changed',
    apply: onKey('app', (k) => ({ Grants: { ...grantsOf(k), reader: { GranteePrincipal: APP_ROLE, GrantedOperations: ['Decrypt', 'Encrypt'] } } })),
  },
  { name: 'alias removed', apply: onKey('app', (k) => ({ Aliases: ((k.Aliases ?? []) as string[]).filter((a) => a !== 'billing') })) },
  { name: 'alias added', apply: onKey('app', (k) => ({ Aliases: [...((k.Aliases ?? []) as string[]), 'ledger'] })) },
  { name: 'alias renamed', apply: onKey('app', (k) => ({ Aliases: ((k.Aliases ?? []) as string[]).map((a) => (a === 'reports' ? 'reporting' : a)) })) },
  { name: 'statement removed', apply: onKey('app', () => ({ PolicyStatements: undefined })) },
  { name: 'statement added', apply: onKey('app', (k) => ({ PolicyStatements: [...((k.PolicyStatements ?? []) as unknown[]), CLOUDTRAIL_ENCRYPT] })) },
  { name: 'tag changed', apply: (p) => ({ ...clone(p), GlobalTags: { Owner: 'security', CostCentre: '42' } }) },
  { name: 'replica added', apply: onKey('app', (k) => ({ ReplicaRegions: [...((k.ReplicaRegions ?? []) as string[]), 'us-west-2'] })) },
  { name: 'replica removed', apply: onKey('app', () => ({ ReplicaRegions: [] })) },
  { name: 'Regions narrowed', apply: (p) => ({ ...clone(p), OptInRegions: ['us-east-1', 'eu-west-1'] }) },
  {
    name: 'key added',
    apply: (p) => ({ ...clone(p), CustomerMasterKeys: { ...clone(p).CustomerMasterKeys, extra: { Region: 'us-west-2', DeletionWindowInDays: 7 } } }),
  },
  {
    name: 'key removed',
    apply: (p) => {
      const next = clone(p);
      delete next.CustomerMasterKeys.logs;
      return next;
    },
  },
  { name: 'rotation off', apply: onKey('app', () => ({ EnableKeyRotation: false })) },
  { name: 'rotation period changed', apply: onKey('logs', () => ({ RotationPeriodInDays: 90 })) },
  { name: 'key disabled', apply: onKey('logs', () => ({ Enabled: false })) },
  { name: 'description changed', apply: onKey('app', () => ({ Description: 'the application key' })) },
];

/** `Region Operation subject` of a planned action: the alias for alias calls, else the key (`new` for a key this request makes). */
function plannedCall(action: PlannedAction['action']): string {
  const subject =
    'aliasName' in action ? action.aliasName : 'key' in action ? ('keyId' in action.key ? action.key.keyId : 'new') : action.kind === 'CreateKey' ? 'new' : '?';
  return `${action.region} ${action.kind} ${subject}`;
}

/** The actions the report says an Update would make (held-back ones are not made: the Update is refused). */
function plannedCalls(report: PlanReport): string[] {
  return (
    report.regions
      .flatMap((r) => r.keys.flatMap((k) => k.actions))
      .filter((a) => !a.heldBack)
      // A grant not listed yet is made again by name (CreateGrant) and then revoked: two calls.
      .flatMap((a) =>
        a.action.kind === 'RevokeGrant' && a.action.grantId === null
          ? [plannedCall({ ...a.action, kind: 'CreateGrant' } as unknown as PlannedAction['action']), plannedCall(a.action)]
          : [plannedCall(a.action)],
      )
      .sort()
  );
}

describe('End to end: the plan of an Update is the Update', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let driver: Driver;
  let stackCount = 0;
  const control = () => emulatorControl(emulator.url);

  /** Creates v1 in an emptied account; plans v2; runs the Update; returns both sides and the drift after. */
  const planAndUpdate = async (v1: Props, v2: Props, via?: { props: Props; realism: EmulatorConfigPatch }) => {
    await control().reset({ regions: REGIONS });
    const stackName = `plan-equals-update-${++stackCount}`;
    const identity = { ...DEFAULT_IDENTITY, stackName };
    const stack = new Stack(driver, {
      stackId: stackIdOf(identity),
      logicalResourceId: 'Keys',
      resourceType: 'Custom::MultiRegionKmsKeys',
      serviceToken: functionArnOf(DEFAULT_IDENTITY, 'multi-region-kms-keys'),
    });
    const context: ResourceContext = {
      stackId: stack.resource.stackId,
      stackName,
      logicalResourceId: 'Keys',
      accountId: ACCOUNT_ID,
      partition: partitionOf(identity.region),
      region: identity.region,
      executionRoleArn: ROLE_ARN,
    };
    const planOf = async (previous: unknown, properties: unknown) =>
      (await planUpdate({ properties, previousProperties: previous, context, endpointUrl: emulator.url })).report;

    const created = await stack.create(v1);
    expect(created.status).toBe('SUCCESS');
    const afterCreate = await planOf(stack.properties, stack.properties);
    // An Update between v1 and v2, under other realism (e.g. grants KMS does not list yet).
    if (via !== undefined) {
      await control().config(via.realism);
      expect((await stack.update(via.props)).status).toBe('SUCCESS');
    }

    const next = stack.propertiesOf(v2);
    // A plan the function would refuse before any KMS call (e.g. an answer over 4,096 bytes) throws its ValidationError.
    let report: PlanReport | null = null;
    let refused: string | null = null;
    try {
      report = await planOf(stack.properties, next);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      refused = error.issues.map((issue) => issue.message).join('; ');
    }
    const before = new Set((await control().state()).keys.map((k) => k.keyId));
    await control().resetCounts();
    const updated = await stack.update(v2);
    const made = (await control().calls())
      .map((c) => `${c.region} ${c.operation} ${c.aliasName ?? (c.keyId !== null && before.has(c.keyId) ? c.keyId : 'new')}`)
      .sort();
    const afterUpdate = updated.status === 'SUCCESS' ? await planOf(stack.properties, stack.properties) : null;
    return { afterCreate, report: report as PlanReport, refused, planned: report === null ? [] : plannedCalls(report), made, updated, afterUpdate };
  };

  beforeAll(async () => {
    if (!existsSync(DEFAULT_BUNDLE_PATH)) throw new Error(`${DEFAULT_BUNDLE_PATH} is missing: run npm run build (npm test does)`);
    emulator = await startEmulator({ port: 0, regions: REGIONS, principals: [ROLE_ARN, APP_ROLE, AUDIT_ROLE], replicaCreatingMs: 0 });
    driver = await createDriver({ endpointUrl: emulator.url });
  });
  afterAll(async () => {
    await driver?.close();
    await emulator?.close();
  });

  it('plans nothing and calls nothing for an identical template, with grants, extra aliases and statements (no drift after Create)', async () => {
    // Act
    const run = await planAndUpdate(V1, V1);

    // Assess
    expect(run.afterCreate.status).toBe('unchanged');
    expect(run.report.status).toBe('unchanged');
    expect(run.planned).toEqual([]);
    expect(run.made).toEqual([]);
    expect(run.updated.status).toBe('SUCCESS');
  });

  it.each(EDITS.map((edit) => [edit.name, edit] as const))('plans exactly the calls of the Update: %s', async (_name, edit) => {
    // Act
    const run = await planAndUpdate(V1, edit.apply(V1));

    // Assess
    expect(run.planned).toEqual(run.made);
    expect(run.planned.length).toBeGreaterThan(0);
    expect(run.updated.status).toBe('SUCCESS');
    expect(run.afterUpdate?.status).toBe('unchanged');
  });

  it('plans a grant the previous template named that KMS does not list yet as made again by name and revoked, as the Update does', async () => {
    // Prepare: v1 + a grant, made while ListGrants lags far longer than the test (its revocation never misses)
    const withAudit = onKey('app', (k) => ({ Grants: { ...grantsOf(k), audit: { GranteePrincipal: AUDIT_ROLE, GrantedOperations: ['DescribeKey'] } } }))(V1);
    try {
      // Act: back to v1, removing the grant
      const run = await planAndUpdate(V1, V1, { props: withAudit, realism: { consistencyDelayMs: 1e12, freshGrantNotFoundRate: 0 } });

      // Assess
      const revokes = run.report.regions.flatMap((r) => r.keys.flatMap((k) => k.actions)).filter((a) => a.action.kind === 'RevokeGrant');
      expect(revokes.map((a) => [a.action.region, a.summary.includes('not yet listed')]).sort()).toEqual([
        ['eu-west-1', true],
        ['us-east-1', true],
      ]);
      expect(run.planned).toEqual(run.made);
      expect(run.updated.status).toBe('SUCCESS');
      expect(run.afterUpdate?.status).toBe('unchanged');
    } finally {
      await control().config({ consistencyDelayMs: 0, freshGrantNotFoundRate: 0.5 });
    }
  });

  it('plans nothing and calls nothing for an Update the function refuses (a replacement without AllowReplacement)', async () => {
    // Act
    const run = await planAndUpdate(V1, onKey('logs', () => ({ Spec: 'HMAC_256' }))(V1));

    // Assess
    expect(run.report.status).toBe('refused');
    expect(run.planned).toEqual([]);
    expect(run.made).toEqual([]);
    expect(run.updated.status).toBe('FAILED');
  });

  it('marks as DESTRUCTIVE and counts every call that takes access or data away', async () => {
    // Prepare: the grant, the alias billing, the user's statement and the key logs removed; app disabled.
    const v2 = [EDITS[0]!, EDITS[3]!, EDITS[6]!, EDITS[13]!, { name: 'disabled', apply: onKey('app', () => ({ Enabled: false })) }].reduce(
      (props, edit) => edit.apply(props),
      V1,
    );

    // Act
    const run = await planAndUpdate(V1, v2);

    // Assess
    expect(run.planned).toEqual(run.made);
    const actions = run.report.regions.flatMap((r) => r.keys.flatMap((k) => k.actions));
    const destructive = actions.filter((a) => a.destructive).map((a) => a.kind);
    expect([...new Set(destructive)].sort()).toEqual(['DeleteAlias', 'DisableKey', 'PutKeyPolicy', 'RevokeGrant', 'ScheduleKeyDeletion']);
    expect(run.report.counts.destructive).toBe(destructive.length);
    expect(actions.filter((a) => !a.destructive).map((a) => a.kind)).toEqual([]);
    const removed = actions.find((a) => a.kind === 'PutKeyPolicy')!.removedAccess;
    expect(removed).toEqual([`${CLOUDTRAIL_DESCRIBE.Sid} (statement removed): principal Service:cloudtrail.amazonaws.com; action kms:DescribeKey`]);
  });

  it('plans exactly the calls of the Update for generated combinations of edits', async () => {
    await fc.assert(
      fc.asyncProperty(fc.subarray(EDITS, { minLength: 1, maxLength: 5 }), async (edits) => {
        // Act
        const run = await planAndUpdate(
          V1,
          edits.reduce((props, edit) => edit.apply(props), V1),
        );

        // Assess: the same calls, or the same refusal before any call
        expect(run.planned).toEqual(run.made);
        if (run.refused !== null) expect(run.updated.reason).toContain(run.refused);
        if (run.updated.status === 'SUCCESS') expect(run.afterUpdate?.status).toBe('unchanged');
      }),
      { numRuns: 8 },
    );
  });
});
