/**
 * The one edit distance of the product's "did you mean …?" hints: property names
 * (`properties/synonyms.ts`, Levenshtein) and Region names (`regionChecks.ts`, where a swapped pair
 * of letters, `eats` for `east`, also counts 1: Damerau–Levenshtein, optimal string alignment).
 * Names are short; the quadratic table is fine.
 */
export function editDistance(a: string, b: string, { swaps = false }: { swaps?: boolean } = {}): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (swaps && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}
