import { OWNERSHIP_TAGS } from '../../lib/ownership.ts';
import { plan } from '../../lib/planner/index.ts';
import { canonicalJson } from '../../lib/text/canonicalJson.ts';
import type { Action, ActualState } from '../../lib/types.ts';
import { buildPlanReport, describeAction, planAroundRefusals, renderPlanText } from '../../local/plan/index.ts';
import { actualKey, alias, desiredKey, desiredState, OWNER, ownedTags, POLICY, replicaOf, SIBLING } from '../planner/fixtures.ts';

const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const OLD_ID = '0000aaaa-12ab-34cd-56ef-1234567890ab';
const MRK = 'mrk-1234abcd12ab34cd56ef1234567890ab';

/** Plans with the real planner and reports on it. */
function reportOf(desired: ReturnType<typeof desiredState>, actual: ActualState, skippedRegions: string[] = []) {
  const result = plan(desired, actual);
  const heldBack = result.refusals.length > 0 ? (planAroundRefusals(desired, actual, result) ?? undefined) : undefined;
  return buildPlanReport({ desired, actual, plan: result, heldBack, skippedRegions });
}

describe('Function: buildPlanReport', () => {
  it('reports nothing to do when KMS matches the template', () => {
    // Prepare
    const key = desiredKey('cmk-prod');
    const actual = { keys: [actualKey(key, KEY_ID)], aliases: [alias('us-east-1', 'alias/cmk-prod', KEY_ID)] };

    // Act
    const report = reportOf(desiredState([key]), actual);

    // Assess
    expect(report.status).toBe('unchanged');
    expect(report.regions).toEqual([]);
    expect(report.counts).toEqual({ actions: 0, destructive: 0, replacements: 0, refusals: 0, heldBack: 0 });
    expect(renderPlanText(report)).toBe('No changes: an Update to this template would not call KMS (3 Regions read).\n');
    expect(renderPlanText(report, { mode: 'drift' })).toBe('No drift: KMS matches the template (3 Regions read).\n');
  });

  it('describes a key disabled and a policy edited by hand as drift, naming key and Region', () => {
    // Prepare
    const key = desiredKey('cmk-prod', { replicaRegions: ['eu-west-1'] });
    const edited = canonicalJson({
      ...JSON.parse(POLICY),
      Statement: [...JSON.parse(POLICY).Statement, { Sid: 'ByHand', Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*' }],
    });
    const primary = actualKey(key, MRK);
    const actual = {
      keys: [primary, replicaOf(primary, 'eu-west-1', { state: 'Disabled', policy: edited })],
      aliases: [alias('us-east-1', 'alias/cmk-prod', MRK), alias('eu-west-1', 'alias/cmk-prod', MRK)],
    };

    // Act
    const report = reportOf(desiredState([key]), actual);
    const text = renderPlanText(report, { mode: 'drift' });

    // Assess
    expect(report.status).toBe('changes');
    expect(report.regions.map((r) => r.region)).toEqual(['eu-west-1']);
    const [eu] = report.regions;
    expect(eu!.keys.map((k) => [k.keyName, k.keyIds])).toEqual([['cmk-prod', [MRK]]]);
    expect(eu!.keys[0]!.actions.map((a) => [a.kind, a.destructive, a.finding])).toEqual([
      ['EnableKey', false, 'the key is Disabled'],
      ['PutKeyPolicy', true, 'the key policy differs from the generated one (statements not in the template: ByHand)'],
    ]);
    // Putting the generated policy back takes the hand-made access away: destructive, and shown.
    expect(eu!.keys[0]!.actions[1]!.removedAccess).toEqual(['ByHand (statement removed): principal *; action kms:Decrypt']);
    expect(text).toContain('DRIFT: 2 difference(s) between KMS and the template (1 destructive)');
    expect(text).toContain('        removes: ByHand (statement removed): principal *; action kms:Decrypt');
    expect(text).toContain(`eu-west-1\n  cmk-prod  key ${MRK}\n    ~ EnableKey key ${MRK}\n        drift: the key is Disabled`);
  });

  it('words a tag changed, a replica deleted, an alias deleted and rotation turned off by hand', () => {
    // Prepare
    const key = desiredKey('cmk-prod', { replicaRegions: ['ap-south-1', 'eu-west-1'] });
    // KMS lists the replicas that exist: the one deleted (its window over) is gone from the primary's list.
    const primary = actualKey(key, MRK, {
      tags: { ...ownedTags(key), Team: 'ops' },
      rotation: { enabled: false, periodInDays: null },
      replicaRegions: ['eu-west-1'],
    });
    const actual = {
      keys: [primary, replicaOf(primary, 'eu-west-1', { tags: ownedTags(key) })],
      aliases: [alias('us-east-1', 'alias/cmk-prod', MRK)],
    };

    // Act
    const report = reportOf(desiredState([key]), actual);

    // Assess
    const findings = report.regions.flatMap((r) => r.keys.flatMap((k) => k.actions.map((a) => `${r.region} ${a.kind}: ${a.finding}`)));
    expect(findings).toEqual([
      'ap-south-1 ReplicateKey: no replica in ap-south-1 (deleted, or never made)',
      'ap-south-1 CreateAlias: alias/cmk-prod does not exist in ap-south-1',
      'eu-west-1 CreateAlias: alias/cmk-prod does not exist in eu-west-1',
      'us-east-1 EnableKeyRotation: rotation is off',
      'us-east-1 TagResource: tag Team is ops (template: platform)',
    ]);
  });

  it('words an alias moved to a key the resource does not own as a refusal naming Region, alias and key', () => {
    // Prepare
    const key = desiredKey('cmk-prod');
    const actual = { keys: [actualKey(key, KEY_ID), actualKey(key, OLD_ID, { tags: {} })], aliases: [alias('us-east-1', 'alias/cmk-prod', OLD_ID)] };

    // Act
    const text = renderPlanText(reportOf(desiredState([key]), actual), { mode: 'drift' });

    // Assess
    expect(text).toMatch(/^DRIFT: REFUSED: 1 refusal\(s\)/);
    expect(text).toContain(`  x cmk-prod (us-east-1): alias/cmk-prod in us-east-1 already targets key ${OLD_ID}, which this resource does not own`);
  });

  it('lists additions, removals and a replacement, destructive ones marked', () => {
    // Prepare
    const replaced = desiredKey('cmk-sign', { spec: 'ECC_NIST_P256', keyUsage: 'SIGN_VERIFY', rotation: null, allowReplacement: true });
    const added = desiredKey('cmk-new');
    const removed = desiredKey('cmk-old');
    const actual = {
      keys: [actualKey(desiredKey('cmk-sign', { spec: 'RSA_2048', keyUsage: 'SIGN_VERIFY', rotation: null }), KEY_ID), actualKey(removed, OLD_ID)],
      aliases: [alias('us-east-1', 'alias/cmk-sign', KEY_ID), alias('us-east-1', 'alias/cmk-old', OLD_ID)],
    };

    // Act
    const report = reportOf(desiredState([replaced, added]), actual);
    const text = renderPlanText(report);

    // Assess
    expect(report.status).toBe('changes');
    const keys = report.regions[0]!.keys;
    expect(keys.map((k) => [k.keyName, k.replaces])).toEqual([
      ['cmk-new', null],
      ['cmk-old', null],
      ['cmk-sign', [KEY_ID]],
    ]);
    expect(keys.find((k) => k.keyName === 'cmk-old')!.actions.map((a) => [a.kind, a.effect, a.destructive])).toEqual([
      ['DeleteAlias', 'destroy', true],
      ['ScheduleKeyDeletion', 'destroy', true],
    ]);
    expect(keys.find((k) => k.keyName === 'cmk-sign')!.actions.map((a) => a.kind)).toEqual(['CreateKey', 'UpdateAlias', 'ScheduleKeyDeletion']);
    expect(report.counts).toMatchObject({ replacements: 1, destructive: 3, refusals: 0 });
    expect(text).toContain(`  cmk-sign  -/+ REPLACEMENT: a new key replaces ${KEY_ID}`);
    expect(text).toContain(`    - ScheduleKeyDeletion key ${OLD_ID} in 30 days  DESTRUCTIVE\n        found: cmk-old is no longer in the template`);
    expect(text).toContain('    + CreateKey SYMMETRIC_DEFAULT ENCRYPT_DECRYPT');
    expect(text).toContain(`    + CreateKey ECC_NIST_P256 SIGN_VERIFY\n        found: replaces key ${KEY_ID}`);
    expect(text).toContain(`    - ScheduleKeyDeletion key ${KEY_ID} in 30 days  DESTRUCTIVE\n        found: replaced by the new key`);
  });

  it('marks a replacement refused without AllowReplacement, and holds back the rest of the change', () => {
    // Prepare
    const refused = desiredKey('cmk-sign', { spec: 'ECC_NIST_P256', keyUsage: 'SIGN_VERIFY', rotation: null });
    const added = desiredKey('cmk-new');
    const actual = {
      keys: [actualKey(desiredKey('cmk-sign', { spec: 'RSA_2048', keyUsage: 'SIGN_VERIFY', rotation: null }), KEY_ID)],
      aliases: [alias('us-east-1', 'alias/cmk-sign', KEY_ID)],
    };

    // Act
    const report = reportOf(desiredState([refused, added]), actual);
    const text = renderPlanText(report);

    // Assess
    expect(report.status).toBe('refused');
    expect(report.refusals).toEqual([expect.objectContaining({ keyName: 'cmk-sign', region: 'us-east-1', replacement: true })]);
    expect(report.counts.actions).toBe(0);
    const actions = report.regions.flatMap((r) => r.keys.flatMap((k) => k.actions));
    expect(actions.every((a) => a.heldBack)).toBe(true);
    expect(new Set(actions.map((a) => a.keyName))).toEqual(new Set(['cmk-new', 'cmk-sign']));
    expect(text).toMatch(/^REFUSED: 1 refusal\(s\), \d+ action\(s\) held back/);
    expect(text).toContain('  x cmk-sign (us-east-1) [replacement]: Spec of cmk-sign would change from RSA_2048 to ECC_NIST_P256');
    expect(text).toContain('(held back)');
  });

  it('counts a release by RemovalPolicy: Retain as destructive', () => {
    // Prepare
    const retained = desiredKey('cmk-keep', { removalPolicy: 'Retain' });
    const actual = { keys: [actualKey(retained, KEY_ID)], aliases: [alias('us-east-1', 'alias/cmk-keep', KEY_ID)] };

    // Act
    const report = reportOf(desiredState([]), actual);

    // Assess
    const [action] = report.regions[0]!.keys[0]!.actions;
    expect([action!.kind, action!.effect, action!.destructive, action!.finding]).toEqual([
      'UntagResource',
      'release',
      true,
      'RemovalPolicy: Retain: the key and its aliases stay, unmanaged',
    ]);
  });

  it('tells taking a key over from a renamed resource from handing it back', () => {
    // Prepare: the key of a renamed logical ID (same stack), then the rollback of that rename.
    const key = desiredKey('cmk-prod');
    const renamed = { keys: [actualKey(key, KEY_ID, { tags: ownedTags(key, SIBLING) })], aliases: [alias('us-east-1', 'alias/cmk-prod', KEY_ID)] };
    const handedOver = { ...ownedTags(key), [OWNERSHIP_TAGS.previousOwner]: SIBLING.ownerId };
    const rolledBack = { keys: [actualKey(key, KEY_ID, { tags: handedOver })], aliases: [alias('us-east-1', 'alias/cmk-prod', KEY_ID)] };

    // Act
    const takeOver = reportOf(desiredState([key]), renamed).regions[0]!.keys[0]!.actions;
    const handBack = reportOf(desiredState([]), rolledBack).regions[0]!.keys[0]!.actions;

    // Assess
    expect(takeOver.map((a) => [a.kind, a.effect, a.finding])).toEqual([
      ['TagResource', 'change', `ownership moves here from resource ${SIBLING.ownerId} (a renamed logical ID)`],
    ]);
    expect(handBack.map((a) => [a.kind, a.effect, a.destructive])).toEqual([
      ['TagResource', 'release', true],
      ['UntagResource', 'change', false],
    ]);
    expect(handBack[0]!.finding).toBe(`the key goes back to resource ${SIBLING.ownerId} (a renamed logical ID rolled back)`);
  });

  it('lists invalid inputs, skipped Regions and keys in transition', () => {
    // Prepare
    const key = desiredKey('cmk-mr', { replicaRegions: ['eu-west-1'] });
    const primary = actualKey(key, MRK);
    const actual = { keys: [primary, replicaOf(primary, 'eu-west-1', { state: 'Creating' })], aliases: [alias('us-east-1', 'alias/cmk-mr', MRK)] };
    const desired = desiredState([key], { invalidCmkInputs: ['cmk-typo'], invalidReplicaRegions: { 'cmk-mr': ['ap-east-2'] } });

    // Act
    const report = reportOf(desired, actual, ['me-south-1']);
    const text = renderPlanText(report);

    // Assess
    expect(report).toMatchObject({ invalidCmkInputs: ['cmk-typo'], invalidReplicaRegions: { 'cmk-mr': ['ap-east-2'] }, skippedRegions: ['me-south-1'] });
    expect(text).toContain('InvalidCmkInputs): cmk-typo');
    expect(text).toContain('  cmk-mr: ap-east-2');
    expect(text).toContain('Skipped Regions (KMS denied access, no key wanted there): me-south-1');
    expect(report.inTransition).toEqual([{ region: 'eu-west-1', keyId: MRK, state: 'Creating' }]);
    expect(text).toContain(
      `Keys in transition, which the function waits for before it plans (this plan may change once they settle): ${MRK} in eu-west-1 (Creating)`,
    );
  });

  it('prints the inputs left out as warnings first, whatever ReturnAttributes selects', () => {
    // Prepare
    const key = desiredKey('cmk-mr', { replicaRegions: ['eu-west-1'] });
    const actual = { keys: [actualKey(key, MRK, { replicaRegions: [] })], aliases: [alias('us-east-1', 'alias/cmk-mr', MRK)] };
    const desired = desiredState([key], { invalidReplicaRegions: { 'cmk-mr': ['us-east-1'] } });
    const warning =
      "CustomerMasterKeys.cmk-mr.ReplicaRegions: us-east-1 is the key's own Region, and a key is never its own replica: left out (InvalidReplicaRegions)";
    const result = plan(desired, actual);

    // Act
    const report = buildPlanReport({ desired, actual, plan: result, warnings: [warning] });
    const text = renderPlanText(report);

    // Assess
    expect(report.warnings).toEqual([warning]);
    expect(text.split('\n').slice(0, 3)).toEqual([expect.stringMatching(/^Plan: /), '', `WARNING: ${warning}`]);
    expect(text).not.toContain('Replica Regions not used');
  });

  it('is plain data: JSON round-trips it unchanged', () => {
    // Prepare
    const key = desiredKey('cmk-prod', { replicaRegions: ['eu-west-1'] });
    const report = reportOf(desiredState([key]), { keys: [], aliases: [] });

    // Act
    const parsed = JSON.parse(JSON.stringify(report));

    // Assess
    expect(parsed).toEqual(report);
    expect(report.regions.map((r) => r.region)).toEqual(['eu-west-1', 'us-east-1']);
    expect(report.regions[0]!.keys[0]!.actions.map((a) => a.kind)).toEqual(['ReplicateKey', 'CreateAlias']);
    expect(OWNER.ownerId).toMatch(/^mrkk-/);
  });
});

describe('Function: describeAction', () => {
  it('treats a kind it does not know as destructive unless its name says it creates', () => {
    // Prepare
    const base = { id: 'x', region: 'us-east-1', keyName: 'cmk-prod', dependsOn: [] };
    const revoke = { ...base, kind: 'RetireWidget', key: { keyId: KEY_ID }, widgetId: 'w-1' } as unknown as Action;
    const create = { ...base, kind: 'CreateWidget', key: { keyId: KEY_ID }, widgetName: 'asg' } as unknown as Action;

    // Act
    const revoked = describeAction(revoke);
    const created = describeAction(create);

    // Assess
    expect(revoked).toEqual({ effect: 'destroy', summary: `RetireWidget key=key ${KEY_ID} widgetId=w-1`, classified: false });
    expect(created).toEqual({ effect: 'create', summary: `CreateWidget key=key ${KEY_ID} widgetName=asg`, classified: false });
  });

  it('knows the grant actions: CreateGrant creates, RevokeGrant destroys (the grantee loses the key)', () => {
    // Prepare
    const base = { id: 'x', region: 'us-east-1', keyName: 'cmk-prod', dependsOn: [], key: { keyId: KEY_ID }, grantName: 'asg' };
    const grantee = 'arn:aws:iam::444455556666:role/x';
    const create = {
      ...base,
      kind: 'CreateGrant',
      kmsName: 'n',
      granteePrincipal: grantee,
      operations: ['Decrypt'],
      retiringPrincipal: null,
      constraints: null,
    } as Action;
    const revoke = { ...base, kind: 'RevokeGrant', grantId: 'g-1', kmsName: 'n', parameters: null } as Action;
    const parameters = { granteePrincipal: grantee, operations: ['Decrypt'], retiringPrincipal: null, constraints: null };
    const unlisted = { ...base, kind: 'RevokeGrant', grantId: null, kmsName: 'n', parameters } as Action;

    // Act / Assess
    expect(describeAction(create)).toEqual({ effect: 'create', summary: `CreateGrant asg on key ${KEY_ID}: ${grantee} may Decrypt`, classified: true });
    expect(describeAction(revoke)).toEqual({ effect: 'destroy', summary: `RevokeGrant asg (g-1) on key ${KEY_ID}`, classified: true });
    expect(describeAction(unlisted)).toEqual({
      effect: 'destroy',
      summary: `RevokeGrant asg (not yet listed: made again by name to learn its GrantId, then revoked) on key ${KEY_ID} in us-east-1`,
      classified: true,
    });
  });
});
