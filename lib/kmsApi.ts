/**
 * The KMS operations the product uses, for one Region, in domain terms. The reader and the executor
 * depend on this interface only; `lib/aws/kms.ts` implements it over the AWS SDK, and tests use an
 * in-memory fake. Every method rejects with a `KmsError` (lib/errors.ts) carrying KMS's own code.
 * Beside it, the one table of the operations the product sends, with their request quotas
 * (`DEFAULT_KMS_QUOTAS`): a new operation is its row there and its method here.
 */
import type { Action, ActualKey, KeyMaterialVersion, KeySpec, KeyState, KeyUsage, TagMap } from './types.ts';

/**
 * Default KMS request quotas per account per Region, in requests per second (docs/behaviour.md §9).
 * Source: KMS Developer Guide, "Request quotas", table "Request quotas for each AWS KMS API
 * operation" (https://docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html),
 * every figure checked against it 2026-12 (RevokeGrant is 30, not CreateGrant's 50). ReplicateKey
 * also costs 2 CreateKey in the replica Region; UpdatePrimaryRegion costs one UpdatePrimaryRegion in
 * each of the two Regions (same page).
 */
export const DEFAULT_KMS_QUOTAS = {
  CreateKey: 5,
  ReplicateKey: 5,
  CreateAlias: 5,
  UpdateAlias: 5,
  DeleteAlias: 15,
  PutKeyPolicy: 15,
  TagResource: 10,
  UntagResource: 5,
  ScheduleKeyDeletion: 15,
  CancelKeyDeletion: 5,
  EnableKey: 5,
  DisableKey: 5,
  EnableKeyRotation: 15,
  DisableKeyRotation: 5,
  UpdateKeyDescription: 5,
  UpdatePrimaryRegion: 5,
  DescribeKey: 2000,
  ListAliases: 500,
  ListKeys: 500,
  GetKeyPolicy: 1000,
  GetKeyRotationStatus: 1000,
  ListResourceTags: 2000,
  CreateGrant: 50,
  RevokeGrant: 30,
  ListGrants: 100,
  /**
   * Imported key material (docs/key-material.md): one import is one GetParametersForImport and one
   * ImportKeyMaterial. Neither figure was found on the "Request quotas" page as read here (a guess:
   * the 5/s of the key-management operations; local/emulator/README.md lists it).
   */
  GetParametersForImport: 5,
  ImportKeyMaterial: 5,
  /**
   * Rotation of imported material (`KeyMaterial.AllowRotation`): one ListKeyRotations per read of a
   * symmetric EXTERNAL key, one RotateKeyOnDemand per rotation. Not found on the page either (the
   * same guess, local/emulator/README.md).
   */
  ListKeyRotations: 5,
  RotateKeyOnDemand: 5,
  /**
   * Not KMS: the Resource Groups Tagging API's GetResources (the reader's tag index, DESIGN.md
   * "Finding owned keys in a busy account"). Its quota is not documented in the API reference; a
   * guess, the figure the emulator enforces (local/emulator/README.md).
   */
  GetResources: 10,
} as const;

export type KmsOperation = keyof typeof DEFAULT_KMS_QUOTAS;
export type KmsQuotas = Record<KmsOperation, number>;

/** How many CreateKey units one ReplicateKey charges in the replica Region. */
export const REPLICATE_KEY_CREATE_KEY_COST = 2;

/** How many UpdatePrimaryRegion units one UpdatePrimaryRegion charges in each of its two Regions. */
export const UPDATE_PRIMARY_REGION_COST_PER_REGION = 1;

/**
 * The key operations that take a key id only and answer nothing the product reads: `KmsApi` method
 * → KMS operation (one of the quota table's, `DEFAULT_KMS_QUOTAS` above). Each gives `KmsApi` its method
 * `(keyId) => Promise<void>`, and lib/aws/kms.ts sends it as `{ KeyId }` through the one sender,
 * with its error translation (it does not compile while the operation's request needs more): a new
 * operation of this shape is one line here. Any other shape is a method of `KmsApi` below with its
 * mapping in lib/aws/kms.ts.
 */
export const KEY_ID_OPERATIONS = {
  enableKey: 'EnableKey',
  disableKey: 'DisableKey',
  disableKeyRotation: 'DisableKeyRotation',
  cancelKeyDeletion: 'CancelKeyDeletion',
  /** The key's pending imported material becomes current, in every related key (`KeyMaterial.AllowRotation`). */
  rotateKeyOnDemand: 'RotateKeyOnDemand',
} as const satisfies Record<string, Exclude<KmsOperation, 'GetResources'>>;

/** The methods `KEY_ID_OPERATIONS` gives `KmsApi`. */
export type KeyIdMethods = { readonly [M in keyof typeof KEY_ID_OPERATIONS]: (keyId: string) => Promise<void> };

/** One entry of ListKeys. */
export interface KeyListEntry {
  keyId: string;
  arn: string;
}

/** One entry of ListAliases. Predefined AWS managed aliases may have no target yet. */
export interface AliasEntry {
  /** `alias/<name>` */
  aliasName: string;
  targetKeyId: string | null;
}

/** What DescribeKey tells about a key: the `ActualKey` fields that do not need another call. */
export type KeyDescription = Omit<ActualKey, 'region' | 'policy' | 'tags' | 'rotation' | 'state' | 'spec' | 'keyUsage'> & {
  state: KeyState;
  spec: KeySpec;
  keyUsage: KeyUsage;
  /** `AWS` for AWS managed keys: the product never touches those. */
  keyManager: 'AWS' | 'CUSTOMER';
};

export interface RotationStatus {
  enabled: boolean;
  /** KMS reports the period only while rotation is enabled. */
  periodInDays: number | null;
}

/** Sends one page request as it is (no `ListOptions.page`). */
export const sendPage = <T>(send: () => Promise<T>): Promise<T> => send();

/** Options of the listing methods, which always return every page. */
export interface ListOptions {
  /**
   * Each page request is sent through it (`send` sends the page). One listing can take several
   * requests: the reader paces, holds a slot for and retries each page this way, so a throttled page
   * is sent again alone, not the listing from its first page.
   */
  page?: <T>(send: () => Promise<T>) => Promise<T>;
}

/** What a CreateKey action carries to KMS. */
export type CreateKeyInput = Pick<
  Extract<Action, { kind: 'CreateKey' }>,
  'spec' | 'keyUsage' | 'multiRegion' | 'policy' | 'description' | 'tags' | 'origin' | 'customKeyStoreId' | 'xksKeyId'
>;

/** DescribeCustomKeyStores, for one store: its type and connection state (`CONNECTED`, `DISCONNECTED`, …). */
export interface CustomKeyStoreDescription {
  id: string;
  type: string;
  connectionState: string;
}

/** What a ReplicateKey action carries to KMS, with its primary resolved to a key id. */
export type ReplicateKeyInput = Pick<Extract<Action, { kind: 'ReplicateKey' }>, 'replicaRegion' | 'policy' | 'description' | 'tags'> & {
  /** The primary key, in this client's Region. */
  keyId: string;
};

/** The key a CreateKey or ReplicateKey made (a replica has the primary's key id, its own ARN). */
export interface CreatedKey {
  keyId: string;
  arn: string;
}

/** What an ImportKeyMaterial action carries, with its key resolved: never the material, only where it is. */
export type ImportKeyMaterialInput = Pick<
  Extract<Action, { kind: 'ImportKeyMaterial' }>,
  'secretArn' | 'validTo' | 'keySpec' | 'importType' | 'materialDescription'
> & {
  keyId: string;
  /** The property path errors about the secret's content name (`CustomerMasterKeys.<name>.KeyMaterial.SecretArn`). */
  path: string;
};

/** One entry of ListGrants: what the reader needs to recognise the product's own grants. */
export interface GrantEntry {
  grantId: string;
  /** The grant's `Name`; null when it has none. */
  name: string | null;
}

/** What a CreateGrant action carries to KMS, with its key resolved to a key id. */
export type CreateGrantInput = Pick<
  Extract<Action, { kind: 'CreateGrant' }>,
  'kmsName' | 'granteePrincipal' | 'operations' | 'retiringPrincipal' | 'constraints'
> & { keyId: string };

/** KMS in one Region (with the `KeyIdMethods`: enableKey, disableKey, disableKeyRotation, cancelKeyDeletion). */
export interface KmsApi extends KeyIdMethods {
  readonly region: string;
  /** Every key of the Region (all pages). */
  listKeys(options?: ListOptions): Promise<KeyListEntry[]>;
  /** Every alias of the Region, or only those of `keyId` (all pages). */
  listAliases(options?: ListOptions & { keyId?: string }): Promise<AliasEntry[]>;
  describeKey(keyId: string): Promise<KeyDescription>;
  /** The `default` key policy document. */
  getKeyPolicy(keyId: string): Promise<string>;
  getKeyRotationStatus(keyId: string): Promise<RotationStatus>;
  /** Every tag of the key (all pages). */
  listResourceTags(keyId: string, options?: ListOptions): Promise<TagMap>;
  createKey(input: CreateKeyInput): Promise<CreatedKey>;
  /** Sent to the primary's Region; returns the replica (its ARN names `replicaRegion`). */
  replicateKey(input: ReplicateKeyInput): Promise<CreatedKey>;
  createAlias(aliasName: string, targetKeyId: string): Promise<void>;
  updateAlias(aliasName: string, targetKeyId: string): Promise<void>;
  deleteAlias(aliasName: string): Promise<void>;
  putKeyPolicy(keyId: string, policy: string): Promise<void>;
  tagResource(keyId: string, tags: TagMap): Promise<void>;
  untagResource(keyId: string, tagKeys: string[]): Promise<void>;
  updateKeyDescription(keyId: string, description: string): Promise<void>;
  enableKeyRotation(keyId: string, rotationPeriodInDays?: number): Promise<void>;
  /** Sent to the current primary's Region. */
  updatePrimaryRegion(keyId: string, primaryRegion: string): Promise<void>;
  /** Returns the deletion date (ISO) when KMS reports one. */
  scheduleKeyDeletion(keyId: string, pendingWindowInDays: number): Promise<{ deletionDate: string | null }>;
  /** Every grant of the key in this Region (all pages). */
  listGrants(keyId: string, options?: ListOptions): Promise<GrantEntry[]>;
  /** Idempotent through `Name`: the same name and parameters answer the existing GrantId. */
  createGrant(input: CreateGrantInput): Promise<{ grantId: string }>;
  revokeGrant(keyId: string, grantId: string): Promise<void>;
  /**
   * Imports the material of `input.secretArn` into the key (docs/key-material.md): GetSecretValue,
   * GetParametersForImport, wrapping, ImportKeyMaterial. The same material again only sets the
   * expiry; different material is refused by KMS (`IncorrectKeyMaterialException`). Rejections never
   * carry the material.
   */
  importKeyMaterial(input: ImportKeyMaterialInput): Promise<void>;
  /**
   * Every material of a symmetric key with imported material (ListKeyRotations with
   * `IncludeKeyMaterial: ALL_KEY_MATERIAL`, all pages): ids, states and descriptions, never material.
   */
  listKeyMaterials(keyId: string, options?: ListOptions): Promise<KeyMaterialVersion[]>;
  /** DescribeCustomKeyStores of one store of this Region; null when KMS does not know it (CustomKeyStoreNotFoundException). */
  describeCustomKeyStore(customKeyStoreId: string): Promise<CustomKeyStoreDescription | null>;
  /**
   * Not KMS: the Resource Groups Tagging API's index of the Region's KMS keys (`GetResources`, all
   * pages), key id → tags as indexed. It lags tag changes and omits keys never tagged, so it only
   * narrows the reader's scan (lib/reader/tagIndex.ts). Absent where no index is available (tests' fakes).
   */
  listTaggedKeys?(options?: ListOptions): Promise<Map<string, TagMap>>;
}

/** KMS per Region; implementations memoise one client per Region. */
export type KmsApiFactory = (region: string) => KmsApi;
