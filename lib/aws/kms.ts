/**
 * `KmsApi` over `@aws-sdk/client-kms`, for one Region. Requests are built from domain values,
 * answers mapped back to domain values, and every SDK exception is translated into `KmsError`.
 * No retries here: the client is built with `maxAttempts: 1` and the executor decides what is safe
 * to repeat.
 */

import type { KeyMetadata, KMSClient, RotationsListEntry } from '@aws-sdk/client-kms';
import { KmsError } from '../errors.ts';
import { KEY_ID_OPERATIONS, type KeyDescription, type KeyIdMethods, type KmsApi } from '../kmsApi.ts';
import { byKey } from '../text/order.ts';
import type { KeyMaterialVersion, KeySpec, KeyState, KeyUsage, Origin, TagMap } from '../types.ts';
import { importKeyMaterial, type SecretsClientFactory } from './keyMaterial.ts';
import { createGrantApi } from './kmsGrants.ts';
import { type KmsInput, type KmsSender, kmsSender } from './kmsSend.ts';

/** KMS's page-size maxima: ListKeys 1000, ListAliases 100, ListResourceTags 50. */
const PAGE_SIZE = { keys: 1000, aliases: 100, tags: 50 } as const;

/** The policy name KMS supports (the only one). */
const POLICY_NAME = 'default';

/**
 * Builds the `KmsApi` of `client`'s Region; `secrets` gives the Secrets Manager client of a secret's
 * Region, for imported key material (none given: an import fails saying so).
 */
export function createKmsApi(client: KMSClient, region: string, secrets?: SecretsClientFactory): KmsApi {
  const kms = kmsSender(client, region);
  return {
    region,
    ...readApi(kms, region),
    ...makeKeyApi(kms, region),
    ...changeApi(kms),
    ...keyIdApi(kms),
    ...createGrantApi(kms, region),
    ...keySourceApi(kms, region, secrets),
  };
}

/** Where key material comes from: custom key stores, and imported material (docs/key-material.md). */
function keySourceApi(
  kms: KmsSender,
  region: string,
  secrets: SecretsClientFactory | undefined,
): Pick<KmsApi, 'describeCustomKeyStore' | 'importKeyMaterial' | 'listKeyMaterials'> {
  const { send } = kms;
  return {
    describeCustomKeyStore: async (customKeyStoreId) => {
      try {
        const out = await send('DescribeCustomKeyStores', { CustomKeyStoreId: customKeyStoreId });
        const store = out.CustomKeyStores?.[0];
        if (store === undefined) return null;
        return { id: customKeyStoreId, type: store.CustomKeyStoreType ?? 'AWS_CLOUDHSM', connectionState: store.ConnectionState ?? 'UNKNOWN' };
      } catch (error) {
        if (error instanceof KmsError && error.code === 'CustomKeyStoreNotFoundException') return null;
        throw error;
      }
    },
    importKeyMaterial: (input) => {
      if (secrets === undefined)
        return Promise.reject(new KmsError('NoSecretsClient', 'no Secrets Manager client to read key material with', { context: { region } }));
      return importKeyMaterial(kms, region, secrets, input);
    },
    listKeyMaterials: (keyId, options) =>
      kms.list('ListKeyRotations', { KeyId: keyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' }, options, (out) =>
        (out.Rotations ?? []).flatMap((r) => (r.KeyMaterialId === undefined || r.KeyMaterialState === undefined ? [] : [keyMaterialVersionOf(r)])),
      ),
  };
}

/** One RotationsListEntry in domain terms (an unknown state is passed through for the planner to see). */
function keyMaterialVersionOf(entry: RotationsListEntry): KeyMaterialVersion {
  return {
    id: entry.KeyMaterialId ?? '',
    state: entry.KeyMaterialState as KeyMaterialVersion['state'],
    description: entry.KeyMaterialDescription ?? null,
    imported: entry.ImportState !== 'PENDING_IMPORT',
  };
}

type ReadOperations = 'listKeys' | 'listAliases' | 'describeKey' | 'getKeyPolicy' | 'getKeyRotationStatus' | 'listResourceTags';

/** The reads of keys, aliases, policies, rotation and tags. */
function readApi(kms: KmsSender, region: string): Pick<KmsApi, ReadOperations> {
  const { send } = kms;
  return {
    listKeys: (options) =>
      kms.list('ListKeys', { Limit: PAGE_SIZE.keys }, options, (out) =>
        (out.Keys ?? []).flatMap((k) => (k.KeyId && k.KeyArn ? [{ keyId: k.KeyId, arn: k.KeyArn }] : [])),
      ),

    listAliases: (options) =>
      kms.list('ListAliases', { KeyId: options?.keyId, Limit: PAGE_SIZE.aliases }, options, (out) =>
        (out.Aliases ?? []).flatMap((a) => (a.AliasName ? [{ aliasName: a.AliasName, targetKeyId: a.TargetKeyId ?? null }] : [])),
      ),

    describeKey: async (keyId) => {
      const out = await send('DescribeKey', { KeyId: keyId });
      if (!out.KeyMetadata) throw new KmsError('InvalidResponse', `DescribeKey returned no KeyMetadata for ${keyId}`, { context: { region } });
      return keyDescriptionOf(out.KeyMetadata);
    },

    getKeyPolicy: async (keyId) => {
      const out = await send('GetKeyPolicy', { KeyId: keyId, PolicyName: POLICY_NAME });
      if (out.Policy === undefined) throw new KmsError('InvalidResponse', `GetKeyPolicy returned no policy for ${keyId}`, { context: { region } });
      return out.Policy;
    },

    getKeyRotationStatus: async (keyId) => {
      const out = await send('GetKeyRotationStatus', { KeyId: keyId });
      const enabled = out.KeyRotationEnabled === true;
      return { enabled, periodInDays: enabled ? (out.RotationPeriodInDays ?? null) : null };
    },

    listResourceTags: async (keyId, options) =>
      Object.fromEntries(
        await kms.list('ListResourceTags', { KeyId: keyId, Limit: PAGE_SIZE.tags }, options, (out) =>
          (out.Tags ?? []).flatMap((t): [string, string][] => (t.TagKey !== undefined ? [[t.TagKey, t.TagValue ?? '']] : [])),
        ),
      ),
  };
}

/** The id and ARN of the key CreateKey or ReplicateKey made; `missing` says what came back instead. */
function madeKey(meta: { KeyId?: string; Arn?: string } | undefined, missing: string, region: string): { keyId: string; arn: string } {
  if (!meta?.KeyId || !meta.Arn) throw new KmsError('InvalidResponse', missing, { context: { region } });
  return { keyId: meta.KeyId, arn: meta.Arn };
}

/** CreateKey and ReplicateKey: the requests that make a key. */
function makeKeyApi(kms: KmsSender, region: string): Pick<KmsApi, 'createKey' | 'replicateKey'> {
  const { send } = kms;
  return {
    createKey: async (input) => {
      const out = await send('CreateKey', {
        ...(input.origin === undefined ? {} : { Origin: input.origin }),
        ...(input.customKeyStoreId === undefined ? {} : { CustomKeyStoreId: input.customKeyStoreId }),
        ...(input.xksKeyId === undefined ? {} : { XksKeyId: input.xksKeyId }),
        KeySpec: input.spec,
        KeyUsage: input.keyUsage,
        MultiRegion: input.multiRegion,
        Policy: input.policy,
        Description: input.description,
        Tags: tagListOf(input.tags),
        // Never bypass: KMS's lockout check is what stops a policy that shuts us out.
        BypassPolicyLockoutSafetyCheck: false,
      });
      return madeKey(out.KeyMetadata, 'CreateKey returned no key', region);
    },

    replicateKey: async (input) => {
      const out = await send('ReplicateKey', {
        KeyId: input.keyId,
        ReplicaRegion: input.replicaRegion,
        Policy: input.policy,
        Description: input.description,
        Tags: tagListOf(input.tags),
        BypassPolicyLockoutSafetyCheck: false,
      });
      return madeKey(out.ReplicaKeyMetadata, 'ReplicateKey returned no replica', region);
    },
  };
}

type ChangeOperations = Exclude<
  keyof KmsApi,
  | 'region'
  | ReadOperations
  | 'createKey'
  | 'replicateKey'
  | 'listGrants'
  | 'createGrant'
  | 'revokeGrant'
  | 'listTaggedKeys'
  | 'describeCustomKeyStore'
  | 'importKeyMaterial'
  | 'listKeyMaterials'
  | keyof KeyIdMethods
>;

type KeyIdOperation = (typeof KEY_ID_OPERATIONS)[keyof typeof KEY_ID_OPERATIONS];
type AssertTrue<T extends true> = T;
/** Does not compile while an operation of `KEY_ID_OPERATIONS` needs more than `{ KeyId }`. */
export type KeyIdIsTheWholeRequest = AssertTrue<{ [A in KeyIdOperation]: { KeyId: string } extends KmsInput<A> ? true : false }[KeyIdOperation]>;

/** The `KEY_ID_OPERATIONS` (lib/kmsApi.ts): each sent as `{ KeyId }`, its answer unread. */
function keyIdApi(kms: KmsSender): KeyIdMethods {
  const methods = Object.entries(KEY_ID_OPERATIONS).map(([method, operation]) => [method, (keyId: string) => kms.run(operation, { KeyId: keyId })]);
  return Object.fromEntries(methods) as KeyIdMethods;
}

/** The requests that change an existing key or alias. */
function changeApi(kms: KmsSender): Pick<KmsApi, ChangeOperations> {
  const { send, run } = kms;
  return {
    createAlias: (aliasName, targetKeyId) => run('CreateAlias', { AliasName: aliasName, TargetKeyId: targetKeyId }),
    updateAlias: (aliasName, targetKeyId) => run('UpdateAlias', { AliasName: aliasName, TargetKeyId: targetKeyId }),
    deleteAlias: (aliasName) => run('DeleteAlias', { AliasName: aliasName }),
    putKeyPolicy: (keyId, policy) => run('PutKeyPolicy', { KeyId: keyId, PolicyName: POLICY_NAME, Policy: policy, BypassPolicyLockoutSafetyCheck: false }),
    tagResource: (keyId, tags) => run('TagResource', { KeyId: keyId, Tags: tagListOf(tags) }),
    untagResource: (keyId, tagKeys) => run('UntagResource', { KeyId: keyId, TagKeys: tagKeys }),
    updateKeyDescription: (keyId, description) => run('UpdateKeyDescription', { KeyId: keyId, Description: description }),
    enableKeyRotation: (keyId, rotationPeriodInDays) => run('EnableKeyRotation', { KeyId: keyId, RotationPeriodInDays: rotationPeriodInDays }),
    updatePrimaryRegion: (keyId, primaryRegion) => run('UpdatePrimaryRegion', { KeyId: keyId, PrimaryRegion: primaryRegion }),
    scheduleKeyDeletion: async (keyId, pendingWindowInDays) => {
      const out = await send('ScheduleKeyDeletion', { KeyId: keyId, PendingWindowInDays: pendingWindowInDays });
      return { deletionDate: out.DeletionDate ? out.DeletionDate.toISOString() : null };
    },
  };
}

function tagListOf(tags: TagMap): { TagKey: string; TagValue: string }[] {
  return Object.entries(tags)
    .sort(byKey)
    .map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
}

/**
 * DescribeKey's metadata in domain terms. Spec, usage and state are KMS's own strings; a value this
 * product does not know (a newer key spec) is passed through so the planner sees the mismatch.
 */
export function keyDescriptionOf(meta: KeyMetadata): KeyDescription {
  const mr = meta.MultiRegion === true ? meta.MultiRegionConfiguration : undefined;
  const role = mr?.MultiRegionKeyType === 'PRIMARY' || mr?.MultiRegionKeyType === 'REPLICA' ? mr.MultiRegionKeyType : null;
  return {
    keyId: meta.KeyId ?? '',
    arn: meta.Arn ?? '',
    state: (meta.KeyState ?? 'Unavailable') as KeyState,
    spec: (meta.KeySpec ?? meta.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT') as KeySpec,
    keyUsage: (meta.KeyUsage ?? 'ENCRYPT_DECRYPT') as KeyUsage,
    multiRegion: meta.MultiRegion === true,
    role,
    primaryRegion: mr?.PrimaryKey?.Region ?? null,
    replicaRegions: (mr?.ReplicaKeys ?? []).flatMap((r) => (r.Region ? [r.Region] : [])).sort(),
    description: meta.Description ?? '',
    deletionDate: meta.DeletionDate ? meta.DeletionDate.toISOString() : null,
    keyManager: meta.KeyManager === 'AWS' ? 'AWS' : 'CUSTOMER',
    ...originFieldsOf(meta),
  };
}

/** `origin` (only when not AWS_KMS) and, for an EXTERNAL key with material, when that material expires. */
function originFieldsOf(meta: KeyMetadata): { origin?: Origin; keyMaterialValidTo?: string | null; customKeyStoreId?: string } {
  if (meta.Origin === undefined || meta.Origin === 'AWS_KMS') return {};
  const origin = meta.Origin as Origin;
  if (meta.CustomKeyStoreId !== undefined) return { origin, customKeyStoreId: meta.CustomKeyStoreId };
  if (origin !== 'EXTERNAL' || meta.ExpirationModel === undefined) return { origin };
  const validTo = meta.ExpirationModel === 'KEY_MATERIAL_EXPIRES' && meta.ValidTo ? meta.ValidTo.toISOString() : null;
  return { origin, keyMaterialValidTo: validTo };
}
