/** Hand-built desired and actual states for planner tests (lib/desired/index.ts is not used on purpose). */

import { ownerOf, ownershipTags } from '../../lib/ownership.ts';
import { canonicalJson } from '../../lib/text/canonicalJson.ts';
import type { ActualAlias, ActualKey, DesiredKey, DesiredState, KeySpec, KeyUsage, Owner, TagMap } from '../../lib/types.ts';

export const STACK_ID = 'arn:aws:cloudformation:us-east-1:111122223333:stack/baseline/0f0e0d0c-1111-2222-3333-444455556666';
export const OWNER: Owner = ownerOf(STACK_ID, 'Keys');
/** The same stack, another logical ID: a renamed resource. */
export const SIBLING: Owner = ownerOf(STACK_ID, 'OldKeys');
/** Another stack altogether. */
export const STRANGER: Owner = ownerOf(STACK_ID.replace('baseline', 'other'), 'Keys');
export const REGIONS = ['ap-south-1', 'eu-west-1', 'us-east-1'];

export const POLICY = canonicalJson({
  Version: '2012-10-17',
  Statement: [{ Sid: 'Root', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' }],
});
export const OTHER_POLICY = canonicalJson({ Version: '2012-10-17', Statement: [] });

export function usageOf(spec: KeySpec): KeyUsage {
  if (spec === 'SYMMETRIC_DEFAULT') return 'ENCRYPT_DECRYPT';
  return spec.startsWith('HMAC_') ? 'GENERATE_VERIFY_MAC' : 'SIGN_VERIFY';
}

export function desiredKey(keyName: string, overrides: Partial<DesiredKey> = {}): DesiredKey {
  const spec = overrides.spec ?? 'SYMMETRIC_DEFAULT';
  const replicaRegions = overrides.replicaRegions ?? [];
  return {
    id: keyName,
    keyName,
    aliasName: `alias/${keyName}`,
    perRegion: false,
    primaryRegion: 'us-east-1',
    replicaRegions,
    multiRegion: replicaRegions.length > 0,
    spec,
    keyUsage: usageOf(spec),
    policy: POLICY,
    description: `${keyName} of baseline/Keys`,
    enabled: true,
    rotation: spec === 'SYMMETRIC_DEFAULT' ? { enabled: true, periodInDays: 365 } : null,
    tags: { Team: 'platform' },
    deletionWindowInDays: 30,
    removalPolicy: 'Delete',
    allowReplacement: false,
    extraAliasNames: [],
    retiredAliasNames: [],
    ...overrides,
  };
}

export function desiredState(keys: DesiredKey[], overrides: Partial<DesiredState> = {}): DesiredState {
  return {
    owner: OWNER,
    regions: REGIONS,
    keys: [...keys].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    adoptExistingKeys: false,
    invalidCmkInputs: [],
    invalidReplicaRegions: {},
    defaultDeletionWindowInDays: 30,
    ...overrides,
  };
}

/** The full tags a key made by this resource for `key` carries. */
export function ownedTags(key: DesiredKey, owner: Owner = OWNER): TagMap {
  return {
    ...key.tags,
    ...ownershipTags(owner, key.keyName, { removalPolicy: key.removalPolicy, deletionWindowInDays: key.deletionWindowInDays }),
  };
}

/** An actual key that matches `key` exactly (in its primary Region unless told otherwise). */
export function actualKey(key: DesiredKey, keyId: string, overrides: Partial<ActualKey> = {}): ActualKey {
  const region = overrides.region ?? key.primaryRegion;
  return {
    region,
    keyId,
    arn: `arn:aws:kms:${region}:111122223333:key/${keyId}`,
    state: key.enabled ? 'Enabled' : 'Disabled',
    spec: key.spec,
    keyUsage: key.keyUsage,
    multiRegion: key.multiRegion,
    role: key.multiRegion ? 'PRIMARY' : null,
    primaryRegion: key.multiRegion ? key.primaryRegion : null,
    replicaRegions: key.multiRegion ? key.replicaRegions : [],
    description: key.description,
    policy: key.policy,
    tags: ownedTags(key),
    rotation: key.rotation ? { ...key.rotation } : null,
    deletionDate: null,
    ...overrides,
  };
}

/** The replica of `primary` in `region`. */
export function replicaOf(primary: ActualKey, region: string, overrides: Partial<ActualKey> = {}): ActualKey {
  return {
    ...primary,
    region,
    arn: primary.arn.replace(primary.region, region),
    role: 'REPLICA',
    replicaRegions: [],
    ...overrides,
  };
}

export function alias(region: string, aliasName: string, targetKeyId: string): ActualAlias {
  return { region, aliasName, targetKeyId };
}
