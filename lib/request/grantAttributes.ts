/**
 * The `GrantIds.<region>.<key>.<grant>` attributes (docs/behaviour.md §12): the GrantIds a plan
 * found or made, and stand-ins of the maximum length for the response-size preflight.
 */
import type { DesiredState, Plan } from '../types.ts';

/** `DesiredKey.id` → Region → grant name → GrantId. */
export type GrantIdMap = Record<string, Record<string, Record<string, string>>>;

/**
 * A stand-in GrantId for sizing the response before the grants exist. KMS's API allows GrantIds of
 * 1–128 characters; the ones it hands out are 64 hex characters (every example in its
 * documentation, and the emulator's). The preflight counts the maximum, so a selection it lets
 * through always fits.
 */
export const PLACEHOLDER_GRANT_ID = '0'.repeat(128);

/** Adds the GrantIds attributes that `keep` accepts to `data`. */
export function addGrantAttributes(data: Record<string, string>, desired: DesiredState, grantIds: GrantIdMap, keep: (name: string) => boolean): void {
  for (const key of desired.keys) {
    const byRegion = Object.hasOwn(grantIds, key.id) ? grantIds[key.id]! : {};
    for (const [region, byName] of Object.entries(byRegion)) {
      for (const [grantName, grantId] of Object.entries(byName)) {
        const name = `GrantIds.${region}.${key.keyName}.${grantName}`;
        if (keep(name)) data[name] = grantId;
      }
    }
  }
}

/** The GrantIds of a plan that has run: existing grants, and those its CreateGrant actions made (`createdGrants`: action id → GrantId). */
export function grantIdsOf(plan: Plan, createdGrants: ReadonlyMap<string, string>): GrantIdMap {
  const result: GrantIdMap = {};
  for (const [keyId, byRegion] of Object.entries(plan.grants ?? {})) {
    for (const [region, byName] of Object.entries(byRegion)) {
      for (const [grantName, ref] of Object.entries(byName)) {
        const grantId = 'grantId' in ref ? ref.grantId : createdGrants.get(ref.created);
        if (grantId === undefined) continue;
        result[keyId] ??= {};
        result[keyId]![region] ??= {};
        result[keyId]![region]![grantName] = grantId;
      }
    }
  }
  return result;
}

/** GrantIds of the maximum length for every desired grant in every Region it is made in. */
export function placeholderGrantIds(desired: DesiredState): GrantIdMap {
  const result: GrantIdMap = {};
  for (const key of desired.keys) {
    for (const grant of key.grants ?? []) {
      for (const region of grant.regions) {
        result[key.id] ??= {};
        result[key.id]![region] ??= {};
        result[key.id]![region]![grant.name] = PLACEHOLDER_GRANT_ID;
      }
    }
  }
  return result;
}
