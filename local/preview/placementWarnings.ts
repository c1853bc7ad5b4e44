/**
 * The function's warnings about inputs left out (lib/desired/warnings.ts: InvalidCmkInputs,
 * InvalidReplicaRegions, a replica Region equal to the key's own), for the preview to print after
 * each answer whether or not an attribute selects them, computed with the function's own rules from
 * the properties the request carried, in the emulator's enabled Regions.
 */
import { buildDesiredState } from '../../lib/desired/index.ts';
import { placementWarnings } from '../../lib/desired/warnings.ts';
import { parseProperties } from '../../lib/properties/index.ts';
import type { ResourceContext } from '../../lib/types.ts';
import { DEFAULT_ENABLED_REGIONS } from '../emulator/index.ts';

/** The warnings, each starting with its property path; none for properties that do not validate (the answer says why). */
export function placementWarningsOf(properties: unknown, context: ResourceContext): string[] {
  try {
    const parsed = parseProperties(properties, { accountId: context.accountId });
    const desired = buildDesiredState({ properties: parsed, oldProperties: null, enabledRegions: [...DEFAULT_ENABLED_REGIONS], context });
    return placementWarnings(parsed, desired);
  } catch {
    return [];
  }
}
