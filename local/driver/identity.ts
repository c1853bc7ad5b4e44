/**
 * The account, Region and names the driver plays CloudFormation and Lambda with, and the ARNs built
 * from them. Everything is deterministic from the inputs, so two runs of a scenario send the same
 * StackId and the product derives the same PhysicalResourceId.
 */

import { createHash } from 'node:crypto';
import { partitionOf } from '../../lib/regions.ts';

/** Who and where the simulated stack and function live. */
export interface Identity {
  accountId: string;
  region: string;
  stackName: string;
}

/** Defaults: the account of the reference configuration (`/work/shared/examples`). */
export const DEFAULT_IDENTITY: Identity = {
  accountId: '111122223333',
  region: 'us-east-1',
  stackName: 'multi-region-kms-keys-local',
};

/** The execution role's name; its ARN reaches the function as `EXECUTION_ROLE_ARN`. */
export const EXECUTION_ROLE_NAME = 'multi-region-kms-keys-function';

/** The partition of a Region, as `AWS::Partition` resolves it: the product's own rule. */
export { partitionOf };

/** `AWS::URLSuffix`: the domain suffix of the Region's partition. */
export function urlSuffixOf(region: string): string {
  return partitionOf(region) === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
}

/** A UUID-shaped value derived from `seed`, for ids that must be stable across runs. */
export function stableUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** `arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<uuid>`, stable per identity. */
export function stackIdOf(identity: Identity): string {
  const uuid = stableUuid(`${identity.accountId}/${identity.region}/${identity.stackName}`);
  return `arn:${partitionOf(identity.region)}:cloudformation:${identity.region}:${identity.accountId}:stack/${identity.stackName}/${uuid}`;
}

/**
 * The name CloudFormation gives a function resource without `FunctionName`:
 * `<stack>-<logicalId>-<12 characters>`, here derived from the inputs instead of random.
 */
export function generatedFunctionName(stackName: string, logicalId: string): string {
  const suffix = createHash('sha256').update(`${stackName}/${logicalId}`).digest('base64url').replace(/[-_]/g, 'x').slice(0, 12);
  return `${stackName}-${logicalId}-${suffix}`.slice(0, 64);
}

/** `arn:<partition>:lambda:<region>:<account>:function:<name>`. */
export function functionArnOf(identity: Identity, functionName: string): string {
  return `arn:${partitionOf(identity.region)}:lambda:${identity.region}:${identity.accountId}:function:${functionName}`;
}

/** The function name inside a Lambda function ARN (the ServiceToken), or the input if it is not one. */
export function functionNameOfArn(arn: string): string {
  const match = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(arn);
  return match?.[1] ?? arn;
}

/** The execution role ARN handed to the function as `EXECUTION_ROLE_ARN`. */
export function executionRoleArnOf(identity: Identity): string {
  return `arn:${partitionOf(identity.region)}:iam::${identity.accountId}:role/${EXECUTION_ROLE_NAME}`;
}
