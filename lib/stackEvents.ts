/**
 * The CloudFormation read the request verification needs (lib/request/verification.ts), in domain
 * terms and without SDK types: one page of a stack's events, newest first. `lib/aws/cloudFormation.ts`
 * implements it over `@aws-sdk/client-cloudformation`; tests use fakes or the emulator.
 */

/** One stack event as `DescribeStackEvents` reports it. */
export interface StackEvent {
  logicalResourceId: string;
  /** `''` when CloudFormation has none yet (the `CREATE_IN_PROGRESS` of a new resource). */
  physicalResourceId: string;
  resourceType: string;
  /** `CREATE_IN_PROGRESS`, `UPDATE_COMPLETE`, `DELETE_IN_PROGRESS`, … */
  resourceStatus: string;
}

/** One page of events, newest first; `nextToken` is undefined on the last page. */
export interface StackEventsPage {
  events: StackEvent[];
  nextToken: string | undefined;
}

/** The stack's event history. Rejects with a `CloudFormationApiError` (lib/errors.ts) carrying CloudFormation's code. */
export interface StackEventsApi {
  /** `DescribeStackEvents` of the stack with this unique StackId (also valid for a deleted stack). */
  describeStackEvents(stackId: string, nextToken?: string): Promise<StackEventsPage>;
}
