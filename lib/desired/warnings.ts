/**
 * Warnings about inputs the desired state leaves out (docs/behaviour.md §4): a key whose `Region` is
 * not usable (`InvalidCmkInputs`), and replica Regions that are not (`InvalidReplicaRegions`), the
 * key's own Region among them. They are not errors — the request goes on without them, as the
 * Terraform module does — but whoever wrote them expected keys there, so the function logs them and
 * the preview and the plan print them, whether or not an attribute selects them.
 */
import type { DesiredState, ResourceProperties } from '../types.ts';

/** One line per left-out input, starting with its property path. */
export function placementWarnings(properties: ResourceProperties, desired: DesiredState): string[] {
  const outside = properties.optInRegions === null ? 'not an enabled Region' : 'not an enabled Region of OptInRegions';
  const warnings: string[] = [];
  for (const name of desired.invalidCmkInputs) {
    const region = properties.keys.find((key) => key.name === name)?.region;
    warnings.push(`CustomerMasterKeys.${name}.Region: ${JSON.stringify(region ?? '')} is ${outside}: the key is not created (InvalidCmkInputs)`);
  }
  for (const [name, regions] of Object.entries(desired.invalidReplicaRegions)) {
    const primary = desired.keys.find((key) => key.keyName === name)?.primaryRegion;
    for (const region of regions) {
      warnings.push(
        region === primary
          ? `CustomerMasterKeys.${name}.ReplicaRegions: ${region} is the key's own Region, and a key is never its own replica: left out (InvalidReplicaRegions)`
          : `CustomerMasterKeys.${name}.ReplicaRegions: ${JSON.stringify(region)} is ${outside}: no replica there (InvalidReplicaRegions)`,
      );
    }
  }
  return warnings;
}
