/**
 * Region names in properties (`Region`, `ReplicaRegions`, `OptInRegions`), checked for form only.
 * A malformed name is a validation error (a typo must not make an existing key look unwanted);
 * whether a well-formed Region is enabled is decided later, against the account (`regions.ts`).
 */

import { ALL_REGIONS, isRegionName } from '../regions.ts';
import { sortedUnique } from '../text/order.ts';
import { isAbsent, readList, readString } from './coerce.ts';
import { addIssue, describeValue, type Issues } from './issues.ts';

/** A Region name as the user wrote it; `null`, absent and `""` mean "every Region". */
export function readRegion(value: unknown, path: string, issues: Issues): string | null | undefined {
  if (isAbsent(value) || value === '') return null;
  const text = readString(value, path, issues);
  if (text === undefined) return undefined;
  if (isRegionName(text)) return text;
  addIssue(issues, path, `must be an AWS Region name such as us-east-1, got ${describeValue(text)}`);
  return undefined;
}

/** A list of Region names (or `"*"` where `allowAll`), de-duplicated and sorted. */
export function readRegionList(value: unknown, path: string, issues: Issues, { allowAll }: { allowAll: boolean }): string[] | undefined {
  const regions = readList(value, path, issues, (entry, entryPath) => {
    const text = readString(entry, entryPath, issues);
    if (text === undefined) return undefined;
    if (isRegionName(text) || (allowAll && text === ALL_REGIONS)) return text;
    const also = allowAll ? ' or "*"' : '';
    addIssue(issues, entryPath, `must be an AWS Region name such as us-east-1${also}, got ${describeValue(text)}`);
    return undefined;
  });
  return regions === undefined ? undefined : sortedUnique(regions);
}
