/**
 * Rule 7: grants (docs/behaviour.md §12). KMS grants are per key and Region and immutable, so for
 * every desired key and every Region where it will exist (primary and replicas):
 * - a wanted grant whose KMS name (owner marker + name + parameter fingerprint) is there is kept;
 * - a missing one is created (CreateGrant with that name: a replay answers the same GrantId), once
 *   the key exists and accepts it (after CreateKey, ReplicateKey, CancelKeyDeletion or
 *   UpdatePrimaryRegion of this plan);
 * - a grant of ours that is no longer wanted (removed, or changed: its fingerprint differs) is
 *   revoked, after the grant replacing it has been made, so the grantee never loses access midway.
 * Keys that are removed take their grants with them (ScheduleKeyDeletion), and retained keys keep
 * them: nothing is revoked on a key no desired key is bound to.
 */
import type { ActualGrant, DesiredKey, GrantRef, KeyRef } from '../types.ts';
import { compare, deps } from './builder.ts';
import type { PlannerContext } from './context.ts';
import { keyActionId, replicateActionId } from './ids.ts';

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

  for (const grant of wanted) {
    const match = existing.find((g) => g.kmsName === grant.kmsName && !kept.has(g.grantId));
    if (match !== undefined) {
      kept.add(match.grantId);
      bound[grant.name] = { grantId: match.grantId };
      continue;
    }
    const id = ctx.out.add({
      kind: 'CreateGrant',
      id: createGrantActionId(region, keyName, grant.name),
      region,
      keyName,
      dependsOn: ready,
      key: ref,
      grantName: grant.name,
      kmsName: grant.kmsName,
      granteePrincipal: grant.granteePrincipal,
      operations: [...grant.operations],
      retiringPrincipal: grant.retiringPrincipal,
      constraints: grant.constraints,
    });
    createdFor.set(grant.name, id);
    bound[grant.name] = { created: id };
  }

  revokeUnkept(ctx, { keyName, ref, region, ready }, existing, kept, createdFor);
  return bound;
}

/** RevokeGrant for each existing grant no wanted grant kept, after its replacement (the grantee keeps access throughout a change). */
function revokeUnkept(
  ctx: PlannerContext,
  on: { keyName: string; ref: KeyRef; region: string; ready: readonly string[] },
  existing: readonly ActualGrant[],
  kept: ReadonlySet<string>,
  createdFor: ReadonlyMap<string, string>,
): void {
  const { keyName, ref, region, ready } = on;
  for (const grant of existing) {
    if (kept.has(grant.grantId)) continue;
    ctx.out.add({
      kind: 'RevokeGrant',
      id: revokeGrantActionId(region, keyName, grant.grantId),
      region,
      keyName,
      dependsOn: deps(...ready, createdFor.get(grant.name)),
      key: ref,
      grantId: grant.grantId,
      grantName: grant.name,
    });
  }
}

/** What must be done before the key in `region` accepts CreateGrant: it must exist and not be pending deletion or moving. */
function readinessOf(key: DesiredKey, ref: KeyRef, region: string, planned: readonly string[]): string[] {
  const { keyName } = key;
  const replicate = replicateActionId(key.primaryRegion, keyName, region);
  if (!('keyId' in ref)) return region === key.primaryRegion ? [ref.created] : [replicate];
  const { keyId } = ref;
  const candidates = [keyActionId('CancelKeyDeletion', region, keyName, keyId), replicate];
  const move = planned.filter((id) => id.startsWith('UpdatePrimaryRegion:') && id.endsWith(`:${keyName}:${keyId}`));
  return deps(...candidates.filter((id) => planned.includes(id)), ...move);
}
