/**
 * The shared vocabulary of the product: resolved properties, desired state, actual state and the
 * plan. Everything here is plain data (JSON-serialisable), so it can be logged, printed, compared
 * with `toEqual` and handed between modules without behaviour attached.
 */

/** Key specs KMS accepts for customer managed keys (docs/behaviour.md §3). */
export const KEY_SPECS = [
  'SYMMETRIC_DEFAULT',
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'ECC_NIST_P256',
  'ECC_NIST_P384',
  'ECC_NIST_P521',
  'ECC_SECG_P256K1',
  'HMAC_224',
  'HMAC_256',
  'HMAC_384',
  'HMAC_512',
  'ML_DSA_44',
  'ML_DSA_65',
  'ML_DSA_87',
  'SM2',
] as const;
export type KeySpec = (typeof KEY_SPECS)[number];

export const KEY_USAGES = ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'GENERATE_VERIFY_MAC', 'KEY_AGREEMENT'] as const;
export type KeyUsage = (typeof KEY_USAGES)[number];

/**
 * Where a key's material comes from (`Origin`): KMS makes it (`AWS_KMS`), the user imports it
 * (`EXTERNAL`, docs/key-material.md), or a custom key store holds it (`AWS_CLOUDHSM`, `EXTERNAL_KEY_STORE`).
 */
export const ORIGINS = ['AWS_KMS', 'EXTERNAL', 'AWS_CLOUDHSM', 'EXTERNAL_KEY_STORE'] as const;
export type Origin = (typeof ORIGINS)[number];

/**
 * `KeyMaterial` of an `Origin: EXTERNAL` key: the Secrets Manager secret holding the material, and
 * when the imported material expires (`null`: never). The material itself is never held in any
 * plain-data value: only `lib/aws/keyMaterial.ts` reads it, and only to wrap it.
 */
export interface KeyMaterialSource {
  secretArn: string;
  /** ISO 8601 instant, whole seconds (`2027-01-01T00:00:00.000Z`); null = the material does not expire. */
  validTo: string | null;
}

export const REMOVAL_POLICIES = ['Delete', 'Retain'] as const;
export type RemovalPolicy = (typeof REMOVAL_POLICIES)[number];

/** Tags as KMS stores them: TagKey → TagValue. */
export type TagMap = Record<string, string>;

/** One IAM condition: `{ "<test>": { "<variable>": [values] } }` in the policy document. */
export interface PolicyCondition {
  test: string;
  variable: string;
  values: string[];
}

/**
 * One of the user's own key policy statements (`DefaultPolicyStatements`, `PolicyStatements`) as it
 * goes into the key policy, after validation (docs/behaviour.md §5): IAM JSON, every list sorted and
 * de-duplicated, `Resource` always `"*"` (in a key policy, the key itself).
 */
export interface UserStatementDocument {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  /**
   * Principal type (`AWS`, `Service`) → sorted principals. A `"*"` as written becomes `{AWS: ["*"]}`,
   * the form KMS's documentation uses (KMS and its console have refused the bare string).
   */
  Principal: Record<string, string[]>;
  Action?: string[];
  NotAction?: string[];
  Resource: '*';
  /** Operator → condition key → values (sorted). */
  Condition?: Record<string, Record<string, string[]>>;
}

/** A user statement and where it was written, for issue paths. */
export interface UserPolicyStatement {
  /** `DefaultPolicyStatements[0]`, `CustomerMasterKeys.<name>.PolicyStatements[1]`. */
  path: string;
  statement: UserStatementDocument;
}

/** A CMKUser of docs/behaviour.md §3: principals that share the same conditions. */
export interface CmkUser {
  principals: string[];
  conditions: PolicyCondition[];
}

export interface ServicePrincipal {
  /** e.g. `s3.amazonaws.com` */
  name: string;
  actions: string[];
  conditions: PolicyCondition[];
}

/**
 * One entry of `CustomerMasterKeys` after parsing, coercion, defaults and validation.
 * Region lists are as the user wrote them (validated in form only); resolving them against the
 * enabled Regions happens in `regions.ts`.
 */
export interface KeyProperties {
  /** The map key; the alias is `alias/<name>`. */
  name: string;
  /** `null` = an independent key in every enabled (and opted-in) Region. */
  region: string | null;
  /** As written, sorted, de-duplicated; may contain `"*"`. Empty when none. */
  replicaRegions: string[];
  multiRegion: boolean;
  administrators: string[];
  users: CmkUser[];
  readOnlyUsers: CmkUser[];
  describeOnlyUsers: CmkUser[];
  externalUsers: string[];
  servicePrincipals: ServicePrincipal[];
  allowManageKeyPermissionsWithIam: boolean;
  deletionWindowInDays: number;
  /** Effective: already false where the key spec / usage cannot rotate. */
  enableKeyRotation: boolean;
  rotationPeriodInDays: number;
  spec: KeySpec;
  keyUsage: KeyUsage;
  /** `null` = the default description (names the stack and logical ID). */
  description: string | null;
  enabled: boolean;
  /** `GlobalTags` merged under the key's `Tags`; never contains the reserved ownership prefix. */
  tags: TagMap;
  removalPolicy: RemovalPolicy;
  /** True when the properties set `RemovalPolicy` themselves: only then is an adopted key deleted on removal. */
  removalPolicyExplicit?: boolean;
  allowReplacement: boolean;
  /** `DefaultPolicyStatements` then the key's `PolicyStatements`, in the order written; after the generated statements. */
  policyStatements: UserPolicyStatement[];
  /** `Aliases`: extra alias names (without `alias/`), in the order written, distinct; the key name stays the first alias. */
  aliases: string[];
  /** `Grants`, sorted by name; absent = none. */
  grants?: GrantProperties[];
  /** `Origin`; absent = `AWS_KMS`. */
  origin?: Origin;
  /** `KeyMaterial` (only with `Origin: EXTERNAL`); absent = none: the key awaits import. */
  keyMaterial?: KeyMaterialSource;
  /** `CustomKeyStoreIds` (Origin AWS_CLOUDHSM / EXTERNAL_KEY_STORE): Region → custom key store id. */
  customKeyStoreIds?: Record<string, string>;
  /** `XksKeyIds` (Origin EXTERNAL_KEY_STORE): Region → external key id. */
  xksKeyIds?: Record<string, string>;
}

/** A grant constraint: the encryption context a request must match or include (docs/behaviour.md §12). */
export interface GrantConstraints {
  encryptionContextSubset?: Record<string, string>;
  encryptionContextEquals?: Record<string, string>;
}

/** One entry of `CustomerMasterKeys.<key>.Grants` after validation. */
export interface GrantProperties {
  /** The map key: `[A-Za-z0-9_-]`, unique within the key. */
  name: string;
  granteePrincipal: string;
  /** KMS operation names without `kms:` (`Decrypt`, `CreateGrant`, …), sorted, de-duplicated. */
  operations: string[];
  retiringPrincipal: string | null;
  constraints: GrantConstraints | null;
  /** `null` = every Region where the key exists; else sorted, de-duplicated. */
  regions: string[] | null;
}

/** `ResourceProperties` after validation (docs/behaviour.md §3). */
export interface ResourceProperties {
  awsAccountId: string;
  /** Sorted by name. */
  keys: KeyProperties[];
  /** `null` = every enabled Region. */
  optInRegions: string[] | null;
  returnAttributes: string[];
  adoptExistingKeys: boolean;
  /** `DefaultDeletionWindowInDays`: the fallback for removed keys whose recorded window is unreadable. */
  defaultDeletionWindowInDays: number;
}

/** Facts about the invocation that are not properties: from the event, the context and the environment. */
export interface ResourceContext {
  stackId: string;
  stackName: string;
  logicalResourceId: string;
  /** The account the function runs in (from the invoked function ARN). */
  accountId: string;
  /** `aws`, `aws-cn`, `aws-us-gov` — the partition of the Region the function runs in. */
  partition: string;
  /** The Region the function runs in. */
  region: string;
  /** `EXECUTION_ROLE_ARN`: always granted the management actions the product needs (docs/behaviour.md §5). */
  executionRoleArn: string;
}

/** Who owns a key: written as tags under the reserved prefix (see `ownership.ts`). */
export interface Owner {
  /** Derived from StackId + LogicalResourceId; also the PhysicalResourceId. */
  ownerId: string;
  stackId: string;
  stackName: string;
  logicalResourceId: string;
}

export interface RotationSetting {
  enabled: boolean;
  periodInDays: number;
}

/**
 * One KMS key the resource wants: a primary in `primaryRegion` plus its replicas.
 * A `Region: null` key becomes one DesiredKey per Region (each independent, no replicas).
 */
export interface DesiredKey {
  /** Stable identity inside the resource: `keyName` for a fixed-Region key, `keyName@region` for a per-Region key. */
  id: string;
  keyName: string;
  /** `alias/<keyName>`, in the primary Region and in every replica Region. */
  aliasName: string;
  /** True for a `Region: null` key (one independent key per Region). */
  perRegion: boolean;
  primaryRegion: string;
  /** Valid, resolved (no `"*"`), sorted, never containing `primaryRegion`. */
  replicaRegions: string[];
  multiRegion: boolean;
  spec: KeySpec;
  keyUsage: KeyUsage;
  /** Canonical JSON of the key policy (byte-comparable). Same for primary and replicas. */
  policy: string;
  description: string;
  enabled: boolean;
  /** `null` where the key cannot rotate (asymmetric, HMAC, …). */
  rotation: RotationSetting | null;
  /** User tags (GlobalTags + Tags). The ownership tags are added by the planner. */
  tags: TagMap;
  deletionWindowInDays: number;
  removalPolicy: RemovalPolicy;
  /** True when the properties set `RemovalPolicy` themselves: only then is an adopted key deleted on removal. */
  removalPolicyExplicit?: boolean;
  allowReplacement: boolean;
  /** `alias/<name>` of each of `Aliases`, in the order written: kept on the key like `aliasName`, in every Region of it. */
  extraAliasNames: string[];
  /**
   * Extra aliases the previous properties (an Update's OldResourceProperties) gave this key and the
   * current ones give no key: deleted where they still target this key, the key untouched. Sorted.
   */
  retiredAliasNames: string[];
  /** The key's grants, each with the Regions (of this key) it is made in; absent = none. */
  grants?: DesiredGrant[];
  /**
   * Grants an Update's previous properties (OldResourceProperties) gave this key that the current
   * ones no longer want (removed, or changed: a new KMS name), in the Regions the key still has: a
   * request moments ago made them, or was making them. Revoked whether or not ListGrants shows them
   * yet (KMS grants are eventually consistent): one not listed is made again by name and revoked
   * (lib/planner/grants.ts, lib/executor/revokeGrant.ts). Absent = none.
   */
  retiredGrants?: DesiredGrant[];
  /** Absent = `AWS_KMS`. */
  origin?: Origin;
  /**
   * For an `Origin: EXTERNAL` key: where its material comes from; absent = none given (the key is
   * left `PendingImport`). The secret is recorded on the key (`OWNERSHIP_TAGS.keyMaterialSecret`),
   * so a changed SecretArn is seen on any later request, a replay included.
   */
  keyMaterial?: KeyMaterialSource;
  /** For a key in a custom key store: the store of its (only) Region, and for XKS the external key. */
  customKeyStore?: { id: string; xksKeyId?: string };
}

/**
 * What a grant of ours was made with (besides its key and `Name`): what CreateGrant needs to make
 * it again by name, which answers the GrantId of the existing grant (docs/behaviour.md §12).
 */
export interface GrantParameters {
  granteePrincipal: string;
  operations: string[];
  retiringPrincipal: string | null;
  constraints: GrantConstraints | null;
}

/** A grant the resource wants on one desired key (docs/behaviour.md §12). */
export interface DesiredGrant extends GrantParameters {
  name: string;
  /** The KMS grant name: owner marker + name + fingerprint of the parameters (`lib/grantNames.ts`). */
  kmsName: string;
  /** Regions of the key (primary and replicas) that get this grant, sorted. */
  regions: string[];
}

/**
 * A key (`region: null`: every Region of it) or a replica Region whose input has merely become
 * invalid: a Region not enabled, outside OptInRegions, or no longer covered by `"*"`. The planner
 * keeps an existing key or replica there untouched and refuses the request (docs/behaviour.md §6,
 * Removal): only the configuration naming it removes a key.
 */
export interface HeldInstance {
  keyName: string;
  region: string | null;
  /** The property whose value no longer places the key there: `Region` or `ReplicaRegions`. */
  property: 'Region' | 'ReplicaRegions';
  /** Why the input is invalid, e.g. `me-south-1 is not enabled in this account (ListRegions: DISABLED)`. */
  cause: string;
}

/** Everything the planner needs to know about what the template asks for. */
export interface DesiredState {
  owner: Owner;
  /** Every Region the actual-state reader must look at (enabled ∩ OptInRegions). Sorted. */
  regions: string[];
  /** Sorted by id. */
  keys: DesiredKey[];
  adoptExistingKeys: boolean;
  /** Key names whose Region is malformed, not enabled or outside OptInRegions (not created). */
  invalidCmkInputs: string[];
  /** key name → skipped replica Regions. */
  invalidReplicaRegions: Record<string, string[]>;
  /** Deletion window for owned keys that are no longer desired (Delete, removed keys). */
  defaultDeletionWindowInDays: number;
  /** Keys and replica Regions kept as they are although no desired key places them (see `HeldInstance`). */
  held?: HeldInstance[];
  /** The CloudFormation RequestId: recorded on keys this request adopts, so its rollback can tell. */
  requestId?: string;
}

export const KEY_STATES = ['Creating', 'Enabled', 'Disabled', 'PendingDeletion', 'PendingReplicaDeletion', 'PendingImport', 'Unavailable', 'Updating'] as const;
export type KeyState = (typeof KEY_STATES)[number];

/**
 * `Unread`: a Delete did not describe the key (no DescribeKey): a single-Region key that this resource
 * owns outright and deletes needs only its tags and aliases (lib/reader/actualState.ts, `describedOnDelete`).
 * Its spec and usage are then `null` too.
 */
export type ActualKeyState = KeyState | 'Unread';

/** One KMS key (a primary, a replica or a single-Region key) as read from one Region. */
export interface ActualKey {
  region: string;
  keyId: string;
  arn: string;
  state: ActualKeyState;
  /** `null` only for an `Unread` key. */
  spec: KeySpec | null;
  /** `null` only for an `Unread` key. */
  keyUsage: KeyUsage | null;
  multiRegion: boolean;
  /** For a multi-Region key: which one this is. `null` for single-Region keys. */
  role: 'PRIMARY' | 'REPLICA' | null;
  /** For a multi-Region key: the Region of its primary. */
  primaryRegion: string | null;
  /** For a multi-Region primary: the Regions of its replicas (from MultiRegionConfiguration), sorted. */
  replicaRegions: string[];
  description: string;
  /** The `default` key policy as KMS returns it (the planner canonicalises before comparing); null if unreadable. */
  policy: string | null;
  tags: TagMap;
  /** Rotation as read; `null` where it does not apply or could not be read (replicas report the primary's). */
  rotation: { enabled: boolean; periodInDays: number | null } | null;
  /** ISO date, set while PendingDeletion. */
  deletionDate: string | null;
  /** DescribeKey's `Origin`; absent = `AWS_KMS`. */
  origin?: Origin;
  /**
   * For an `EXTERNAL` key with material: when the material expires (ISO, DescribeKey's `ValidTo`),
   * `null` when it does not expire (`KEY_MATERIAL_DOES_NOT_EXPIRE`); absent when it has no material.
   */
  keyMaterialValidTo?: string | null;
  /** DescribeKey's `CustomKeyStoreId`, for a key in a custom key store. */
  customKeyStoreId?: string;
}

export interface ActualAlias {
  region: string;
  /** `alias/<name>` */
  aliasName: string;
  targetKeyId: string;
}

/**
 * What exists, for the Regions of `DesiredState.regions`: every key carrying this resource's
 * ownership tags (as owner or as previous owner), every key targeted by an alias the resource
 * wants, and the aliases with those names or targeting those keys.
 */
export interface ActualState {
  keys: ActualKey[];
  aliases: ActualAlias[];
  /** Grants this resource made (recognised by name) on the keys it owns; absent = none read. */
  grants?: ActualGrant[];
}

/** A grant on an owned key, made by this resource (or by the resource it took the key over from). */
export interface ActualGrant {
  region: string;
  keyId: string;
  grantId: string;
  /** The KMS grant name. */
  kmsName: string;
  /** The user's grant name, parsed from `kmsName`. */
  name: string;
}

/** A grant that exists, or the one a CreateGrant action of the plan makes. */
export type GrantRef = { grantId: string } | { created: string };

/** A key already in KMS, or the key that the CreateKey action `created` makes. */
export type KeyRef = { keyId: string } | { created: string };

interface ActionBase {
  /** Unique inside a plan; stable for the same inputs (e.g. `CreateKey:us-east-1:cmk-prod`). */
  id: string;
  /** The Region whose KMS endpoint receives the call. */
  region: string;
  /** The key name (map key of CustomerMasterKeys) this action serves; for logs and reports. */
  keyName: string;
  /** Ids of actions that must have succeeded before this one starts. */
  dependsOn: string[];
}

export type Action =
  | (ActionBase & {
      kind: 'CreateKey';
      spec: KeySpec;
      keyUsage: KeyUsage;
      multiRegion: boolean;
      policy: string;
      description: string;
      /** Ownership tags included, so a key is never untagged, even for a moment. */
      tags: TagMap;
      /** Absent = `AWS_KMS`; `EXTERNAL` makes the key without material (`PendingImport`). */
      origin?: Origin;
      /** A key in a custom key store: checked CONNECTED (DescribeCustomKeyStores) before the plan runs. */
      customKeyStoreId?: string;
      xksKeyId?: string;
    })
  | (ActionBase & {
      kind: 'ReplicateKey';
      key: KeyRef;
      replicaRegion: string;
      policy: string;
      description: string;
      tags: TagMap;
    })
  | (ActionBase & { kind: 'CreateAlias'; aliasName: string; key: KeyRef })
  | (ActionBase & { kind: 'UpdateAlias'; aliasName: string; key: KeyRef })
  | (ActionBase & { kind: 'DeleteAlias'; aliasName: string })
  | (ActionBase & { kind: 'PutKeyPolicy'; key: KeyRef; policy: string })
  | (ActionBase & { kind: 'TagResource'; key: KeyRef; tags: TagMap })
  | (ActionBase & { kind: 'UntagResource'; key: KeyRef; tagKeys: string[] })
  | (ActionBase & { kind: 'UpdateKeyDescription'; key: KeyRef; description: string })
  | (ActionBase & { kind: 'EnableKey'; key: KeyRef })
  | (ActionBase & { kind: 'DisableKey'; key: KeyRef })
  | (ActionBase & { kind: 'EnableKeyRotation'; key: KeyRef; rotationPeriodInDays: number })
  | (ActionBase & { kind: 'DisableKeyRotation'; key: KeyRef })
  | (ActionBase & { kind: 'UpdatePrimaryRegion'; key: KeyRef; primaryRegion: string })
  | (ActionBase & { kind: 'ScheduleKeyDeletion'; key: KeyRef; pendingWindowInDays: number })
  | (ActionBase & { kind: 'CancelKeyDeletion'; key: KeyRef })
  | (ActionBase & {
      kind: 'CreateGrant';
      key: KeyRef;
      /** The user's grant name (for logs and attributes). */
      grantName: string;
      /** KMS's `Name`: makes the call idempotent (same name and parameters → the same GrantId). */
      kmsName: string;
      granteePrincipal: string;
      operations: string[];
      retiringPrincipal: string | null;
      constraints: GrantConstraints | null;
    })
  | (ActionBase & {
      kind: 'RevokeGrant';
      key: KeyRef;
      /** The grant ListGrants listed; null: one the previous properties named that is not listed yet (made again by name, then revoked). */
      grantId: string | null;
      /** The user's grant name (for logs). */
      grantName: string;
      /** KMS's `Name` of the grant. */
      kmsName: string;
      /**
       * What it was made with, when the previous properties name it: CreateGrant by `kmsName` with
       * these answers its GrantId (or makes it, then revoked), so RevokeGrant's NotFound never
       * passes for "revoked". Null: a listed grant no properties describe (revoked by id only).
       */
      parameters: GrantParameters | null;
    })
  | (ActionBase & {
      kind: 'ImportKeyMaterial';
      key: KeyRef;
      /** The secret holding the material: read, wrapped and imported by `lib/aws/keyMaterial.ts`; never the material itself. */
      secretArn: string;
      /** ISO instant or null (does not expire). */
      validTo: string | null;
      /** The key's spec: what the material must be and how it is wrapped (`lib/aws/materialSpec.ts`). */
      keySpec: KeySpec;
      /** Why: `new` (a key or replica made now), `pending` (no material: expired or deleted), `validTo`, `secret` (SecretArn changed). */
      reason: 'new' | 'pending' | 'validTo' | 'secret';
    });

export type ActionKind = Action['kind'];

/** A change the planner will not make (replacement without AllowReplacement, a foreign alias, …). */
export interface Refusal {
  keyName: string;
  region: string | null;
  reason: string;
}

export interface Plan {
  actions: Action[];
  /** Non-empty ⇒ the request answers FAILED and nothing is executed. */
  refusals: Refusal[];
  /**
   * Which KMS key serves each DesiredKey (by `DesiredKey.id`) once the plan has run: an existing key
   * or the one a CreateKey action of this plan makes. Replicas share the primary's key id.
   * Attributes are computed from this (no second read of KMS).
   */
  bindings: Record<string, KeyRef>;
  /** `DesiredKey.id` → Region → grant name → the grant serving it once the plan has run; absent = no grants. */
  grants?: Record<string, Record<string, Record<string, GrantRef>>>;
}

/** What the executor reports for one action. */
export interface ActionOutcome {
  actionId: string;
  kind: ActionKind;
  region: string;
  keyName: string;
  status: 'done' | 'failed' | 'skipped';
  /** For CreateKey / ReplicateKey: the key made. */
  keyId?: string;
  arn?: string;
  /** For CreateGrant: the grant made (or found: same name and parameters). */
  grantId?: string;
  error?: string;
  /**
   * For a failed action: the failure was transient or its effect is unknown (a CreateKey whose
   * connection dropped may have made a key). Re-reading the actual state and planning again is the
   * way to resume — never a blind retry of a non-idempotent call.
   */
  retryable?: boolean;
}

export interface ExecutionResult {
  outcomes: ActionOutcome[];
  /** True when the deadline stopped new work before the plan finished. */
  deadlineReached: boolean;
  /** Requests retried after ThrottlingException / 5xx, for reports and the bench. */
  retries: number;
}
