/**
 * Desired state (docs/behaviour.md §4): validated properties + the account's enabled Regions + the request's
 * context → the KMS keys the resource wants, Region by Region, with their generated key policies.
 * Keys and replicas that cannot be placed are reported, not created.
 */

import { DEFAULTS, MAX_KEY_POLICY_BYTES } from '../constants.ts';
import { ValidationError, type ValidationIssue } from '../errors.ts';
import { ownerIdOf, ownerOf } from '../ownership.ts';
import { buildKeyPolicy } from '../policy/index.ts';
import { addIssue } from '../properties/issues.ts';
import { canRotate } from '../properties/keySpec.ts';
import { type AccountRegion, placeKey, regionsToScan, usableRegions } from '../regions.ts';
import { compare } from '../text/order.ts';
import type { DesiredKey, DesiredState, HeldInstance, KeyProperties, ResourceContext, ResourceProperties } from '../types.ts';

export { deletionDesiredState } from './deletion.ts';

import { desiredGrantsOf, retiredGrantsOf } from './grants.ts';
import { heldInstancesOf, unknownRegionIssues } from './regionChecks.ts';

/** The description of a key whose `Description` is not set: says who manages it. */
export function defaultDescriptionOf(keyName: string, context: ResourceContext): string {
  return `KMS key ${keyName} managed by stack ${context.stackName} (${context.logicalResourceId})`;
}

/** The top-level deletion window (the fallback for removed keys whose recorded window is unreadable). */
function defaultWindowOf(properties: ResourceProperties): number {
  return properties.defaultDeletionWindowInDays ?? DEFAULTS.deletionWindowInDays;
}

/**
 * Builds the desired state of a Create or Update.
 * @param input.oldProperties the previous properties on Update (their OptInRegions are scanned too), else null
 * @param input.accountRegions every Region `ListRegions` reports (any status): names it does not know
 *   are validation errors; without it only the form of names is checked
 * @param input.requestId the CloudFormation RequestId, recorded on keys this request adopts
 * @throws ValidationError when a Region name is no Region of the partition, or a generated key policy
 *   exceeds KMS's 32 KB limit (path `CustomerMasterKeys.<name>`)
 */
export function buildDesiredState(input: {
  properties: ResourceProperties;
  oldProperties: ResourceProperties | null;
  enabledRegions: string[];
  accountRegions?: AccountRegion[];
  requestId?: string;
  context: ResourceContext;
}): DesiredState {
  const { properties, oldProperties, enabledRegions, context } = input;
  const accountRegions = input.accountRegions ?? enabledRegions.map((name): AccountRegion => ({ name, status: 'ENABLED' }));
  if (input.accountRegions !== undefined) {
    const unknown = unknownRegionIssues(properties, input.accountRegions);
    if (unknown.length > 0) throw new ValidationError(unknown);
  }
  const usable = usableRegions(enabledRegions, properties.optInRegions);
  const keys: DesiredKey[] = [];
  const invalidCmkInputs: string[] = [];
  const invalidReplicaRegions: [string, string[]][] = [];
  const held: HeldInstance[] = [];
  const issues: ValidationIssue[] = [];
  const retired = retiredAliasesOf(properties, oldProperties);

  for (const key of properties.keys) {
    const placement = placeKey(key.region, key.replicaRegions, usable);
    held.push(...heldInstancesOf(key, placement, accountRegions, properties.optInRegions));
    if (placement.kind === 'invalid') {
      invalidCmkInputs.push(key.name);
      continue;
    }
    const policy = policyWithinLimit(key, context, issues);
    if (policy === undefined) continue;
    const aliases = { extra: key.aliases.map((name) => `alias/${name}`), retired: retired.get(key.name) ?? [] };
    if (placement.kind === 'perRegion') {
      for (const region of placement.regions) {
        keys.push(withOrigin(desiredKey(key, `${key.name}@${region}`, true, region, [], policy, aliases, context), key, issues));
      }
    } else {
      keys.push(withOrigin(desiredKey(key, key.name, false, placement.primaryRegion, placement.replicaRegions, policy, aliases, context), key, issues));
      if (placement.invalidReplicaRegions.length > 0) invalidReplicaRegions.push([key.name, placement.invalidReplicaRegions]);
    }
  }
  if (issues.length > 0) throw new ValidationError(issues);
  const owner = ownerOf(context.stackId, context.logicalResourceId);

  return {
    owner,
    regions: regionsToScan(enabledRegions, properties.optInRegions, oldProperties === null ? undefined : oldProperties.optInRegions),
    keys: keys.map((key) => withRetiredGrants(key, oldProperties, owner.ownerId)).sort((a, b) => compare(a.id, b.id)),
    adoptExistingKeys: properties.adoptExistingKeys,
    invalidCmkInputs: invalidCmkInputs.sort(),
    // Built from entries so that any key name, `__proto__` included, is a plain property.
    invalidReplicaRegions: Object.fromEntries(invalidReplicaRegions),
    defaultDeletionWindowInDays: defaultWindowOf(properties),
    held,
    ...(input.requestId === undefined ? {} : { requestId: input.requestId }),
  };
}

/** The key's policy, or undefined after recording why it cannot be made or is over KMS's size limit. */
function policyWithinLimit(key: KeyProperties, context: ResourceContext, issues: ValidationIssue[]): string | undefined {
  const policy = policyOf(key, context, issues);
  if (policy === undefined) return undefined;
  const policyBytes = Buffer.byteLength(policy, 'utf8');
  if (policyBytes <= MAX_KEY_POLICY_BYTES) return policy;
  addIssue(
    issues,
    `CustomerMasterKeys.${key.name}`,
    key.policyStatements.length === 0
      ? `the generated key policy is ${policyBytes} bytes, over KMS's limit of ${MAX_KEY_POLICY_BYTES}; list fewer principals or conditions`
      : `the key policy (generated statements, then DefaultPolicyStatements and PolicyStatements) is ${policyBytes} bytes, over KMS's limit of ${MAX_KEY_POLICY_BYTES}; list fewer principals, conditions or statements`,
  );
  return undefined;
}

/** The key's policy, or undefined after recording its issues (so every key's issues are reported at once). */
function policyOf(key: KeyProperties, context: ResourceContext, issues: ValidationIssue[]): string | undefined {
  try {
    return buildKeyPolicy(key, context);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    issues.push(...error.issues);
    return undefined;
  }
}

function desiredKey(
  key: KeyProperties,
  id: string,
  perRegion: boolean,
  primaryRegion: string,
  replicaRegions: string[],
  policy: string,
  aliases: { extra: string[]; retired: string[] },
  context: ResourceContext,
): DesiredKey {
  return {
    id,
    keyName: key.name,
    aliasName: `alias/${key.name}`,
    perRegion,
    primaryRegion,
    replicaRegions,
    multiRegion: key.multiRegion,
    spec: key.spec,
    keyUsage: key.keyUsage,
    policy,
    description: key.description ?? defaultDescriptionOf(key.name, context),
    enabled: key.enabled,
    rotation: canRotate(key.spec, key.keyUsage) ? { enabled: key.enableKeyRotation, periodInDays: key.rotationPeriodInDays } : null,
    tags: { ...key.tags },
    deletionWindowInDays: key.deletionWindowInDays,
    removalPolicy: key.removalPolicy,
    ...(key.removalPolicyExplicit === true ? { removalPolicyExplicit: true } : {}),
    allowReplacement: key.allowReplacement,
    extraAliasNames: aliases.extra,
    retiredAliasNames: aliases.retired,
    ...(key.grants === undefined || key.grants.length === 0
      ? {}
      : { grants: desiredGrantsOf(key.grants, [primaryRegion, ...replicaRegions], ownerIdOf(context.stackId, context.logicalResourceId)) }),
  };
}

/** The key with the grants the previous properties gave it and these do not (`DesiredKey.retiredGrants`). */
function withRetiredGrants(key: DesiredKey, oldProperties: ResourceProperties | null, ownerId: string): DesiredKey {
  const retired = retiredGrantsOf(key, oldProperties, ownerId);
  return retired.length === 0 ? key : { ...key, retiredGrants: retired };
}

/**
 * The key's origin and material source (docs/key-material.md). An `EXTERNAL` key never rotates
 * automatically, so it has no rotation setting.
 */
function withOrigin(desired: DesiredKey, key: KeyProperties, issues: ValidationIssue[]): DesiredKey {
  if (key.origin === undefined || key.origin === 'AWS_KMS') return desired;
  const withSource = { ...desired, rotation: null, origin: key.origin, ...(key.keyMaterial === undefined ? {} : { keyMaterial: { ...key.keyMaterial } }) };
  if (key.customKeyStoreIds === undefined) return withSource;
  // A key in a custom key store is made only where the map names a store: every Region of the key must be named.
  const region = desired.primaryRegion;
  const id = Object.hasOwn(key.customKeyStoreIds, region) ? key.customKeyStoreIds[region] : undefined;
  if (id === undefined) {
    addIssue(issues, `CustomerMasterKeys.${key.name}.CustomKeyStoreIds`, `names no custom key store for ${region}, a Region of the key`);
    return withSource;
  }
  const xksKeyId = key.xksKeyIds !== undefined && Object.hasOwn(key.xksKeyIds, region) ? key.xksKeyIds[region] : undefined;
  return { ...withSource, customKeyStore: { id, ...(xksKeyId === undefined ? {} : { xksKeyId }) } };
}

/**
 * Per key name, the `alias/<name>` of every extra alias the previous properties gave that key and
 * that no key has now (neither as its name nor among its `Aliases`). Only an Update has previous
 * properties; when they no longer parse, nothing is retired (an alias is left rather than guessed).
 * An alias that moves to another key is not retired: that key's alias request moves it.
 */
function retiredAliasesOf(properties: ResourceProperties, oldProperties: ResourceProperties | null): Map<string, string[]> {
  const retired = new Map<string, string[]>();
  if (oldProperties === null) return retired;
  const wanted = new Set(properties.keys.flatMap((key) => [key.name, ...key.aliases]));
  for (const old of oldProperties.keys) {
    const names = (old.aliases ?? []).filter((name) => !wanted.has(name)).map((name) => `alias/${name}`);
    if (names.length > 0) retired.set(old.name, names.sort());
  }
  return retired;
}
