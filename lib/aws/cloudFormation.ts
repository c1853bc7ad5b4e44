/**
 * `StackEventsApi` over `@aws-sdk/client-cloudformation` (the request verification's one call,
 * `DescribeStackEvents`). The client is made on first use, in the function's own Region: a stack
 * of another Region is refused before any call. The SDK's own retries stay on (the call only
 * reads); endpoints come from the SDK's standard configuration (`AWS_ENDPOINT_URL*`), so the same
 * bundle reads the local emulator's stacks.
 */
import { CloudFormationClient, DescribeStackEventsCommand, type DescribeStackEventsCommandOutput } from '@aws-sdk/client-cloudformation';
import type { StackEventsApi } from '../stackEvents.ts';
import { withoutUserAgent } from './clients.ts';
import { toCloudFormationApiError } from './translateError.ts';

/** A CloudFormation client for `region` (the function's own). */
export function createCloudFormationClient(region: string | undefined): CloudFormationClient {
  return withoutUserAgent(new CloudFormationClient({ region }));
}

/** `DescribeStackEvents` through `client`; errors become `CloudFormationApiError`s with CloudFormation's code. */
export function createStackEventsApi(client: CloudFormationClient): StackEventsApi {
  return {
    async describeStackEvents(stackId, nextToken) {
      let out: DescribeStackEventsCommandOutput;
      try {
        out = await client.send(new DescribeStackEventsCommand({ StackName: stackId, NextToken: nextToken }));
      } catch (error) {
        throw toCloudFormationApiError(error, { action: 'DescribeStackEvents' });
      }
      return {
        events: (out.StackEvents ?? []).map((e) => ({
          logicalResourceId: e.LogicalResourceId ?? '',
          physicalResourceId: e.PhysicalResourceId ?? '',
          resourceType: e.ResourceType ?? '',
          resourceStatus: e.ResourceStatus ?? '',
        })),
        nextToken: out.NextToken || undefined,
      };
    },
  };
}
