/**
 * CloudFormation's stringification of custom resource properties: the function receives every
 * scalar as a string (`true` → `"true"`, `30` → `"30"`), recursively inside lists and maps.
 *
 * `null`: CloudFormation refuses a template holding a null property value with
 * "Template format error: [/Resources/X/Properties/Y] 'null' values are not allowed in templates",
 * so no event ever carries one. The driver refuses it the same way by default; `nulls: 'keep'`
 * passes it through for tests that want to feed the handler a hand-made event.
 */
import { TemplateError } from './errors.ts';

/** A property value as it arrives in `ResourceProperties`. */
export type PropertyValue = string | null | PropertyValue[] | { [key: string]: PropertyValue };
/** `ResourceProperties` of an event. */
export type PropertyMap = { [key: string]: PropertyValue };

export interface StringifyOptions {
  /** Default `'reject'`, as CloudFormation's template validation. */
  nulls?: 'reject' | 'keep';
}

/** Stringifies `value` as CloudFormation does; `path` names the property in errors. `undefined` members are dropped. */
export function stringifyProperty(value: unknown, path: string, options: StringifyOptions = {}): PropertyValue {
  if (value === null || value === undefined) {
    if (value === null && options.nulls === 'keep') return null;
    throw new TemplateError(path, "'null' values are not allowed in templates");
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map((v, i) => stringifyProperty(v, `${path}/${i}`, options));
  if (typeof value === 'object') {
    const out: PropertyMap = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined) out[key] = stringifyProperty(member, `${path}/${key}`, options);
    }
    return out;
  }
  throw new TemplateError(path, `a ${typeof value} cannot be a property value`);
}

/** Stringifies a whole `Properties` map. */
export function stringifyProperties(properties: Record<string, unknown>, path = '/Properties', options: StringifyOptions = {}): PropertyMap {
  return stringifyProperty(properties, path, options) as PropertyMap;
}
