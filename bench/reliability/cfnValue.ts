/**
 * Values as CloudFormation delivers them in `ResourceProperties` — strings, lists and maps only —
 * and the comparison of expected property paths with a Reason (which the product sanitises).
 */

/** A property value after CloudFormation's stringification. */
export type CfnValue = string | CfnValue[] | { [key: string]: CfnValue };
export type CfnMap = { [key: string]: CfnValue };

/**
 * CloudFormation's stringification of arbitrary JSON: numbers and booleans become text; nulls
 * cannot exist in a template, so they are dropped. Own-property copies keep a `__proto__` key as data.
 */
export function toCfnValue(value: unknown): CfnValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return value.map(toCfnValue).filter((v): v is CfnValue => v !== undefined);
  if (typeof value === 'object') {
    const out: CfnMap = {};
    for (const [key, member] of Object.entries(value)) {
      const converted = toCfnValue(member);
      if (converted !== undefined) Object.defineProperty(out, key, { value: converted, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return String(value);
}

/** `toCfnValue` of a whole properties object. */
export function toCfnMap(value: Record<string, unknown>): CfnMap {
  return toCfnValue(value) as CfnMap;
}

/**
 * For comparing a path with a Reason: the product removes control characters and lone surrogates
 * from a Reason and may turn line breaks into spaces, so both sides drop those and all white space.
 */
export function comparableText(text: string): string {
  return text.replace(/[\p{Cc}\p{Cs}\s]/gu, '');
}

/** The expected paths the Reason names (compared as `comparableText`). */
export function pathsNamed(reason: string, expectedPaths: readonly string[]): string[] {
  const haystack = comparableText(reason);
  return expectedPaths.filter((path) => haystack.includes(comparableText(path)));
}

/** A deep copy that keeps `__proto__` keys as plain data. */
export function cloneCfn<T extends CfnValue>(value: T): T {
  return toCfnValue(value) as T;
}
