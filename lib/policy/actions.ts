/**
 * The KMS actions each role of the generated key policy receives (docs/behaviour.md §5), as explicit lists.
 *
 * Every list names single actions, never a wildcard (`kms:Get*`): a wildcard would silently grant
 * whatever AWS adds under that prefix later, and an explicit list can be audited. The only wildcard
 * a generated policy ever holds is `kms:*` in the account-root statement the user opts into.
 * Lists are sorted, so a statement's `Action` is the list as it is.
 */
import { DEFAULT_KMS_QUOTAS } from '../kmsApi.ts';
import { sortedUnique } from '../text/order.ts';
import { kms } from './actionList.ts';

/**
 * Every action that a key policy can authorise on a KMS key (resource type "KMS key" in the KMS
 * permissions reference). Actions that are IAM-only (`kms:CreateKey`, `kms:ListKeys`,
 * `kms:ListAliases`, custom key stores, `kms:GenerateRandom`, `kms:ListRetirableGrants`) are left
 * out: a key policy cannot grant them.
 */
export const KEY_RESOURCE_ACTIONS = kms(
  'CancelKeyDeletion CreateAlias CreateGrant Decrypt DeleteAlias DeleteImportedKeyMaterial ' +
    'DeriveSharedSecret DescribeKey DisableKey DisableKeyRotation EnableKey EnableKeyRotation ' +
    'Encrypt GenerateDataKey GenerateDataKeyPair GenerateDataKeyPairWithoutPlaintext ' +
    'GenerateDataKeyWithoutPlaintext GenerateMac GetKeyPolicy GetKeyRotationStatus ' +
    'GetParametersForImport GetPublicKey ImportKeyMaterial ListGrants ListKeyPolicies ' +
    'ListKeyRotations ListResourceTags PutKeyPolicy ReEncryptFrom ReEncryptTo ReplicateKey ' +
    'RetireGrant RevokeGrant RotateKeyOnDemand ScheduleKeyDeletion Sign TagResource ' +
    'UntagResource UpdateAlias UpdateKeyDescription UpdatePrimaryRegion Verify VerifyMac',
);
export type KeyResourceAction = (typeof KEY_RESOURCE_ACTIONS)[number];

const KEY_RESOURCE_SET: ReadonlySet<string> = new Set(KEY_RESOURCE_ACTIONS);

/** Actions that use the key material. Administrators never get any of them. */
export const CRYPTOGRAPHIC_ACTIONS = kms(
  'Decrypt DeriveSharedSecret Encrypt GenerateDataKey GenerateDataKeyPair ' +
    'GenerateDataKeyPairWithoutPlaintext GenerateDataKeyWithoutPlaintext GenerateMac ' +
    'ReEncryptFrom ReEncryptTo Sign Verify VerifyMac',
) satisfies readonly KeyResourceAction[];

/** The grant operations key users get for AWS services that create grants on their behalf. */
export const GRANT_ACTIONS = kms('CreateGrant ListGrants RevokeGrant') satisfies readonly KeyResourceAction[];

/**
 * Actions a principal that only *uses* the key may hold: cryptography, reading the key's metadata
 * and public key, and grants. Everything else on a key is management; only the execution role,
 * administrators and the account root (`kms:*`) may hold it.
 */
export const KEY_USE_ACTIONS = [
  ...CRYPTOGRAPHIC_ACTIONS,
  ...GRANT_ACTIONS,
  'kms:DescribeKey',
  'kms:GetPublicKey',
  'kms:RetireGrant',
] as const satisfies readonly KeyResourceAction[];

const KEY_USE_SET: ReadonlySet<string> = new Set(KEY_USE_ACTIONS);

/** Key actions that manage rather than use the key (`kms:PutKeyPolicy`, `kms:ScheduleKeyDeletion`, …). */
export const MANAGEMENT_ACTIONS = KEY_RESOURCE_ACTIONS.filter((action) => !KEY_USE_SET.has(action));

/**
 * What the execution role also needs on an `Origin: EXTERNAL` key with `KeyMaterial`: it imports the
 * material (docs/key-material.md). Not `DeleteImportedKeyMaterial`: the product never deletes material.
 */
export const EXECUTION_ROLE_IMPORT_ACTIONS = kms('GetParametersForImport ImportKeyMaterial') satisfies readonly KeyResourceAction[];

/**
 * What the execution role also needs on a key whose `KeyMaterial.AllowRotation` is true: it lists the
 * key's materials (which is current, which pending) and rotates to new material on demand.
 */
export const EXECUTION_ROLE_ROTATION_ACTIONS = kms('ListKeyRotations RotateKeyOnDemand') satisfies readonly KeyResourceAction[];

const IMPORT_ACTION_SET: ReadonlySet<string> = new Set([...EXECUTION_ROLE_IMPORT_ACTIONS, ...EXECUTION_ROLE_ROTATION_ACTIONS]);

/**
 * Exactly what the function calls on a key after creating it (planner and actual-state reader).
 * Granting it in every key policy keeps KMS's lockout safety check satisfied (the caller of
 * CreateKey/PutKeyPolicy must keep `kms:PutKeyPolicy`) and every later update possible, whatever the
 * user lists. No cryptographic action: the function never uses the keys it manages.
 *
 * `CreateAlias`, `UpdateAlias` and `DeleteAlias` also need the action on the alias resource, which
 * only an IAM policy can grant (see {@link EXECUTION_ROLE_ALIAS_ACTIONS}); `UpdateAlias` needs it on
 * both the old and the new key. `ReplicateKey` is authorised by the primary's key policy, and
 * `UpdatePrimaryRegion` by the key policies of both the primary and the replica, which is why the
 * same policy goes to every replica. `CreateGrant`, `ListGrants` and `RevokeGrant` manage the
 * resource's `Grants` (docs/behaviour.md §12); no condition narrows them here (the role calls
 * CreateGrant itself, so `kms:GrantIsForAWSResource` would refuse it, and the grant operations are
 * the user's choice): IAM scopes them to owned keys (template.yaml, docs/iam.md).
 *
 * Derived from the operations the product sends (the quota table, `DEFAULT_KMS_QUOTAS` in
 * lib/kmsApi.ts): those a key policy can authorise. A new key operation with its quota is in
 * the execution role's statement without a line here; tests/policy/actions.test.ts lists it. Not
 * the import and rotation operations: only the policy of a key that imports (and may rotate) its
 * material grants them ({@link executionRoleActionsOf}).
 */
export const EXECUTION_ROLE_ACTIONS: readonly KeyResourceAction[] = sentOperations().filter(
  (action): action is KeyResourceAction => KEY_RESOURCE_SET.has(action) && !IMPORT_ACTION_SET.has(action),
);

/**
 * What the execution role needs that no key policy can grant, so its IAM policy (template.yaml)
 * must: the IAM-only operations it sends (`kms:CreateKey`, `kms:ListKeys` and `kms:ListAliases`:
 * derived like {@link EXECUTION_ROLE_ACTIONS}); `ReplicateKey` also checks `kms:CreateKey` in the
 * replica Region; and `CreateKey`/`ReplicateKey` check `kms:TagResource` in an IAM policy for their
 * `Tags` parameter (the key does not exist yet, so no key policy can be consulted).
 */
export const EXECUTION_ROLE_IAM_POLICY_ACTIONS: readonly string[] = sortedUnique([
  ...sentOperations().filter((action) => !KEY_RESOURCE_SET.has(action)),
  'kms:TagResource',
]);

/** `kms:<Operation>` for every KMS operation the product sends (the Tagging API's GetResources is not KMS), sorted. */
function sentOperations(): string[] {
  return sortedUnique(Object.keys(DEFAULT_KMS_QUOTAS).flatMap((operation) => (operation === 'GetResources' ? [] : [`kms:${operation}`])));
}

/**
 * Administrators of an `Origin: EXTERNAL` key also get the actions for imported material, as the KMS
 * console adds them for such keys ("Permissions for importing key material", KMS Developer Guide).
 */
export const IMPORTED_MATERIAL_ADMINISTRATOR_ACTIONS = kms(
  'DeleteImportedKeyMaterial GetParametersForImport ImportKeyMaterial',
) satisfies readonly KeyResourceAction[];

/** Alias operations: authorised on the alias by IAM (resource `arn:<partition>:kms:*:<account>:alias/*`) and on the key by its key policy. */
export const EXECUTION_ROLE_ALIAS_ACTIONS = kms('CreateAlias DeleteAlias UpdateAlias');

/**
 * Key administrators: AWS's default administrator statement (`kms:Create*`, `Describe*`, `Enable*`,
 * `List*`, `Put*`, `Update*`, `Revoke*`, `Disable*`, `Get*`, `Delete*`, `TagResource`,
 * `UntagResource`, `ScheduleKeyDeletion`, `CancelKeyDeletion`, `RotateKeyOnDemand`) with each
 * wildcard expanded to the key actions it matches today. Left out: actions for imported key material
 * (`GetParametersForImport`, `DeleteImportedKeyMaterial`), except on `Origin: EXTERNAL` keys
 * ({@link IMPORTED_MATERIAL_ADMINISTRATOR_ACTIONS}). None of the wildcards matches a cryptographic action; `kms:CreateGrant`
 * stays, as in AWS's default — an administrator can rewrite the key policy anyway, so administrators
 * are trusted not to grant themselves use.
 */
export const ADMINISTRATOR_ACTIONS = kms(
  'CancelKeyDeletion CreateAlias CreateGrant DeleteAlias DescribeKey DisableKey ' +
    'DisableKeyRotation EnableKey EnableKeyRotation GetKeyPolicy GetKeyRotationStatus ' +
    'GetPublicKey ListGrants ListKeyPolicies ListKeyRotations ListResourceTags PutKeyPolicy ' +
    'RevokeGrant RotateKeyOnDemand ScheduleKeyDeletion TagResource UntagResource UpdateAlias ' +
    'UpdateKeyDescription UpdatePrimaryRegion',
) satisfies readonly KeyResourceAction[];

/** Added for administrators of a multi-Region key, as the KMS console's default policy does. */
export const MULTI_REGION_ADMINISTRATOR_ACTIONS = kms('ReplicateKey') satisfies readonly KeyResourceAction[];

/** The account-root statement of `AllowManageKeyPermissionsWithIam`: IAM policies decide. */
export const ACCOUNT_ROOT_ACTIONS = kms('*');

/** The actions of `CmkAdministratorIamArns` for this key. */
export function administratorActionsOf(multiRegion: boolean, external = false): readonly string[] {
  const base = multiRegion ? [...ADMINISTRATOR_ACTIONS, ...MULTI_REGION_ADMINISTRATOR_ACTIONS].sort() : ADMINISTRATOR_ACTIONS;
  return external ? [...base, ...IMPORTED_MATERIAL_ADMINISTRATOR_ACTIONS].sort() : base;
}

/**
 * The execution role's actions on a key: with its `KeyMaterial` to import, the import actions too,
 * and with `AllowRotation` the rotation actions.
 */
export function executionRoleActionsOf(importsMaterial: boolean, rotatesMaterial = false): readonly string[] {
  if (!importsMaterial) return EXECUTION_ROLE_ACTIONS;
  return [...EXECUTION_ROLE_ACTIONS, ...EXECUTION_ROLE_IMPORT_ACTIONS, ...(rotatesMaterial ? EXECUTION_ROLE_ROTATION_ACTIONS : [])].sort();
}
