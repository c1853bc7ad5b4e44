/**
 * The gate every request passes before anything else runs (docs/iam.md "Who can use the function"):
 * first the `ResponseURL` (lib/request/responseUrl.ts), then CloudFormation's confirmation that the
 * request is real (lib/request/verification.ts). A refused request changes nothing; it is answered
 * FAILED only where the ResponseURL is CloudFormation's own.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { FunctionConfig } from '../config.ts';
import { partitionOf } from '../regions.ts';
import type { StackEventsApi } from '../stackEvents.ts';
import { checkResponseUrl } from './responseUrl.ts';
import { type RequestClaim, verifyRequest } from './verification.ts';

export type GateResult =
  | { admitted: true; verification: 'on' | 'off' }
  /** `answer`: whether a FAILED answer may go to the ResponseURL. */
  | { admitted: false; reason: string; responseHost: string; answer: boolean };

export interface GateInput {
  config: Pick<FunctionConfig, 'region' | 'requestVerification' | 'trustedResponseHosts'>;
  /** The account of the invoked function (its ARN's fifth field). */
  accountId: string;
  /** Made only when verification is on (so harnesses without CloudFormation never build a client). */
  stackEvents: () => StackEventsApi;
  sleep?: (ms: number) => Promise<void>;
  retryDelaysMs?: readonly number[];
}

/** The claim of `event`, as CloudFormation would have sent it. */
export function claimOf(event: CloudFormationCustomResourceEvent): RequestClaim {
  return {
    requestType: event.RequestType,
    stackId: event.StackId,
    logicalResourceId: event.LogicalResourceId,
    resourceType: event.ResourceType,
    physicalResourceId: event.RequestType === 'Create' ? undefined : event.PhysicalResourceId,
  };
}

/** Checks the ResponseURL, then (unless `REQUEST_VERIFICATION=off`) the request with CloudFormation. Never throws. */
export async function gateRequest(event: CloudFormationCustomResourceEvent, input: GateInput): Promise<GateResult> {
  const region = input.config.region ?? '';
  const partition = partitionOf(region);
  const url = checkResponseUrl(event.ResponseURL, { partition, region, trustedHosts: input.config.trustedResponseHosts });
  if (!url.trusted) return { admitted: false, reason: url.reason, responseHost: url.host, answer: false };
  if (!input.config.requestVerification) return { admitted: true, verification: 'off' };
  if (region === '') return { admitted: false, reason: "AWS_REGION is not set: the function's Region is unknown", responseHost: url.host, answer: true };
  try {
    const verdict = await verifyRequest(claimOf(event), {
      stackEvents: input.stackEvents(),
      accountId: input.accountId,
      partition,
      region,
      sleep: input.sleep,
      retryDelaysMs: input.retryDelaysMs,
    });
    if (verdict.verified) return { admitted: true, verification: 'on' };
    return { admitted: false, reason: verdict.reason, responseHost: url.host, answer: true };
  } catch (error) {
    // Anything unexpected (a bug, a client that cannot be made) is a refusal: fail closed.
    const why = error instanceof Error ? error.message : String(error);
    return { admitted: false, reason: `the request could not be verified (${why})`, responseHost: url.host, answer: true };
  }
}
