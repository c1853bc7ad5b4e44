/**
 * A plan as a report for people and pipelines: the planner's `Plan` (lib/planner/), with the
 * desired and actual state it came from, grouped per Region and key. Each action carries its effect
 * (destructive ones marked), a summary and what was found in KMS that it corrects; replacements,
 * refusals, invalid inputs and skipped Regions are listed. Plain data: `JSON.stringify` is the JSON
 * output, `renderPlanText` the readable one.
 */
import { OWNERSHIP_TAGS } from '../../lib/ownership.ts';
import type { Action, ActualState, DesiredState, Plan, Refusal } from '../../lib/types.ts';
import { describeAction, type Effect, effectRegionOf, isDestructive, keyRefOf } from './actionTraits.ts';
import { findingOf, lookupOf } from './findings.ts';
import { removedAccess } from './policyRemovals.ts';

/** Bumped when a field changes meaning, so pipelines can check what they parse. */
export const PLAN_REPORT_VERSION = 1;

export interface PlannedAction {
  id: string;
  kind: string;
  keyName: string;
  /** The Region whose KMS endpoint receives the call (the primary's for ReplicateKey). */
  region: string;
  effect: Effect;
  destructive: boolean;
  /** False for a kind the report does not know yet (counted as destructive unless it creates). */
  classified: boolean;
  summary: string;
  /** What was found in KMS that this action corrects (drift, against the deployed template). */
  finding: string | null;
  /**
   * For a PutKeyPolicy: the principals and actions the new policy takes away, one line per Allow
   * statement (local/plan/policyRemovals.ts); non-empty makes the action destructive. Else empty.
   */
  removedAccess: string[];
  dependsOn: string[];
  /** True when a refusal stops the request: this action would run only once the refusal is resolved. */
  heldBack: boolean;
  /** The planner's action, unchanged. */
  action: Action;
}

export interface KeyReport {
  keyName: string;
  /** Existing keys the actions work on. */
  keyIds: string[];
  /** Set when a new key replaces existing ones (AllowReplacement: true). */
  replaces: string[] | null;
  actions: PlannedAction[];
}

export interface RegionReport {
  region: string;
  keys: KeyReport[];
}

export interface ReportedRefusal extends Refusal {
  /** The change needs a new key and the key does not set AllowReplacement. */
  replacement: boolean;
}

export interface PlanReport {
  version: typeof PLAN_REPORT_VERSION;
  /** `unchanged`: nothing to do; `changes`: the actions would run; `refused`: the request would fail, nothing changed. */
  status: 'unchanged' | 'changes' | 'refused';
  counts: { actions: number; destructive: number; replacements: number; refusals: number; heldBack: number };
  regions: RegionReport[];
  refusals: ReportedRefusal[];
  /** Keys not created because their Region is not enabled or outside OptInRegions. */
  invalidCmkInputs: string[];
  /** key name → replica Regions skipped for the same reason. */
  invalidReplicaRegions: Record<string, string[]>;
  /** Regions whose KMS answered AccessDenied with no desired key there (an SCP's Region deny). */
  skippedRegions: string[];
  /** The Regions that were read. */
  regionsRead: string[];
  /**
   * Inputs left out, one line each with its property path (lib/desired/warnings.ts): keys not created
   * (InvalidCmkInputs), replica Regions not used (InvalidReplicaRegions, the key's own Region among
   * them). Empty when the report was built without them.
   */
  warnings: string[];
  /**
   * Keys found `Creating` or `Updating` (a replica being made, a primary Region moving). The
   * function waits for them to settle before it plans; this plan did not, and may change once they do.
   */
  inTransition: { region: string; keyId: string; state: string }[];
}

export interface PlanReportInput {
  desired: DesiredState;
  actual: ActualState;
  plan: Plan;
  /**
   * When `plan` is refused (its actions are empty), the plan of everything the refusals do not
   * touch (`planAroundRefusals`): shown as held back, so a reader sees the whole change at once.
   */
  heldBack?: Plan;
  skippedRegions?: string[];
  /** `placementWarnings` of the properties planned. */
  warnings?: string[];
}

/** Builds the report. Pure: the same input gives the same report. */
export function buildPlanReport(input: PlanReportInput): PlanReport {
  const { desired, actual, plan } = input;
  const lookup = lookupOf(actual);
  const refused = plan.refusals.length > 0;
  const actions = refused ? (input.heldBack?.actions ?? []) : plan.actions;
  const bindings = refused ? (input.heldBack?.bindings ?? {}) : plan.bindings;

  const regions = new Map<string, Map<string, KeyReport>>();
  for (const action of actions) {
    const { effect, summary, classified } = describeAction(action, { ownerId: desired.owner.ownerId });
    const region = effectRegionOf(action);
    let keys = regions.get(region);
    if (keys === undefined) {
      keys = new Map();
      regions.set(region, keys);
    }
    let key = keys.get(action.keyName);
    if (key === undefined) {
      key = { keyName: action.keyName, keyIds: [], replaces: null, actions: [] };
      keys.set(action.keyName, key);
    }
    const ref = keyRefOf(action);
    if (ref !== null && 'keyId' in ref && !key.keyIds.includes(ref.keyId)) key.keyIds.push(ref.keyId);
    const removed = action.kind === 'PutKeyPolicy' ? removedAccess(lookup.key(action.region, action.key)?.policy ?? null, action.policy) : [];
    key.actions.push({
      id: action.id,
      kind: action.kind,
      keyName: action.keyName,
      region: action.region,
      effect,
      destructive: isDestructive(effect) || removed.length > 0,
      classified,
      summary,
      finding: findingOf(action, lookup, desired),
      removedAccess: removed,
      dependsOn: action.dependsOn,
      heldBack: refused,
      action,
    });
  }

  // A desired key served by a new key while a key of the same name, ours and not bound to any
  // desired key, still exists: a replacement (Spec, KeyUsage, MultiRegion or Region changed).
  const bound = new Set(Object.values(bindings).flatMap((ref) => ('keyId' in ref ? [ref.keyId] : [])));
  let replacements = 0;
  for (const desiredKey of desired.keys) {
    const binding = bindings[desiredKey.id];
    if (binding === undefined || !('created' in binding)) continue;
    const old = actual.keys.filter(
      (k) =>
        k.tags[OWNERSHIP_TAGS.keyName] === desiredKey.keyName &&
        k.tags[OWNERSHIP_TAGS.owner] === desired.owner.ownerId &&
        k.role !== 'REPLICA' &&
        k.state !== 'PendingDeletion' &&
        !bound.has(k.keyId) &&
        (!desiredKey.perRegion || k.region === desiredKey.primaryRegion),
    );
    const key = regions.get(desiredKey.primaryRegion)?.get(desiredKey.keyName);
    if (old.length === 0 || key === undefined) continue;
    const oldIds = [...new Set(old.map((k) => k.keyId))].sort(compare);
    key.replaces = oldIds;
    replacements++;
    for (const entry of regions.values()) {
      for (const planned of entry.get(desiredKey.keyName)?.actions ?? []) {
        const ref = keyRefOf(planned.action);
        if (planned.kind === 'CreateKey' && planned.action.id === binding.created) planned.finding = `replaces key ${oldIds.join(', ')}`;
        if (planned.kind === 'ScheduleKeyDeletion' && ref !== null && 'keyId' in ref && oldIds.includes(ref.keyId)) planned.finding = 'replaced by the new key';
      }
    }
  }

  const depth = depthsOf(actions);
  const regionReports = [...regions.entries()]
    .sort(([a], [b]) => compare(a, b))
    .map(([region, keys]) => ({
      region,
      keys: [...keys.values()]
        .sort((a, b) => compare(a.keyName, b.keyName))
        .map((k) => ({ ...k, keyIds: k.keyIds.sort(compare), actions: orderActions(k.actions, depth) })),
    }));
  const all = regionReports.flatMap((r) => r.keys.flatMap((k) => k.actions));
  const refusals = plan.refusals.map((r) => ({ ...r, replacement: /needs a new key/.test(r.reason) }));
  return {
    version: PLAN_REPORT_VERSION,
    status: refused ? 'refused' : plan.actions.length > 0 ? 'changes' : 'unchanged',
    counts: {
      actions: refused ? 0 : all.length,
      destructive: all.filter((a) => a.destructive).length,
      replacements,
      refusals: refusals.length,
      heldBack: refused ? all.length : 0,
    },
    regions: regionReports,
    refusals,
    invalidCmkInputs: [...desired.invalidCmkInputs],
    invalidReplicaRegions: Object.fromEntries(Object.entries(desired.invalidReplicaRegions).map(([k, v]) => [k, [...v]])),
    skippedRegions: [...(input.skippedRegions ?? [])].sort(compare),
    regionsRead: [...desired.regions],
    warnings: [...(input.warnings ?? [])],
    inTransition: actual.keys
      .filter((k) => k.state === 'Creating' || k.state === 'Updating')
      .map((k) => ({ region: k.region, keyId: k.keyId, state: k.state }))
      .sort((a, b) => compare(a.region, b.region) || compare(a.keyId, b.keyId)),
  };
}

/** In the order they can run: by the length of the chain of actions each waits for, then by id. */
function orderActions(actions: PlannedAction[], depth: Map<string, number>): PlannedAction[] {
  return [...actions].sort((a, b) => (depth.get(a.id) ?? 0) - (depth.get(b.id) ?? 0) || compare(a.id, b.id));
}

/** Action id → how many actions it waits for in a row (0: can start at once). */
function depthsOf(actions: Action[]): Map<string, number> {
  const byId = new Map(actions.map((a) => [a.id, a]));
  const depth = new Map<string, number>();
  const visit = (id: string, seen: Set<string>): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    const action = byId.get(id);
    // A dependency outside the plan (or a cycle, which the planner never makes) adds nothing.
    if (action === undefined || seen.has(id)) return 0;
    seen.add(id);
    const value = action.dependsOn.reduce((max, dep) => Math.max(max, byId.has(dep) ? visit(dep, seen) + 1 : 0), 0);
    depth.set(id, value);
    return value;
  };
  for (const action of actions) visit(action.id, new Set());
  return depth;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
