/**
 * `Aliases`: extra alias names of a key besides `alias/<key name>` (docs/behaviour.md §3), with the
 * rules of key names, KMS's default quota of aliases per key, and one owner per alias name in the
 * resource (an alias targets one key).
 */
import type { KeyProperties } from '../types.ts';
import { readList, readString } from './coerce.ts';
import { addIssue, describeValue, fieldPath, type Issues } from './issues.ts';
import { LIMITS } from './limits.ts';

/**
 * KMS's resource quota "Aliases per KMS key" (50 by default, adjustable; CreateAlias and UpdateAlias
 * answer LimitExceededException past it). The key name's own alias is one of them.
 */
export const MAX_ALIASES_PER_KEY = 50;

const ALIAS_NAME = /^[A-Za-z0-9/_-]+$/;
const ALIAS_PREFIX = 'alias/';

/** Why `name` cannot be an extra alias (written without `alias/`), or undefined when it can. */
export function aliasNameProblem(name: string): string | undefined {
  if (name.startsWith(ALIAS_PREFIX))
    return `write the name without the alias/ prefix (the product adds it), e.g. ${JSON.stringify(name.slice(ALIAS_PREFIX.length))}`;
  if (!ALIAS_NAME.test(name)) return 'an alias name may hold only letters, digits, /, _ and -';
  if (name.startsWith('aws/')) return 'an alias name must not start with aws/: KMS reserves alias/aws/ for AWS managed keys';
  const length = ALIAS_PREFIX.length + name.length;
  if (length > LIMITS.aliasLength) return `the alias alias/<name> must be at most ${LIMITS.aliasLength} characters, got ${length}`;
  return undefined;
}

/** `CustomerMasterKeys.<keyName>.Aliases`: distinct names in the order written. */
export function readAliases(value: unknown, path: string, issues: Issues, keyName: string): string[] {
  const seen = new Set<string>();
  const names =
    readList(value, path, issues, (entry, entryPath) => {
      const name = readString(entry, entryPath, issues);
      if (name === undefined) return undefined;
      const problem = aliasNameProblem(name);
      if (problem !== undefined) addIssue(issues, entryPath, `${problem}, got ${describeValue(name)}`);
      else if (name === keyName) addIssue(issues, entryPath, `${name} is the key's own name, whose alias alias/${name} the key always has`);
      else if (seen.has(name)) addIssue(issues, entryPath, `${name} is listed twice`);
      else {
        seen.add(name);
        return name;
      }
      return undefined;
    }) ?? [];
  if (names.length + 1 > MAX_ALIASES_PER_KEY) {
    addIssue(
      issues,
      path,
      `gives the key ${names.length + 1} aliases with its own name; KMS allows ${MAX_ALIASES_PER_KEY} per key by default, so at most ${MAX_ALIASES_PER_KEY - 1} here`,
    );
  }
  return names;
}

/**
 * Records an issue for every alias name that two keys would have: an extra alias equal to another
 * key's name or to another key's extra alias. KMS points an alias at one key per Region.
 */
export function checkAliasOwners(keys: readonly KeyProperties[], issues: Issues): void {
  const owner = new Map<string, string>(keys.map((key) => [key.name, key.name]));
  for (const key of keys) {
    key.aliases.forEach((name, index) => {
      const other = owner.get(name);
      const path = `${fieldPath(fieldPath('CustomerMasterKeys', key.name), 'Aliases')}[${index}]`;
      if (other === undefined) owner.set(name, key.name);
      else if (other !== key.name) {
        const what = other === name ? `the name of key ${other}` : `an alias of key ${other} already`;
        addIssue(issues, path, `alias/${name} is ${what}; an alias targets one key`);
      }
    });
  }
}
