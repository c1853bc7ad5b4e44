import {
  ADMINISTRATOR_ACTIONS,
  administratorActionsOf,
  CRYPTOGRAPHIC_ACTIONS,
  EXECUTION_ROLE_ACTIONS,
  KEY_RESOURCE_ACTIONS,
  KEY_USE_ACTIONS,
  keyActionsMatching,
  MANAGEMENT_ACTIONS,
  READ_ONLY_USER_ACTIONS,
  USER_ACTIONS,
} from '../../lib/policy/index.ts';

function expand(patterns: string[]): string[] {
  return [...new Set(patterns.flatMap(keyActionsMatching))].sort();
}

function isSorted(list: readonly string[]): boolean {
  return list.every((value, index) => index === 0 || list[index - 1]! < value);
}

describe('Constant: EXECUTION_ROLE_ACTIONS', () => {
  it('is exactly the management calls the product makes on a key', () => {
    // Assess
    expect([...EXECUTION_ROLE_ACTIONS]).toEqual(
      [
        'kms:DescribeKey',
        'kms:GetKeyPolicy',
        'kms:PutKeyPolicy',
        'kms:GetKeyRotationStatus',
        'kms:EnableKeyRotation',
        'kms:DisableKeyRotation',
        'kms:ListResourceTags',
        'kms:TagResource',
        'kms:UntagResource',
        'kms:UpdateKeyDescription',
        'kms:EnableKey',
        'kms:DisableKey',
        'kms:ScheduleKeyDeletion',
        'kms:CancelKeyDeletion',
        'kms:ReplicateKey',
        'kms:UpdatePrimaryRegion',
        'kms:CreateAlias',
        'kms:UpdateAlias',
        'kms:DeleteAlias',
        'kms:CreateGrant',
        'kms:ListGrants',
        'kms:RevokeGrant',
      ].sort(),
    );
    expect(EXECUTION_ROLE_ACTIONS.filter((action) => (CRYPTOGRAPHIC_ACTIONS as readonly string[]).includes(action))).toEqual([]);
  });
});

describe('Constant: ADMINISTRATOR_ACTIONS', () => {
  it("is AWS's default administrator statement expanded, without imported key material", () => {
    // Prepare
    const awsDefault = [
      'kms:Create*',
      'kms:Describe*',
      'kms:Enable*',
      'kms:List*',
      'kms:Put*',
      'kms:Update*',
      'kms:Revoke*',
      'kms:Disable*',
      'kms:Get*',
      'kms:Delete*',
    ];
    const named = ['kms:TagResource', 'kms:UntagResource', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion', 'kms:RotateKeyOnDemand'];

    // Act
    const expanded = expand([...awsDefault, ...named]).filter((a) => a !== 'kms:GetParametersForImport' && a !== 'kms:DeleteImportedKeyMaterial');

    // Assess
    expect([...ADMINISTRATOR_ACTIONS]).toEqual(expanded);
    expect(administratorActionsOf(true)).toEqual([...expanded, 'kms:ReplicateKey'].sort());
  });
});

describe('Constant: USER_ACTIONS', () => {
  it("expands AWS's default user statement for symmetric encryption keys", () => {
    // Assess
    expect([...USER_ACTIONS.SYMMETRIC_ENCRYPT_DECRYPT]).toEqual(
      expand(['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey']),
    );
  });

  it('gives read-only users a subset of what users get', () => {
    for (const [family, actions] of Object.entries(READ_ONLY_USER_ACTIONS)) {
      const users: readonly string[] = USER_ACTIONS[family as keyof typeof USER_ACTIONS];
      expect(actions.filter((action) => !users.includes(action))).toEqual([]);
    }
  });
});

describe('Constant: MANAGEMENT_ACTIONS', () => {
  it('splits the key actions with KEY_USE_ACTIONS, and every list is sorted', () => {
    // Assess
    expect([...MANAGEMENT_ACTIONS, ...KEY_USE_ACTIONS].sort()).toEqual([...KEY_RESOURCE_ACTIONS]);
    for (const list of [
      KEY_RESOURCE_ACTIONS,
      MANAGEMENT_ACTIONS,
      EXECUTION_ROLE_ACTIONS,
      ADMINISTRATOR_ACTIONS,
      CRYPTOGRAPHIC_ACTIONS,
      ...Object.values(USER_ACTIONS),
    ]) {
      expect(isSorted(list)).toBe(true);
    }
  });
});

describe('Function: keyActionsMatching', () => {
  it('matches IAM wildcards case-insensitively and ignores IAM-only actions', () => {
    // Assess
    expect(keyActionsMatching('kms:ReEncrypt*')).toEqual(['kms:ReEncryptFrom', 'kms:ReEncryptTo']);
    expect(keyActionsMatching('KMS:describe*')).toEqual(['kms:DescribeKey']);
    expect(keyActionsMatching('kms:?ign')).toEqual(['kms:Sign']);
    expect(keyActionsMatching('kms:CreateKey')).toEqual([]);
    expect(keyActionsMatching('*')).toEqual([...KEY_RESOURCE_ACTIONS]);
  });
});
