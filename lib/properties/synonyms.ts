/**
 * Property names and their Terraform spellings. Every PascalCase property of docs/behaviour.md §3 has one exact
 * snake_case synonym (the input name of the Terraform module `kms-master-key-multi-region`), so a
 * Terraform input map can be pasted as is. Readers see only the PascalCase name; issue paths are
 * always PascalCase, so both spellings of one template report identical issues.
 */

import { editDistance } from '../text/editDistance.ts';
import { isAbsent, isRecord } from './coerce.ts';
import { addIssue, describeValue, fieldPath, type Issues } from './issues.ts';

/** Top-level properties of the resource. */
export const TOP_LEVEL_FIELDS = [
  'AwsAccountId',
  'CustomerMasterKeys',
  'DefaultCustomerMasterKeySpec',
  'DefaultDeletionWindowInDays',
  'DefaultEnableKeyRotation',
  'DefaultRotationPeriodInDays',
  'GlobalTags',
  'OptInRegions',
  'ReturnAttributes',
  'AdoptExistingKeys',
  'Dependencies',
  'DefaultPolicyStatements',
] as const;

/** CloudFormation's own properties, delivered inside `ResourceProperties`: no Terraform spelling. */
export const CLOUDFORMATION_FIELDS = ['ServiceToken', 'ServiceTimeout'] as const;

/** Properties of one entry of `CustomerMasterKeys`. */
export const KEY_FIELDS = [
  'Region',
  'ReplicaRegions',
  'MultiRegion',
  'CmkAdministratorIamArns',
  'CmkUserIamArns',
  'CmkReadOnlyUserIamArns',
  'CmkDescribeOnlyUserIamArns',
  'CmkExternalUserIamArns',
  'CmkServicePrincipals',
  'AllowManageKeyPermissionsWithIam',
  'DeletionWindowInDays',
  'EnableKeyRotation',
  'RotationPeriodInDays',
  'Spec',
  'KeyUsage',
  'Description',
  'Enabled',
  'Tags',
  'RemovalPolicy',
  'AllowReplacement',
  'PolicyStatements',
  'Aliases',
  'Grants',
  'Origin',
  'KeyMaterial',
  'CustomKeyStoreIds',
  'XksKeyIds',
] as const;

/** Properties of `CustomerMasterKeys.<key>.KeyMaterial` (docs/key-material.md). */
export const KEY_MATERIAL_FIELDS = ['SecretArn', 'ValidTo', 'AllowRotation'] as const;

/** Properties of one entry of `CustomerMasterKeys.<key>.Grants` (Terraform `kms-grant-multi-region`). */
export const GRANT_FIELDS = ['GranteePrincipal', 'GrantedOperations', 'RetiringPrincipal', 'Constraints', 'Regions'] as const;
export const GRANT_CONSTRAINT_FIELDS = ['EncryptionContextSubset', 'EncryptionContextEquals'] as const;

export const CMK_USER_FIELDS = ['Name', 'Conditions'] as const;
export const CONDITION_FIELDS = ['Test', 'Variable', 'Values'] as const;
export const SERVICE_PRINCIPAL_FIELDS = ['Name', 'Actions', 'Conditions'] as const;
/** An IAM policy statement; `NotPrincipal` and `NotResource` are known only to be refused with a reason. */
export const STATEMENT_FIELDS = ['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'] as const;
/** Principal types of a statement; `Federated` and `CanonicalUser` are known only to be refused with a reason. */
export const STATEMENT_PRINCIPAL_FIELDS = ['AWS', 'Service', 'Federated', 'CanonicalUser'] as const;

/** `CmkReadOnlyUserIamArns` → `cmk_read_only_user_iam_arns`. */
export function snakeCaseOf(pascal: string): string {
  return pascal.replace(/(?<=[a-z0-9])([A-Z])/g, '_$1').toLowerCase();
}

/** The properties present in one object, by PascalCase name (values as received, possibly null). */
export type Fields<F extends string> = Partial<Record<F, unknown>>;

/** Reads one property of `fields` (read by `readFields` at `path`) with `reader`; undefined when it is absent. */
export type FieldReader<F extends string> = <T, A extends unknown[]>(
  field: F,
  reader: (value: unknown, path: string, issues: Issues, ...rest: A) => T | undefined,
  ...rest: A
) => T | undefined;

/** The `FieldReader` of `fields`, whose issues go to `issues` under `path`. */
export function fieldReader<F extends string>(fields: Fields<F>, path: string, issues: Issues): FieldReader<F> {
  return (field, reader, ...rest) => (isAbsent(fields[field]) ? undefined : reader(fields[field], fieldPath(path, field), issues, ...rest));
}

/**
 * Reads an object whose properties are `fields` (each also under its snake_case synonym) or
 * `pascalOnly`. Unknown names and both spellings of one property are issues. Returns `undefined`
 * (after an issue) when `raw` is not an object.
 */
export function readFields<F extends string>(
  raw: unknown,
  path: string,
  issues: Issues,
  fields: readonly F[],
  pascalOnly: readonly F[] = [],
): Fields<F> | undefined {
  if (!isRecord(raw)) {
    addIssue(issues, path, `must be an object, got ${describeValue(raw)}`);
    return undefined;
  }
  const bySpelling = new Map<string, F>();
  for (const field of [...fields, ...pascalOnly]) bySpelling.set(field, field);
  for (const field of fields) bySpelling.set(snakeCaseOf(field), field);

  const result: Fields<F> = {};
  const spelledAs = new Map<F, string>();
  for (const [name, value] of Object.entries(raw)) {
    // A property set to undefined (possible only in a direct invocation) was not really given.
    if (value === undefined) continue;
    const field = bySpelling.get(name);
    if (field === undefined) {
      addIssue(issues, fieldPath(path, name), unknownMessage(name, bySpelling));
      continue;
    }
    const earlier = spelledAs.get(field);
    if (earlier !== undefined) {
      addIssue(issues, fieldPath(path, field), `is given twice, as ${earlier} and as ${name}; keep one spelling`);
      continue;
    }
    spelledAs.set(field, name);
    result[field] = value;
  }
  return result;
}

function unknownMessage(name: string, spellings: Map<string, string>): string {
  const suggestion = closestName(name, spellings);
  return suggestion === undefined ? 'is not a known property' : `is not a known property; did you mean ${suggestion}?`;
}

/**
 * The known property nearest to `name`, spelled in the user's style (snake_case for a name written
 * with `_` or all in lower case, when the property has a snake_case spelling), or undefined when
 * nothing is close enough to be a plausible typo.
 */
export function closestName(name: string, spellings: Map<string, string>): string | undefined {
  // Property names are short; a very long unknown name is no typo and not worth the quadratic cost.
  if (name.length > 100) return undefined;
  const normal = normalise(name);
  const tolerance = Math.max(2, Math.floor(normal.length / 4));
  let best: { field: string; distance: number } | undefined;
  for (const field of new Set(spellings.values())) {
    const known = normalise(field);
    // A truncated name (`DeletionWindow`) is a plausible typo however many letters are missing.
    const truncated = normal.length >= 6 && known.startsWith(normal);
    const distance = truncated ? 1 : editDistance(normal, known);
    if (distance <= tolerance && (best === undefined || distance < best.distance)) best = { field, distance };
  }
  if (best === undefined) return undefined;
  const snake = snakeCaseOf(best.field);
  const wantsSnake = name.includes('_') || name === name.toLowerCase();
  return wantsSnake && spellings.get(snake) === best.field ? snake : best.field;
}

/** Case and underscores do not count as differences: `deletionWindowInDays` is `DeletionWindowInDays`. */
function normalise(name: string): string {
  return name.replace(/_/g, '').toLowerCase();
}
