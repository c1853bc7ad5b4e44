/**
 * Input checks in the words KMS uses. KMS reports constraint violations of its model as
 * `ValidationException: 1 validation error detected: Value 'x' at 'pendingWindowInDays' failed to
 * satisfy constraint: …` (member names in camelCase) and wrong JSON types as SerializationException.
 */
import { faults } from './errors.ts';

/** A request body: the operation's input members. */
export type Input = Record<string, unknown>;

function memberName(field: string): string {
  return field.charAt(0).toLowerCase() + field.slice(1);
}

function constraint(value: unknown, field: string, rule: string): Error {
  const shown = value === undefined || value === null ? 'null' : `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;
  return faults.validation(`1 validation error detected: Value ${shown} at '${memberName(field)}' failed to satisfy constraint: ${rule}`);
}

export interface StringRule {
  min?: number;
  max?: number;
  pattern?: RegExp;
}

/** An optional string member; `undefined` when absent. */
export function optString(input: Input, field: string, rule: StringRule = {}): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw faults.serialization(`Start of structure or map found where not expected (${field}).`);
  if (rule.min !== undefined && value.length < rule.min) throw constraint(value, field, `Member must have length greater than or equal to ${rule.min}`);
  if (rule.max !== undefined && value.length > rule.max) throw constraint(value, field, `Member must have length less than or equal to ${rule.max}`);
  if (rule.pattern && !rule.pattern.test(value)) throw constraint(value, field, `Member must satisfy regular expression pattern: ${rule.pattern.source}`);
  return value;
}

/** A required string member. */
export function reqString(input: Input, field: string, rule: StringRule = {}): string {
  const value = optString(input, field, { min: 1, ...rule });
  if (value === undefined) throw constraint(undefined, field, 'Member must not be null');
  return value;
}

/** An optional integer member within [min, max]. */
export function optInt(input: Input, field: string, min: number, max: number): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw faults.serialization(`NUMBER_VALUE can not be converted to an Integer (${field}).`);
  if (value < min) throw constraint(value, field, `Member must have value greater than or equal to ${min}`);
  if (value > max) throw constraint(value, field, `Member must have value less than or equal to ${max}`);
  return value;
}

/** An optional boolean member. */
export function optBool(input: Input, field: string): boolean | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw faults.serialization(`Unrecognized boolean value (${field}).`);
  return value;
}

/** An optional member restricted to an enum. */
export function optEnum<T extends string>(input: Input, field: string, values: readonly T[]): T | undefined {
  const value = optString(input, field);
  if (value === undefined) return undefined;
  if (!(values as readonly string[]).includes(value)) throw constraint(value, field, `Member must satisfy enum value set: [${values.join(', ')}]`);
  return value as T;
}

/** An optional list of strings. */
export function optStringList(input: Input, field: string): string[] | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw faults.serialization(`Expected a list of strings (${field}).`);
  return value as string[];
}

/** An optional string → string map (EncryptionContext). */
export function optStringMap(input: Input, field: string): Record<string, string> | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw faults.serialization(`Expected a map of strings (${field}).`);
  }
  return value as Record<string, string>;
}

/** An optional base64 blob member, decoded. */
export function optBlob(input: Input, field: string, max: number): Buffer | undefined {
  const value = optString(input, field);
  if (value === undefined) return undefined;
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length < 1) throw constraint('', field, 'Member must have length greater than or equal to 1');
  if (bytes.length > max) throw constraint('<blob>', field, `Member must have length less than or equal to ${max}`);
  return bytes;
}
