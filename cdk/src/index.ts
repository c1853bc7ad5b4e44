/**
 * multi-region-kms-keys-cdk: the `Custom::MultiRegionKmsKeys` resource for the AWS CDK (v2), with
 * the function bundle it runs (docs/cdk.md).
 */
export type {
  CmkUserProps,
  CustomerMasterKeyProps,
  GrantConstraintsProps,
  KeyGrantProps,
  MultiRegionKmsKeysProperties,
  PolicyConditionProps,
  PolicyStatementJson,
  ServicePrincipalProps,
} from './generated/props.ts';
export { type GrantOptions, MultiRegionKmsKeys, type MultiRegionKmsKeysProps } from './multiRegionKmsKeys.ts';
export { type IMultiRegionKmsKeysProvider, MultiRegionKmsKeysProvider, type MultiRegionKmsKeysProviderProps } from './provider.ts';
