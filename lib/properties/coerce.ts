/**
 * Strict scalar coercion. CloudFormation sends every scalar of `ResourceProperties` as a string
 * (`"true"`, `"30"`), while direct invocations and the local driver may send real JSON booleans and
 * numbers: both are accepted, anything looser (`"yes"`, `"30 days"`, `"1e1"`, `" 30"`) is an issue.
 * Each reader returns `undefined` after recording an issue, so the caller can fall back and go on.
 */
import { addIssue, describeValue, type Issues, indexPath } from './issues.ts';

/** True for a property that was left out (or explicitly null, as a pasted Terraform map may have). */
export function isAbsent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

/** `"true"` / `"false"` or a JSON boolean. */
export function readBoolean(value: unknown, path: string, issues: Issues): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  addIssue(issues, path, `must be true or false, got ${describeValue(value)}`);
  return undefined;
}

// Plain decimal digits only: no sign other than '-', no blanks, no exponent, no leading zeros.
const INTEGER_TEXT = /^-?(0|[1-9][0-9]*)$/;

/** An integer within `[min, max]`, from decimal text or a JSON integer. */
export function readInteger(value: unknown, path: string, issues: Issues, min: number, max: number): number | undefined {
  let parsed: number | undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) parsed = value;
  else if (typeof value === 'string' && INTEGER_TEXT.test(value) && Number.isSafeInteger(Number(value))) parsed = Number(value);
  if (parsed === undefined) {
    addIssue(issues, path, `must be an integer ${min}–${max}, got ${describeValue(value)}`);
    return undefined;
  }
  if (parsed < min || parsed > max) {
    addIssue(issues, path, `must be ${min}–${max}, got ${parsed}`);
    return undefined;
  }
  return parsed;
}

/**
 * A string. Finite numbers and booleans are turned into the text CloudFormation itself would have
 * sent, so a direct invocation and a stack deployment resolve to the same properties.
 */
export function readString(value: unknown, path: string, issues: Issues): string | undefined {
  if (typeof value === 'string') return value;
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return String(value);
  addIssue(issues, path, `must be a string, got ${describeValue(value)}`);
  return undefined;
}

/** One of a closed set of names (`Delete`/`Retain`, key specs, …), matched exactly. */
export function readChoice<T extends string>(value: unknown, path: string, issues: Issues, choices: readonly T[]): T | undefined {
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  addIssue(issues, path, `must be one of ${choices.join(', ')}, got ${describeValue(value)}`);
  return undefined;
}

/** A list, each entry read by `readEntry` at `path[i]`; invalid entries are dropped after their issue. */
export function readList<T>(
  value: unknown,
  path: string,
  issues: Issues,
  readEntry: (entry: unknown, entryPath: string, issues: Issues) => T | undefined,
): T[] | undefined {
  if (!Array.isArray(value)) {
    addIssue(issues, path, `must be a list, got ${describeValue(value)}`);
    return undefined;
  }
  const result: T[] = [];
  value.forEach((entry, index) => {
    const read = readEntry(entry, indexPath(path, index), issues);
    if (read !== undefined) result.push(read);
  });
  return result;
}

/** An empty list as written (not one emptied by dropping invalid entries, which have their own issues). */
export function isEmptyList(value: unknown): boolean {
  return Array.isArray(value) && value.length === 0;
}

/** A list of strings. */
export function readStringList(value: unknown, path: string, issues: Issues): string[] | undefined {
  return readList(value, path, issues, readString);
}

/** A plain JSON object (not a list, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
