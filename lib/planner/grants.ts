/**
 * Rule 7: grants (docs/behaviour.md §12). KMS grants are per key and Region and immutable, so for
 * every desired key and every Region where it will exist (primary and replicas):
 * - a wanted grant whose KMS name (owner marker + name + parameter fingerprint) is there is kept;
 * - a missing one is created (CreateGrant with that name: a replay answers the same GrantId), once
 *   the key exists and accepts it (after CreateKey, ReplicateKey, CancelKeyDeletion or
 *   UpdatePrimaryRegion of this plan);
 * - a grant of ours that is no longer wanted (removed, or changed: its fingerprint differs) is
 *   revoked, after the grant replacing it has been made, so the grantee never loses access midway;
 *   so is a grant the previous properties named that ListGrants does not list yet (KMS grants are
 *   eventually consistent): its action carries the grant's parameters, to make it again by name.
 * Keys that are removed take their grants with them (ScheduleKeyDeletion), and retained keys keep
 * them: nothing is revoked on a key no desired key is bound to.
 *
 * KMS refuses CreateGrant on a key that is not Enabled (the key-state table: DisabledException on a
 * Disabled key, KMSInvalidStateException while pending deletion or Creating), so a grant is made
 * while the key is Enabled: after the EnableKey of a disabled or restored key (CancelKeyDeletion
 * leaves a key Disabled), and before the DisableKey of a key (new or existing) declared
 * `Enabled: false`. A grant to make on a key that is Disabled and stays so is refused before any
 * call (enabling it for the moment would let it be used); revocations work in every state.
 */
import type { ActualGrant, DesiredGrant, DesiredKey, GrantParameters, GrantRef, KeyRef } from '../types.ts';
import { compare, deps } from './builder.ts';
import type { PlannerContext } from './context.ts';
import { keyActionId, newKeyActionId, replicateActionId } from './ids.ts';

/** `DesiredKey.id` → Region → grant name → the grant serving it. */
export type GrantBindings = Record<string, Record<string, Record<string, GrantRef>>>;

/** The id of the CreateGrant of `grantName` on the key of `keyName` in `region`. */
export function createGrantActionId(region: string, keyName: string, grantName: string): string {
  return `CreateGrant:${region}:${keyName}:${grantName}`;
}

/** The id of the RevokeGrant of `grantId`. */
export function revokeGrantActionId(region: string, keyName: string, grantId: string): string {
  return `RevokeGrant:${region}:${keyName}:${grantId}`;
}

/** The id of the RevokeGrant of the grant `grantName` the previous properties named and ListGrants does not list yet. */
export function revokeUnlistedGrantActionId(region: string, keyName: string, grantName: string): string {
  return `RevokeGrant:${region}:${keyName}:unlisted:${grantName}`;
}

/** Plans the grants of every bound desired key; returns which grant serves each wanted one. */
export function planGrants(ctx: PlannerContext, bindings: Record<string, KeyRef>, actualGrants: readonly ActualGrant[]): GrantBindings {
  const result: GrantBindings = {};
  const planned = ctx.out.ids();
  for (const key of ctx.desired.keys) {
    const ref = bindings[key.id];
    if (ref === undefined) continue;
    const regions = [key.primaryRegion, ...(key.multiRegion ? key.replicaRegions : [])];
    const perRegion: Record<string, Record<string, GrantRef>> = {};
    for (const region of regions) {
      const bound = planRegion(ctx, key, ref, region, actualGrants, planned);
      if (Object.keys(bound).length > 0) perRegion[region] = bound;
    }
    if (Object.keys(perRegion).length > 0) result[key.id] = perRegion;
  }
  return result;
}

function planRegion(
  ctx: PlannerContext,
  key: DesiredKey,
  ref: KeyRef,
  region: string,
  actualGrants: readonly ActualGrant[],
  planned: readonly string[],
): Record<string, GrantRef> {
  const { keyName } = key;
  const keyId = 'keyId' in ref ? ref.keyId : null;
  // Sorted by GrantId: the same grants in any order give the same plan.
  const existing = keyId === null ? [] : actualGrants.filter((g) => g.region === region && g.keyId === keyId).sort((a, b) => compare(a.grantId, b.grantId));
  const wanted = (key.grants ?? []).filter((grant) => grant.regions.includes(region));
  // Only where the key exists or this plan makes it: a replica this pass does not make yet (an
  // adoption waiting for its tag, say) gets its grants on the pass that makes it.
  const exists = keyId !== null && (ctx.index.family(keyId)?.members.some((m) => m.region === region) ?? false);
  const replicate = replicateActionId(key.primaryRegion, keyName, region);
  if (!exists && region !== key.primaryRegion && !planned.includes(replicate)) return {};
  if (!exists && keyId !== null && region === key.primaryRegion) return {};
  const ready = readinessOf(key, ref, region, planned);
  const bound: Record<string, GrantRef> = {};
  const kept = new Set<string>();
  const createdFor = new Map<string, string>();
  const staysDisabled = keyId !== null && exists && staysDisabledIn(ctx, key, keyId, region, planned);
  const refused: string[] = [];

  for (const grant of wanted) {
    const match = existing.find((g) => g.kmsName === grant.kmsName && !kept.has(g.grantId));
    if (match !== undefined) {
      kept.add(match.grantId);
      bound[grant.name] = { grantId: match.grantId };
      continue;
    }
    if (staysDisabled) {
      refused.push(grant.name);
      continue;
    }
    const id = addCreateGrant(ctx, { keyName, ref, region, ready }, grant);
    createdFor.set(grant.name, id);
    bound[grant.name] = { created: id };
  }

  if (refused.length > 0) ctx.out.refuse(keyName, region, disabledKeyReason(keyName, region, refused));
  beforeDisableKey(ctx, { keyName, region, keyId }, [...createdFor.values()]);
  const retired = (key.retiredGrants ?? []).filter((grant) => grant.regions.includes(region));
  revokeUnkept(ctx, { keyName, ref, region, ready }, existing, kept, createdFor, retired);
  // Grants the previous properties named that ListGrants does not show (yet): revoked all the same, on a key that exists.
  // Made again by name, which KMS refuses on a Disabled key: before the key's DisableKey, like a new grant.
  if (keyId !== null && exists)
    beforeDisableKey(ctx, { keyName, region, keyId }, revokeUnlisted(ctx, { keyName, ref, region, ready }, retired, existing, createdFor));
  return bound;
}

/** CreateGrant of `grant` on the key `on.ref` in `on.region`, once the key is ready; returns its id. */
function addCreateGrant(ctx: PlannerContext, on: { keyName: string; ref: KeyRef; region: string; ready: readonly string[] }, grant: DesiredGrant): string {
  const { keyName, ref, region, ready } = on;
  return ctx.out.add({
    kind: 'CreateGrant',
    id: createGrantActionId(region, keyName, grant.name),
    region,
    keyName,
    dependsOn: [...ready],
    key: ref,
    grantName: grant.name,
    kmsName: grant.kmsName,
    granteePrincipal: grant.granteePrincipal,
    operations: [...grant.operations],
    retiringPrincipal: grant.retiringPrincipal,
    constraints: grant.constraints,
  });
}

/** Grants are made while the key is still Enabled: its DisableKey in the Region (new key, new replica or existing key) waits for them. */
function beforeDisableKey(ctx: PlannerContext, on: { keyName: string; region: string; keyId: string | null }, made: readonly string[]): void {
  ctx.out.addDependencies(newKeyActionId('DisableKey', on.region, on.keyName), made);
  if (on.keyId !== null) ctx.out.addDependencies(keyActionId('DisableKey', on.region, on.keyName, on.keyId), made);
}

/** RevokeGrant for each existing grant no wanted grant kept, after its replacement (the grantee keeps access throughout a change). */
function revokeUnkept(
  ctx: PlannerContext,
  on: { keyName: string; ref: KeyRef; region: string; ready: readonly string[] },
  existing: readonly ActualGrant[],
  kept: ReadonlySet<string>,
  createdFor: ReadonlyMap<string, string>,
  retired: readonly DesiredGrant[],
): void {
  const { keyName, ref, region, ready } = on;
  for (const grant of existing) {
    if (kept.has(grant.grantId)) continue;
    const named = retired.find((candidate) => candidate.kmsName === grant.kmsName);
    ctx.out.add({
      kind: 'RevokeGrant',
      id: revokeGrantActionId(region, keyName, grant.grantId),
      region,
      keyName,
      dependsOn: deps(...ready, createdFor.get(grant.name)),
      key: ref,
      grantId: grant.grantId,
      grantName: grant.name,
      kmsName: grant.kmsName,
      parameters: named === undefined ? null : parametersOf(named),
    });
  }
}

/**
 * RevokeGrant of each grant the previous properties named that ListGrants does not list: made moments
 * ago and not listed yet, already revoked (a repeated request), or never made (the rollback of an
 * Update that failed before making it) — KMS's answers cannot tell these apart. The action carries the
 * grant's parameters: the executor makes it again by name (KMS answers the existing grant's GrantId,
 * or makes it) and revokes that GrantId, so each case ends with the grant revoked (executor/revokeGrant.ts).
 * Returns the actions' ids.
 */
function revokeUnlisted(
  ctx: PlannerContext,
  on: { keyName: string; ref: KeyRef; region: string; ready: readonly string[] },
  retired: readonly DesiredGrant[],
  existing: readonly ActualGrant[],
  createdFor: ReadonlyMap<string, string>,
): string[] {
  const { keyName, ref, region, ready } = on;
  const ids: string[] = [];
  for (const grant of retired) {
    if (existing.some((listed) => listed.kmsName === grant.kmsName)) continue;
    ids.push(
      ctx.out.add({
        kind: 'RevokeGrant',
        id: revokeUnlistedGrantActionId(region, keyName, grant.name),
        region,
        keyName,
        dependsOn: deps(...ready, createdFor.get(grant.name)),
        key: ref,
        grantId: null,
        grantName: grant.name,
        kmsName: grant.kmsName,
        parameters: parametersOf(grant),
      }),
    );
  }
  return ids;
}

/** What CreateGrant is sent for `grant`, besides its key and name. */
function parametersOf(grant: DesiredGrant): GrantParameters {
  const { granteePrincipal, operations, retiringPrincipal, constraints } = grant;
  return { granteePrincipal, operations: [...operations], retiringPrincipal, constraints };
}

/**
 * Whether the existing key in `region` is Disabled after this plan: Disabled now or pending deletion
 * (CancelKeyDeletion leaves it Disabled), and no EnableKey of this plan brings it back.
 */
function staysDisabledIn(ctx: PlannerContext, key: DesiredKey, keyId: string, region: string, planned: readonly string[]): boolean {
  const member = ctx.index.family(keyId)?.members.find((m) => m.region === region);
  if (member === undefined) return false;
  const disabledAfter = member.state === 'Disabled' || member.state === 'PendingDeletion' || member.state === 'PendingReplicaDeletion';
  return disabledAfter && !planned.includes(keyActionId('EnableKey', region, key.keyName, keyId));
}

/** Why a grant cannot be made on a key that stays Disabled, and what to do about it. */
export function disabledKeyReason(keyName: string, region: string, grantNames: readonly string[]): string {
  return (
    `CustomerMasterKeys.${keyName}.Grants: ${grantNames.join(', ')} cannot be made in ${region}: the key is Disabled and stays so ` +
    `(Enabled: false), and KMS refuses CreateGrant on a disabled key (DisabledException). Nothing was changed. ` +
    `To make the grant, set Enabled: true (the grant is made once the key is enabled), or make it in the same update that ` +
    `sets Enabled: false on an enabled key (the grant is made before the key is disabled); otherwise remove it from Grants`
  );
}

/** What must be done before the key in `region` accepts CreateGrant: it must exist, be Enabled, and not be pending deletion or moving. */
function readinessOf(key: DesiredKey, ref: KeyRef, region: string, planned: readonly string[]): string[] {
  const { keyName } = key;
  const replicate = replicateActionId(key.primaryRegion, keyName, region);
  if (!('keyId' in ref)) return region === key.primaryRegion ? [ref.created] : [replicate];
  const { keyId } = ref;
  // EnableKey: a Disabled key, or a restored one (CancelKeyDeletion leaves it Disabled), refuses CreateGrant.
  const candidates = [keyActionId('CancelKeyDeletion', region, keyName, keyId), keyActionId('EnableKey', region, keyName, keyId), replicate];
  const move = planned.filter((id) => id.startsWith('UpdatePrimaryRegion:') && id.endsWith(`:${keyName}:${keyId}`));
  return deps(...candidates.filter((id) => planned.includes(id)), ...move);
}
