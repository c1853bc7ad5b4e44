/**
 * The `ResourceContext` the function derives in the driver's account and Region for a resolved
 * resource (the handler reads it from the Lambda context and environment), for the preview's own
 * computations with the product's rules.
 */
import { partitionOf } from '../../lib/regions.ts';
import type { ResourceContext } from '../../lib/types.ts';
import { executionRoleArnOf, type ResolvedResource } from '../driver/index.ts';

export function contextOf(resolved: ResolvedResource): ResourceContext {
  const { identity } = resolved;
  return {
    stackId: resolved.stackId,
    stackName: identity.stackName,
    logicalResourceId: resolved.logicalResourceId,
    accountId: identity.accountId,
    partition: partitionOf(identity.region),
    region: identity.region,
    executionRoleArn: executionRoleArnOf(identity),
  };
}
