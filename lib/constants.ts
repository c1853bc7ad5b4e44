/** Constants shared across modules. */

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

/** CloudFormation refuses a response body larger than this. */
export const MAX_RESPONSE_BYTES = 4096;

/** KMS's limit on a key policy document. */
export const MAX_KEY_POLICY_BYTES = 32768;

/** KMS's limit on tags per key. */
export const MAX_TAGS_PER_KEY = 50;

/** The waiting period `ScheduleKeyDeletion` accepts, in days. */
export const DELETION_WINDOW_IN_DAYS = { min: 7, max: 30 } as const;

export const DEFAULTS = {
  keySpec: 'SYMMETRIC_DEFAULT',
  deletionWindowInDays: 30,
  enableKeyRotation: true,
  rotationPeriodInDays: 365,
  returnAttributes: ['*'],
} as const;
