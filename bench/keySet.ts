/**
 * The key sets the bench measures, as `ResourceProperties` for the product and as a `BenchKeySet`
 * for the sequential baseline: K per-Region keys (`Region` absent → one independent key in every
 * enabled Region) plus one multi-Region key with `ReplicaRegions: ["*"]`, each key with one grant
 * (made in every Region of the key: grants are per key and Region).
 */
import type { BenchKeySet } from './sequential.ts';

export interface KeySetShape {
  /** Per-Region keys. */
  perRegionKeys: number;
  /** Every enabled Region of the emulator's account. */
  regions: readonly string[];
  /** Primary Region of the multi-Region key; none when absent. */
  multiRegionPrimary?: string;
  accountId: string;
  /** The function's execution role (the emulator's caller), which must be able to manage the keys. */
  executionRoleArn: string;
  /** An IAM role named as key administrator (must be registered in the emulator). */
  adminRoleArn: string;
  /** `ReturnAttributes`: narrow enough that the answer fits 4,096 bytes. */
  returnAttributes: string[];
}

export const MULTI_REGION_KEY_NAME = 'bench-mrk';

/** The grant every key of the set carries (grantee: the administrator role, which the emulator knows). */
export const BENCH_GRANT = { name: 'bench-grant', operations: ['Decrypt', 'DescribeKey'] } as const;

function grantsOf(shape: KeySetShape): Record<string, unknown> {
  return { [BENCH_GRANT.name]: { GranteePrincipal: shape.adminRoleArn, GrantedOperations: [...BENCH_GRANT.operations] } };
}

export function perRegionKeyNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `bench-key-${String(i).padStart(2, '0')}`);
}

/** Key instances the set makes: K per Region, plus the multi-Region primary and its replicas. */
export function keyInstances(shape: KeySetShape): number {
  return shape.perRegionKeys * shape.regions.length + (shape.multiRegionPrimary === undefined ? 0 : shape.regions.length);
}

/** The `ResourceProperties` of the set (before CloudFormation's stringification, which the driver does). */
export function resourceProperties(shape: KeySetShape): Record<string, unknown> {
  const common = { CmkAdministratorIamArns: [shape.adminRoleArn], Grants: grantsOf(shape) };
  const keys: Record<string, unknown> = {};
  for (const name of perRegionKeyNames(shape.perRegionKeys)) keys[name] = { ...common };
  if (shape.multiRegionPrimary !== undefined) keys[MULTI_REGION_KEY_NAME] = { ...common, Region: shape.multiRegionPrimary, ReplicaRegions: ['*'] };
  return {
    AwsAccountId: shape.accountId,
    GlobalTags: { CostCenter: 'bench' },
    CustomerMasterKeys: keys,
    ReturnAttributes: shape.returnAttributes,
  };
}

/**
 * A policy of the same shape the product writes (account root, execution role, administrator), so
 * the baseline sends requests of similar size and passes the lockout check.
 */
function baselinePolicy(shape: KeySetShape): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ExecutionRole', Effect: 'Allow', Principal: { AWS: shape.executionRoleArn }, Action: 'kms:*', Resource: '*' },
      {
        Sid: 'Administrators',
        Effect: 'Allow',
        Principal: { AWS: shape.adminRoleArn },
        Action: [
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
          'kms:TagResource',
          'kms:UntagResource',
          'kms:ScheduleKeyDeletion',
          'kms:CancelKeyDeletion',
        ],
        Resource: '*',
      },
    ],
  });
}

/** The same set for `bench/sequential.ts`. */
export function baselineKeySet(shape: KeySetShape): BenchKeySet {
  const primary = shape.multiRegionPrimary ?? shape.regions[0]!;
  return {
    perRegionKeys: perRegionKeyNames(shape.perRegionKeys),
    regions: [...shape.regions],
    multiRegionKey: { name: MULTI_REGION_KEY_NAME, primaryRegion: primary, replicaRegions: shape.regions.filter((r) => r !== primary) },
    policy: baselinePolicy(shape),
    grant: { granteePrincipal: shape.adminRoleArn, operations: [...BENCH_GRANT.operations] },
  };
}
