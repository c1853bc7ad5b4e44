/**
 * The one string order of the product: code-unit order, independent of locale (what `.sort()` does
 * without a comparator), so plans, policies, attributes and messages are byte-identical everywhere.
 */

/** Code-unit order of two strings, as a comparator. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Comparator of `[key, value]` entries by key. */
export function byKey(a: readonly [string, unknown], b: readonly [string, unknown]): number {
  return compare(a[0], b[0]);
}

/** `values` without duplicates, sorted. */
export function sortedUnique<T extends string>(values: Iterable<T>): T[] {
  return [...new Set(values)].sort();
}
