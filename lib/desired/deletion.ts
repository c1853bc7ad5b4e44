/** The desired state of a Delete (docs/behaviour.md §6): nothing, read leniently from any properties. */
import { DEFAULTS } from '../constants.ts';
import type { ValidationIssue } from '../errors.ts';
import { ownerOf } from '../ownership.ts';
import { isAbsent, isRecord, readInteger } from '../properties/coerce.ts';
import { addIssue } from '../properties/issues.ts';
import { LIMITS } from '../properties/limits.ts';
import { readRegionList } from '../properties/regionNames.ts';
import { snakeCaseOf } from '../properties/synonyms.ts';
import { type AccountRegion, usableRegions } from '../regions.ts';
import type { DesiredState, ResourceContext } from '../types.ts';

/**
 * The desired state of a Delete: nothing. Never throws, whatever the properties hold, because a
 * Delete must remove what the resource owns even when its properties are invalid or outdated
 * (docs/behaviour.md §6). Only two properties are read, leniently: `OptInRegions` (a valid list narrows the
 * Regions to scan; anything else means all enabled Regions) and `DefaultDeletionWindowInDays`
 * (else 30, the safest window).
 */
export function deletionDesiredState(input: {
  rawProperties: unknown;
  enabledRegions: string[];
  accountRegions?: AccountRegion[];
  context: ResourceContext;
}): DesiredState {
  const { rawProperties, enabledRegions, context } = input;
  const known = input.accountRegions === undefined ? null : new Set(input.accountRegions.map((r) => r.name));
  // A name the partition does not have makes the whole list garbage: every enabled Region is scanned.
  const optInRegions = leniently(rawProperties, 'OptInRegions', (value, issues) => {
    const list = readRegionList(value, 'OptInRegions', issues, { allowAll: false });
    if (list !== undefined && known !== null && list.some((r) => !known.has(r))) addIssue(issues, 'OptInRegions', 'unknown Region');
    return list;
  });
  const window = leniently(rawProperties, 'DefaultDeletionWindowInDays', (value, issues) =>
    readInteger(value, 'DefaultDeletionWindowInDays', issues, LIMITS.deletionWindowInDays.min, LIMITS.deletionWindowInDays.max),
  );
  return {
    owner: ownerOf(context.stackId, context.logicalResourceId),
    regions: usableRegions(enabledRegions, optInRegions ?? null),
    keys: [],
    adoptExistingKeys: false,
    invalidCmkInputs: [],
    invalidReplicaRegions: {},
    defaultDeletionWindowInDays: window ?? DEFAULTS.deletionWindowInDays,
  };
}

/**
 * One top-level property read without failing: undefined when it is absent, spelled both ways,
 * invalid in any part, or when reading throws.
 */
function leniently<T>(raw: unknown, field: string, read: (value: unknown, issues: ValidationIssue[]) => T | undefined): T | undefined {
  try {
    if (!isRecord(raw)) return undefined;
    const given = [raw[field], raw[snakeCaseOf(field)]].filter((value) => !isAbsent(value));
    if (given.length !== 1) return undefined;
    const issues: ValidationIssue[] = [];
    const value = read(given[0], issues);
    return issues.length === 0 ? value : undefined;
  } catch {
    return undefined;
  }
}
