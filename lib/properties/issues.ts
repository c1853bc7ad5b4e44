/**
 * Collecting validation issues. Parsing never stops at the first problem: every reader appends to
 * one list and returns a fallback, so the user sees every mistake of a template at once (docs/behaviour.md §3).
 */
import type { ValidationIssue } from '../errors.ts';

/** The issues found so far; readers push to it. */
export type Issues = ValidationIssue[];

/** `parent.name`, or `name` at the top level. */
export function fieldPath(parent: string, name: string): string {
  return parent === '' ? name : `${parent}.${name}`;
}

/** `parent[index]`: list entries are addressed by position. */
export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

/** A short, readable rendering of an offending value for messages (`"yes"`, `3`, `a list`). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') {
    const shown = value.length > 64 ? `${value.slice(0, 61)}...` : value;
    return JSON.stringify(shown);
  }
  return String(value);
}

/** Appends the issue `message` at `path`. */
export function addIssue(issues: Issues, path: string, message: string): void {
  issues.push({ path, message });
}
