/**
 * One entry of `CustomerMasterKeys` → `KeyProperties`: coercion, defaults from the top level, and
 * the rules KMS would otherwise enforce halfway through a rollout (spec ↔ usage, rotation).
 */

import { sortedUnique } from '../text/order.ts';
import { KEY_SPECS, KEY_USAGES, type KeyProperties, type KeySpec, REMOVAL_POLICIES, type TagMap, type UserPolicyStatement } from '../types.ts';
import { readAliases } from './aliases.ts';
import { isAbsent, readBoolean, readChoice, readInteger, readString } from './coerce.ts';
import { readGrants } from './grants.ts';
import { addIssue, fieldPath, type Issues } from './issues.ts';
import { allowedKeyUsagesOf, canRotate, defaultKeyUsageOf } from './keySpec.ts';
import { LIMITS } from './limits.ts';
import { readArnList, readCmkUsers, readServicePrincipals } from './principals.ts';
import { readRegion, readRegionList } from './regionNames.ts';
import { checkUniqueSids, readPolicyStatements } from './statements.ts';
import { type FieldReader, type Fields, fieldReader, KEY_FIELDS, readFields } from './synonyms.ts';

import { checkTagCount, readTags } from './tags.ts';

/** The top-level defaults a key inherits. */
export interface KeyDefaults {
  /** `null` when `DefaultCustomerMasterKeySpec` itself was invalid (keys then skip spec checks). */
  spec: KeySpec | null;
  deletionWindowInDays: number;
  enableKeyRotation: boolean;
  rotationPeriodInDays: number;
  globalTags: TagMap;
  /** `DefaultPolicyStatements`: come before every key's own. */
  policyStatements: UserPolicyStatement[];
}

const KEY_NAME = /^[A-Za-z0-9/_-]+$/;
const ALIAS_PREFIX = 'alias/';

/** Why `name` cannot name a key (its alias is `alias/<name>`), or undefined when it can. */
export function keyNameProblem(name: string): string | undefined {
  if (!KEY_NAME.test(name)) return 'a key name may hold only letters, digits, /, _ and - (it becomes the alias alias/<name>)';
  if (name.startsWith(ALIAS_PREFIX)) {
    return `a key name must not start with alias/: the product adds alias/ itself (name the key ${name.slice(ALIAS_PREFIX.length) || '<name>'} for the alias ${name})`;
  }
  if (name.startsWith('aws/')) return 'a key name must not start with aws/: KMS reserves alias/aws/ for AWS managed keys, and the product adds alias/ itself';
  const aliasLength = ALIAS_PREFIX.length + name.length;
  if (aliasLength > LIMITS.aliasLength) return `the alias alias/<name> must be at most ${LIMITS.aliasLength} characters, got ${aliasLength}`;
  return undefined;
}

/**
 * Reads `CustomerMasterKeys.<name>`. Always returns a value (with fallbacks where a property was
 * invalid) so the caller can go on collecting issues; the value is used only when `issues` is empty.
 */
export function readKey(name: string, raw: unknown, defaults: KeyDefaults, path: string, issues: Issues): KeyProperties {
  const nameProblem = keyNameProblem(name);
  if (nameProblem !== undefined) addIssue(issues, path, nameProblem);
  const fields = readFields(raw, path, issues, KEY_FIELDS) ?? {};
  const at = (field: string) => fieldPath(path, field);
  const read = fieldReader(fields, path, issues);
  const entry: KeyEntry = { fields, read, at, issues };

  const { region, replicaRegions, explicitMultiRegion } = readPlacement(entry);
  const { spec, keyUsage, specValid, usageKnown } = readSpecAndUsage(entry, defaults);
  const fixedRegions = region !== null && region !== undefined && !replicaRegions.includes('*') ? sortedUnique([region, ...replicaRegions]) : null;
  const grants = read('Grants', readGrants, { spec, keyUsage, usageKnown, regions: fixedRegions });

  const explicitRotation = read('EnableKeyRotation', readBoolean);
  const rotatable = canRotate(spec, keyUsage);
  if (explicitRotation === true && !rotatable && specValid) {
    addIssue(
      issues,
      at('EnableKeyRotation'),
      `cannot be true with Spec ${spec} and KeyUsage ${keyUsage}: KMS rotates only symmetric encryption keys (SYMMETRIC_DEFAULT)`,
    );
  }

  const { tags, description, policyStatements } = readTagsDescriptionStatements(entry, defaults);
  const { deletionWindowInDays: window, rotationPeriodInDays: period } = LIMITS;
  return {
    name,
    region: region ?? null,
    replicaRegions,
    multiRegion: explicitMultiRegion ?? replicaRegions.length > 0,
    administrators: read('CmkAdministratorIamArns', readArnList) ?? [],
    users: read('CmkUserIamArns', readCmkUsers) ?? [],
    readOnlyUsers: read('CmkReadOnlyUserIamArns', readCmkUsers) ?? [],
    describeOnlyUsers: read('CmkDescribeOnlyUserIamArns', readCmkUsers) ?? [],
    externalUsers: read('CmkExternalUserIamArns', readArnList) ?? [],
    servicePrincipals: read('CmkServicePrincipals', readServicePrincipals) ?? [],
    allowManageKeyPermissionsWithIam: read('AllowManageKeyPermissionsWithIam', readBoolean) ?? false,
    deletionWindowInDays: read('DeletionWindowInDays', readInteger, window.min, window.max) ?? defaults.deletionWindowInDays,
    // The top-level default silently yields to keys that cannot rotate; an explicit true was refused above.
    enableKeyRotation: rotatable && (explicitRotation ?? defaults.enableKeyRotation),
    rotationPeriodInDays: read('RotationPeriodInDays', readInteger, period.min, period.max) ?? defaults.rotationPeriodInDays,
    spec,
    keyUsage,
    description,
    enabled: read('Enabled', readBoolean) ?? true,
    tags,
    removalPolicy: read('RemovalPolicy', readChoice, REMOVAL_POLICIES) ?? 'Delete',
    ...(isAbsent(fields.RemovalPolicy) ? {} : { removalPolicyExplicit: true }),
    allowReplacement: read('AllowReplacement', readBoolean) ?? false,
    policyStatements,
    aliases: read('Aliases', readAliases, name) ?? [],
    ...(grants === undefined ? {} : { grants }),
  };
}

/** One entry of `CustomerMasterKeys` being read: its fields, their reader, paths, the issues so far. */
interface KeyEntry {
  fields: Fields<(typeof KEY_FIELDS)[number]>;
  read: FieldReader<(typeof KEY_FIELDS)[number]>;
  at: (field: string) => string;
  issues: Issues;
}

/** `Region`, `ReplicaRegions`, `MultiRegion`, and the rules between them. */
function readPlacement({ fields, read, at, issues }: KeyEntry) {
  const region = readRegion(fields.Region, at('Region'), issues);
  const replicaRegions = read('ReplicaRegions', readRegionList, { allowAll: true }) ?? [];
  if (region === null && replicaRegions.length > 0) {
    addIssue(issues, at('ReplicaRegions'), 'needs Region: replicas copy one primary key, but an empty Region means a separate key in every Region');
  }
  const explicitMultiRegion = read('MultiRegion', readBoolean);
  if (explicitMultiRegion === false && replicaRegions.length > 0) {
    addIssue(issues, at('MultiRegion'), 'cannot be false when ReplicaRegions is set: only multi-Region keys have replicas');
  }
  return { region, replicaRegions, explicitMultiRegion };
}

/** `Spec` (or the default) and `KeyUsage`: whether each is valid, and whether the usage is known for the grants' checks. */
function readSpecAndUsage({ fields, read, at, issues }: KeyEntry, defaults: KeyDefaults) {
  const explicitSpec = read('Spec', readChoice, KEY_SPECS);
  const specValid = isAbsent(fields.Spec) ? defaults.spec !== null : explicitSpec !== undefined;
  const spec = explicitSpec ?? defaults.spec ?? 'SYMMETRIC_DEFAULT';
  const keyUsage = read('KeyUsage', readChoice, KEY_USAGES);
  if (keyUsage !== undefined && specValid && !allowedKeyUsagesOf(spec).includes(keyUsage)) {
    addIssue(issues, at('KeyUsage'), `must be ${allowedKeyUsagesOf(spec).join(' or ')} with Spec ${spec}, got ${keyUsage}`);
  }
  const usageKnown = specValid && (keyUsage === undefined ? isAbsent(fields.KeyUsage) : allowedKeyUsagesOf(spec).includes(keyUsage));
  return { spec, keyUsage: keyUsage ?? defaultKeyUsageOf(spec), specValid, usageKnown };
}

/** `Tags` (after the global ones), `Description` and the policy statements (after `DefaultPolicyStatements`), each with its limits. */
function readTagsDescriptionStatements({ read, at, issues }: KeyEntry, defaults: KeyDefaults) {
  const tags = { ...defaults.globalTags, ...(read('Tags', readTags) ?? {}) };
  checkTagCount(tags, at('Tags'), issues);

  const description = read('Description', readString) ?? null;
  if (description !== null && description.length > LIMITS.descriptionLength) {
    addIssue(issues, at('Description'), `must be at most ${LIMITS.descriptionLength} characters, got ${description.length}`);
  }

  const policyStatements = [...defaults.policyStatements, ...(read('PolicyStatements', readPolicyStatements) ?? [])];
  checkUniqueSids(policyStatements, issues, defaults.policyStatements.length);
  return { tags, description, policyStatements };
}
