/**
 * `KmsApi` over `@aws-sdk/client-kms`, for one Region. Requests are built from domain values,
 * answers mapped back to domain values, and every SDK exception is translated into `KmsError`.
 * No retries here: the client is built with `maxAttempts: 1` and the executor decides what is safe
 * to repeat.
 */
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyCommand,
  EnableKeyRotationCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  type KeyMetadata,
  type KMSClient,
  ListAliasesCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  PutKeyPolicyCommand,
  ReplicateKeyCommand,
  ScheduleKeyDeletionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  UpdateKeyDescriptionCommand,
  UpdatePrimaryRegionCommand,
} from '@aws-sdk/client-kms';
import { KmsError } from '../errors.ts';
import type { AliasEntry, KeyDescription, KeyListEntry, KmsApi, ListOptions } from '../kmsApi.ts';
import type { KeySpec, KeyState, KeyUsage, TagMap } from '../types.ts';
import { createGrantApi } from './kmsGrants.ts';
import { toKmsError } from './translateError.ts';

/** KMS's page-size maxima: ListKeys 1000, ListAliases 100, ListResourceTags 50. */
const PAGE_SIZE = { keys: 1000, aliases: 100, tags: 50 } as const;

/** The policy name KMS supports (the only one). */
const POLICY_NAME = 'default';

/** Builds the `KmsApi` of `client`'s Region. */
export function createKmsApi(client: KMSClient, region: string): KmsApi {
  /** Runs one SDK call, translating its exception; `action` names the operation in the error context. */
  async function call<T>(action: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw toKmsError(error, { region, action });
    }
  }

  /** The id and ARN of the key CreateKey or ReplicateKey made; `missing` says what came back instead. */
  function madeKey(meta: { KeyId?: string; Arn?: string } | undefined, missing: string): { keyId: string; arn: string } {
    if (!meta?.KeyId || !meta.Arn) throw new KmsError('InvalidResponse', missing, { context: { region } });
    return { keyId: meta.KeyId, arn: meta.Arn };
  }

  async function allPages<T>(
    options: ListOptions | undefined,
    page: (marker: string | undefined) => Promise<{ items: T[]; nextMarker: string | undefined }>,
  ): Promise<T[]> {
    const items: T[] = [];
    let marker: string | undefined;
    do {
      await options?.beforePage?.();
      const result = await page(marker);
      items.push(...result.items);
      marker = result.nextMarker;
    } while (marker !== undefined);
    return items;
  }

  return {
    region,

    listKeys: (options) =>
      allPages<KeyListEntry>(options, async (marker) => {
        const out = await call('ListKeys', () => client.send(new ListKeysCommand({ Limit: PAGE_SIZE.keys, Marker: marker })));
        const items = (out.Keys ?? []).flatMap((k) => (k.KeyId && k.KeyArn ? [{ keyId: k.KeyId, arn: k.KeyArn }] : []));
        return { items, nextMarker: out.Truncated ? out.NextMarker : undefined };
      }),

    listAliases: (options) =>
      allPages<AliasEntry>(options, async (marker) => {
        const out = await call('ListAliases', () => client.send(new ListAliasesCommand({ KeyId: options?.keyId, Limit: PAGE_SIZE.aliases, Marker: marker })));
        const items = (out.Aliases ?? []).flatMap((a) => (a.AliasName ? [{ aliasName: a.AliasName, targetKeyId: a.TargetKeyId ?? null }] : []));
        return { items, nextMarker: out.Truncated ? out.NextMarker : undefined };
      }),

    describeKey: async (keyId) => {
      const out = await call('DescribeKey', () => client.send(new DescribeKeyCommand({ KeyId: keyId })));
      if (!out.KeyMetadata) throw new KmsError('InvalidResponse', `DescribeKey returned no KeyMetadata for ${keyId}`, { context: { region } });
      return keyDescriptionOf(out.KeyMetadata);
    },

    getKeyPolicy: async (keyId) => {
      const out = await call('GetKeyPolicy', () => client.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: POLICY_NAME })));
      if (out.Policy === undefined) throw new KmsError('InvalidResponse', `GetKeyPolicy returned no policy for ${keyId}`, { context: { region } });
      return out.Policy;
    },

    getKeyRotationStatus: async (keyId) => {
      const out = await call('GetKeyRotationStatus', () => client.send(new GetKeyRotationStatusCommand({ KeyId: keyId })));
      const enabled = out.KeyRotationEnabled === true;
      return { enabled, periodInDays: enabled ? (out.RotationPeriodInDays ?? null) : null };
    },

    listResourceTags: async (keyId, options) => {
      const tags = await allPages<[string, string]>(options, async (marker) => {
        const out = await call('ListResourceTags', () => client.send(new ListResourceTagsCommand({ KeyId: keyId, Limit: PAGE_SIZE.tags, Marker: marker })));
        const items = (out.Tags ?? []).flatMap((t): [string, string][] => (t.TagKey !== undefined ? [[t.TagKey, t.TagValue ?? '']] : []));
        return { items, nextMarker: out.Truncated ? out.NextMarker : undefined };
      });
      return Object.fromEntries(tags);
    },

    createKey: async (input) => {
      const out = await call('CreateKey', () =>
        client.send(
          new CreateKeyCommand({
            KeySpec: input.spec,
            KeyUsage: input.keyUsage,
            MultiRegion: input.multiRegion,
            Policy: input.policy,
            Description: input.description,
            Tags: tagListOf(input.tags),
            // Never bypass: KMS's lockout check is what stops a policy that shuts us out.
            BypassPolicyLockoutSafetyCheck: false,
          }),
        ),
      );
      return madeKey(out.KeyMetadata, 'CreateKey returned no key');
    },

    replicateKey: async (input) => {
      const out = await call('ReplicateKey', () =>
        client.send(
          new ReplicateKeyCommand({
            KeyId: input.keyId,
            ReplicaRegion: input.replicaRegion,
            Policy: input.policy,
            Description: input.description,
            Tags: tagListOf(input.tags),
            BypassPolicyLockoutSafetyCheck: false,
          }),
        ),
      );
      return madeKey(out.ReplicaKeyMetadata, 'ReplicateKey returned no replica');
    },

    createAlias: async (aliasName, targetKeyId) => {
      await call('CreateAlias', () => client.send(new CreateAliasCommand({ AliasName: aliasName, TargetKeyId: targetKeyId })));
    },
    updateAlias: async (aliasName, targetKeyId) => {
      await call('UpdateAlias', () => client.send(new UpdateAliasCommand({ AliasName: aliasName, TargetKeyId: targetKeyId })));
    },
    deleteAlias: async (aliasName) => {
      await call('DeleteAlias', () => client.send(new DeleteAliasCommand({ AliasName: aliasName })));
    },
    putKeyPolicy: async (keyId, policy) => {
      await call('PutKeyPolicy', () =>
        client.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: POLICY_NAME, Policy: policy, BypassPolicyLockoutSafetyCheck: false })),
      );
    },
    tagResource: async (keyId, tags) => {
      await call('TagResource', () => client.send(new TagResourceCommand({ KeyId: keyId, Tags: tagListOf(tags) })));
    },
    untagResource: async (keyId, tagKeys) => {
      await call('UntagResource', () => client.send(new UntagResourceCommand({ KeyId: keyId, TagKeys: tagKeys })));
    },
    updateKeyDescription: async (keyId, description) => {
      await call('UpdateKeyDescription', () => client.send(new UpdateKeyDescriptionCommand({ KeyId: keyId, Description: description })));
    },
    enableKey: async (keyId) => {
      await call('EnableKey', () => client.send(new EnableKeyCommand({ KeyId: keyId })));
    },
    disableKey: async (keyId) => {
      await call('DisableKey', () => client.send(new DisableKeyCommand({ KeyId: keyId })));
    },
    enableKeyRotation: async (keyId, rotationPeriodInDays) => {
      await call('EnableKeyRotation', () => client.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: rotationPeriodInDays })));
    },
    disableKeyRotation: async (keyId) => {
      await call('DisableKeyRotation', () => client.send(new DisableKeyRotationCommand({ KeyId: keyId })));
    },
    updatePrimaryRegion: async (keyId, primaryRegion) => {
      await call('UpdatePrimaryRegion', () => client.send(new UpdatePrimaryRegionCommand({ KeyId: keyId, PrimaryRegion: primaryRegion })));
    },
    scheduleKeyDeletion: async (keyId, pendingWindowInDays) => {
      const out = await call('ScheduleKeyDeletion', () =>
        client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: pendingWindowInDays })),
      );
      return { deletionDate: out.DeletionDate ? out.DeletionDate.toISOString() : null };
    },
    cancelKeyDeletion: async (keyId) => {
      await call('CancelKeyDeletion', () => client.send(new CancelKeyDeletionCommand({ KeyId: keyId })));
    },
    ...createGrantApi(client, region, call, allPages),
  };
}

function tagListOf(tags: TagMap): { TagKey: string; TagValue: string }[] {
  return Object.entries(tags)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
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
  };
}
