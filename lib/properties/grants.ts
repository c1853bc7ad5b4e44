/**
 * `CustomerMasterKeys.<key>.Grants` (docs/behaviour.md §12): grant name → `{GranteePrincipal,
 * GrantedOperations, RetiringPrincipal?, Constraints?, Regions?}`. Checked here, before any KMS call,
 * against what CreateGrant would refuse halfway through a rollout: principals that are not IAM ARNs,
 * operations KMS does not know or that the key's usage cannot do (no `Sign` on an encryption key),
 * encryption-context constraints on a key without encryption context, Regions the key is not in.
 */

import { MAX_GRANT_NAME_LENGTH } from '../grantNames.ts';
import { type KeyUseFamily, keyUseFamilyOf, USER_ACTIONS } from '../policy/userActions.ts';
import { byKey, compare, sortedUnique } from '../text/order.ts';
import type { GrantConstraints, GrantProperties, KeySpec, KeyUsage } from '../types.ts';
import { isAbsent, isEmptyList, isRecord, readList, readString } from './coerce.ts';
import { addIssue, describeValue, fieldPath, type Issues } from './issues.ts';
import { isPrincipalArn, MUST_BE_IAM_ARN } from './principals.ts';
import { readRegionList } from './regionNames.ts';
import { fieldReader, GRANT_CONSTRAINT_FIELDS, GRANT_FIELDS, readFields } from './synonyms.ts';

/** Operations every key accepts in a grant, whatever its usage (CreateGrant API reference, `GrantOperation`). */
const GENERIC_OPERATIONS = ['CreateGrant', 'DescribeKey', 'RetireGrant'];

/**
 * The cryptographic grant operations of a key family, anything else KMS refuses with
 * ValidationException: exactly what its key users may do (policy/userActions.ts), less the generic
 * `DescribeKey`, without the `kms:` prefix.
 */
function cryptographicOperationsOf(family: KeyUseFamily): string[] {
  return USER_ACTIONS[family].filter((action) => action !== 'kms:DescribeKey').map((action) => action.slice(4));
}

/** Every operation KMS knows in a grant. */
export const GRANT_OPERATIONS: readonly string[] = [
  ...new Set([...GENERIC_OPERATIONS, ...(Object.keys(USER_ACTIONS) as KeyUseFamily[]).flatMap(cryptographicOperationsOf)]),
].sort();

// Property names become parts of attribute names (`GrantIds.<region>.<key>.<grant>`) and of the KMS
// grant name, so: no `.` (attribute separator) and no `:` (grant-name separator).
const GRANT_NAME = /^[A-Za-z0-9/_-]+$/;

/** Per encryption-context constraint: at most 8 pairs, values at most 384 characters (CreateGrant). */
const MAX_CONSTRAINT_PAIRS = 8;
const MAX_CONSTRAINT_VALUE_LENGTH = 384;

/** What a key's grants are checked against. */
export interface GrantKeyFacts {
  spec: KeySpec;
  keyUsage: KeyUsage;
  /** False when the key's Spec/KeyUsage was itself invalid: operations are then not checked against it. */
  usageKnown: boolean;
  /** The Regions the key is in when they are fixed in the properties (Region + explicit ReplicaRegions); null otherwise. */
  regions: string[] | null;
}

/** The grant operations a key of this spec and usage accepts, sorted. */
export function grantOperationsOf(spec: KeySpec, keyUsage: KeyUsage): string[] {
  return [...GENERIC_OPERATIONS, ...cryptographicOperationsOf(keyUseFamilyOf(spec, keyUsage))].sort();
}

/** Reads `Grants`; invalid grants are dropped after their issues. */
export function readGrants(value: unknown, path: string, issues: Issues, key: GrantKeyFacts): GrantProperties[] {
  if (!isRecord(value)) {
    addIssue(issues, path, `must be a map of grant name to grant, got ${describeValue(value)}`);
    return [];
  }
  const grants: GrantProperties[] = [];
  for (const [name, raw] of Object.entries(value)) {
    const grant = readGrant(name, raw, fieldPath(path, name), issues, key);
    if (grant !== undefined) grants.push(grant);
  }
  return grants.sort((a, b) => compare(a.name, b.name));
}

function readGrant(name: string, raw: unknown, path: string, issues: Issues, key: GrantKeyFacts): GrantProperties | undefined {
  const before = issues.length;
  if (!GRANT_NAME.test(name)) addIssue(issues, path, 'a grant name may hold only letters, digits, /, _ and -');
  else if (name.length > MAX_GRANT_NAME_LENGTH) addIssue(issues, path, `a grant name must be at most ${MAX_GRANT_NAME_LENGTH} characters, got ${name.length}`);
  const fields = readFields(raw, path, issues, GRANT_FIELDS);
  if (fields === undefined) return undefined;
  const at = (field: string) => fieldPath(path, field);
  const read = fieldReader(fields, path, issues);

  const granteePrincipal = readPrincipal(fields.GranteePrincipal, at('GranteePrincipal'), issues, true);
  const retiringPrincipal = read('RetiringPrincipal', readPrincipal, false);
  const operations = readOperations(fields.GrantedOperations, at('GrantedOperations'), issues, key);
  const constraints = read('Constraints', readConstraints, key);
  const regions = read('Regions', readGrantRegions, key);
  if (issues.length > before || granteePrincipal === undefined || operations === undefined) return undefined;
  return { name, granteePrincipal, operations, retiringPrincipal: retiringPrincipal ?? null, constraints: constraints ?? null, regions: regions ?? null };
}

function readPrincipal(value: unknown, path: string, issues: Issues, required: boolean): string | undefined {
  if (isAbsent(value)) {
    if (required) addIssue(issues, path, 'is required: the IAM ARN the grant gives the operations to');
    return undefined;
  }
  const text = readString(value, path, issues);
  if (text === undefined) return undefined;
  if (isPrincipalArn(text)) return text;
  addIssue(issues, path, `${MUST_BE_IAM_ARN} (a service-linked role is role/aws-service-role/<service>/<name>), got ${describeValue(text)}`);
  return undefined;
}

function readOperations(value: unknown, path: string, issues: Issues, key: GrantKeyFacts): string[] | undefined {
  if (isAbsent(value)) {
    addIssue(issues, path, 'is required: the KMS operations the grant allows, such as Decrypt');
    return undefined;
  }
  const allowed = grantOperationsOf(key.spec, key.keyUsage);
  const operations = readList(value, path, issues, (entry, entryPath) => {
    const text = readString(entry, entryPath, issues);
    if (text === undefined) return undefined;
    // `kms:Decrypt` (IAM spelling) and `Decrypt` (grant spelling) are both accepted.
    const operation = text.startsWith('kms:') ? text.slice('kms:'.length) : text;
    if (!GRANT_OPERATIONS.includes(operation)) {
      addIssue(issues, entryPath, `must be a KMS grant operation (${GRANT_OPERATIONS.join(', ')}), got ${describeValue(text)}`);
      return undefined;
    }
    if (key.usageKnown && !allowed.includes(operation)) {
      addIssue(issues, entryPath, `${operation} is not allowed on a key with Spec ${key.spec} and KeyUsage ${key.keyUsage}; use ${allowed.join(', ')}`);
      return undefined;
    }
    return operation;
  });
  if (operations === undefined) return undefined;
  if (isEmptyList(value)) addIssue(issues, path, 'must list at least one operation');
  return sortedUnique(operations);
}

function readConstraints(value: unknown, path: string, issues: Issues, key: GrantKeyFacts): GrantConstraints | undefined {
  const fields = readFields(value, path, issues, GRANT_CONSTRAINT_FIELDS);
  if (fields === undefined) return undefined;
  const result: GrantConstraints = {};
  const read = fieldReader(fields, path, issues);
  const subset = read('EncryptionContextSubset', readContext);
  const equals = read('EncryptionContextEquals', readContext);
  if (subset !== undefined) result.encryptionContextSubset = subset;
  if (equals !== undefined) result.encryptionContextEquals = equals;
  if (isAbsent(fields.EncryptionContextSubset) && isAbsent(fields.EncryptionContextEquals)) {
    addIssue(issues, path, 'must set EncryptionContextSubset or EncryptionContextEquals');
    return undefined;
  }
  if (key.usageKnown && keyUseFamilyOf(key.spec, key.keyUsage) !== 'SYMMETRIC_ENCRYPT_DECRYPT') {
    addIssue(issues, path, `encryption context constraints need a symmetric encryption key (Spec SYMMETRIC_DEFAULT), not Spec ${key.spec}`);
    return undefined;
  }
  return result;
}

function readContext(value: unknown, path: string, issues: Issues): Record<string, string> | undefined {
  if (!isRecord(value)) {
    addIssue(issues, path, `must be a map of encryption context key to value, got ${describeValue(value)}`);
    return undefined;
  }
  const entries = Object.entries(value);
  if (entries.length === 0 || entries.length > MAX_CONSTRAINT_PAIRS) {
    addIssue(issues, path, `must hold 1–${MAX_CONSTRAINT_PAIRS} encryption context pairs, got ${entries.length}`);
    return undefined;
  }
  const context: [string, string][] = [];
  for (const [contextKey, raw] of entries) {
    const text = readString(raw, fieldPath(path, contextKey), issues);
    if (text === undefined) continue;
    if (text.length > MAX_CONSTRAINT_VALUE_LENGTH) {
      addIssue(issues, fieldPath(path, contextKey), `must be at most ${MAX_CONSTRAINT_VALUE_LENGTH} characters, got ${text.length}`);
      continue;
    }
    context.push([contextKey, text]);
  }
  return Object.fromEntries(context.sort(byKey));
}

function readGrantRegions(value: unknown, path: string, issues: Issues, key: GrantKeyFacts): string[] | undefined {
  const regions = readRegionList(value, path, issues, { allowAll: false });
  if (regions === undefined) return undefined;
  if (isEmptyList(value)) {
    addIssue(issues, path, 'must list at least one Region (leave it out for every Region of the key)');
    return undefined;
  }
  if (key.regions === null) return regions;
  const outside = regions.filter((region) => !key.regions!.includes(region));
  if (outside.length > 0) {
    addIssue(issues, path, `${outside.join(', ')} ${outside.length === 1 ? 'is' : 'are'} not a Region of the key (${key.regions.join(', ')})`);
    return undefined;
  }
  return regions;
}
