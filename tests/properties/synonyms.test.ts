import { CMK_USER_FIELDS, CONDITION_FIELDS, KEY_FIELDS, SERVICE_PRINCIPAL_FIELDS, snakeCaseOf, TOP_LEVEL_FIELDS } from '../../lib/properties/synonyms.ts';

describe('Function: snakeCaseOf', () => {
  it("spells every property as the Terraform module's input does", () => {
    // Act
    const spellings = [...TOP_LEVEL_FIELDS, ...KEY_FIELDS, ...CMK_USER_FIELDS, ...CONDITION_FIELDS, ...SERVICE_PRINCIPAL_FIELDS].map(snakeCaseOf);

    // Assess
    expect([...new Set(spellings)].sort()).toEqual(
      [
        'customer_master_keys',
        'aws_account_id',
        'default_deletion_window_in_days',
        'default_enable_key_rotation',
        'default_customer_master_key_spec',
        'default_rotation_period_in_days',
        'global_tags',
        'opt_in_regions',
        'return_attributes',
        'adopt_existing_keys',
        'dependencies',
        'default_policy_statements',
        'policy_statements',
        'aliases',
        'region',
        'replica_regions',
        'multi_region',
        'cmk_administrator_iam_arns',
        'cmk_user_iam_arns',
        'cmk_read_only_user_iam_arns',
        'cmk_describe_only_user_iam_arns',
        'cmk_external_user_iam_arns',
        'cmk_service_principals',
        'allow_manage_key_permissions_with_iam',
        'deletion_window_in_days',
        'enable_key_rotation',
        'rotation_period_in_days',
        'spec',
        'key_usage',
        'description',
        'enabled',
        'tags',
        'removal_policy',
        'allow_replacement',
        'grants',
        'origin',
        'key_material',
        'custom_key_store_ids',
        'xks_key_ids',
        'name',
        'conditions',
        'test',
        'variable',
        'values',
        'actions',
      ].sort(),
    );
  });
});
