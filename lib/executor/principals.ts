/** The IAM principals a key policy names, for error messages (docs/behaviour.md §5: "fail naming the principals"). */

/** Every `Principal.AWS` value of the policy document, de-duplicated, in order; [] if not JSON. */
export function principalsOf(policy: string): string[] {
  let document: unknown;
  try {
    document = JSON.parse(policy);
  } catch {
    return [];
  }
  const found = new Set<string>();
  const statements = asArray((document as { Statement?: unknown } | null)?.Statement);
  for (const statement of statements) {
    const principal = (statement as { Principal?: unknown } | null)?.Principal;
    if (typeof principal === 'string') found.add(principal);
    else if (principal !== null && typeof principal === 'object') {
      for (const value of asArray((principal as { AWS?: unknown }).AWS)) if (typeof value === 'string') found.add(value);
    }
  }
  return [...found];
}

function asArray(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value === undefined ? [] : [value];
}
