/**
 * Only CloudFormation gets in (docs/behaviour.md §8, DESIGN.md "Request verification"): before any
 * KMS call the function checks with CloudFormation itself that the request is one it is carrying
 * out right now.
 *
 * 1. The `StackId` must be a stack ARN of the function's own partition, Region and account; any
 *    other is refused without a call.
 * 2. The stack's events (`DescribeStackEvents`, newest first) must show, as the newest event of this
 *    logical resource (same `ResourceType`; for Update and Delete also the same physical id), the
 *    `*_IN_PROGRESS` status of the request type: CloudFormation logs it when it begins the
 *    operation and a `*_COMPLETE` or `*_FAILED` once it has read the answer. This holds for every
 *    legitimate request: Create, Update, the rollback Update, the Delete after a failed Create, the
 *    Delete of an old physical id in `UPDATE_COMPLETE_CLEANUP_IN_PROGRESS`, stack deletion, nested
 *    stacks and StackSets instances (stacks of their own account) and a renamed logical ID (a Create
 *    of the new ID, later a Delete of the old one).
 * 3. Events may lag the invocation: a request not (yet) confirmed is read again after 1, 2 and 4 s
 *    before it is refused. A stack CloudFormation does not know, or a role that may not read it, is
 *    refused at once.
 */
import { CloudFormationApiError } from '../errors.ts';
import type { StackEvent, StackEventsApi } from '../stackEvents.ts';

export type RequestType = 'Create' | 'Update' | 'Delete';

/** What the event claims. */
export interface RequestClaim {
  requestType: RequestType;
  stackId: string;
  logicalResourceId: string;
  resourceType: string;
  /** Update and Delete: the id CloudFormation holds. */
  physicalResourceId: string | undefined;
}

export interface VerificationContext {
  stackEvents: StackEventsApi;
  accountId: string;
  partition: string;
  /** The function's own Region. */
  region: string;
  sleep?: (ms: number) => Promise<void>;
  /** Waits before each further read; default `RETRY_DELAYS_MS`. */
  retryDelaysMs?: readonly number[];
}

export type Verdict = { verified: true } | { verified: false; reason: string };

/** Waits between reads of the events while CloudFormation's log may lag the invocation (7 s in all). */
export const RETRY_DELAYS_MS = [1_000, 2_000, 4_000] as const;

/** Pages of events read at most per attempt (CloudFormation pages by size, ~100 events a page). */
export const MAX_EVENT_PAGES = 10;

const IN_PROGRESS: Record<RequestType, string> = { Create: 'CREATE_IN_PROGRESS', Update: 'UPDATE_IN_PROGRESS', Delete: 'DELETE_IN_PROGRESS' };

// The stack name (a letter, then letters, digits and hyphens, at most 128) and its unique id (a UUID
// in AWS; any name-like text is let through: DescribeStackEvents decides whether it exists).
const STACK_ARN = /^arn:([a-z-]+):cloudformation:([a-z0-9-]+):(\d{12}):stack\/([A-Za-z][A-Za-z0-9-]{0,127})\/([A-Za-z0-9-]{1,128})$/;

/** Why the StackId is not a stack of this account, partition and Region; null when it is. */
export function foreignStackReason(stackId: string, context: Pick<VerificationContext, 'accountId' | 'partition' | 'region'>): string | null {
  const match = STACK_ARN.exec(stackId);
  if (match === null) return `the StackId ${JSON.stringify(stackId)} is not a CloudFormation stack ARN`;
  const [, partition, region, accountId] = match;
  if (partition !== context.partition || region !== context.region || accountId !== context.accountId) {
    return `the StackId names a stack of ${partition}/${region}/${accountId}, not of this function's ${context.partition}/${context.region}/${context.accountId}`;
  }
  return null;
}

/** The newest event of the claimed resource within `MAX_EVENT_PAGES`, or null. */
async function newestEventOf(api: StackEventsApi, claim: RequestClaim): Promise<StackEvent | null> {
  const matches = (e: StackEvent): boolean =>
    e.logicalResourceId === claim.logicalResourceId &&
    e.resourceType === claim.resourceType &&
    (claim.requestType === 'Create' || e.physicalResourceId === claim.physicalResourceId);
  let token: string | undefined;
  for (let page = 0; page < MAX_EVENT_PAGES; page++) {
    const { events, nextToken } = await api.describeStackEvents(claim.stackId, token);
    const hit = events.find(matches);
    if (hit !== undefined) return hit;
    if (nextToken === undefined) return null;
    token = nextToken;
  }
  return null;
}

function describeResource(claim: RequestClaim): string {
  const id = claim.requestType === 'Create' ? '' : ` (${claim.physicalResourceId ?? ''})`;
  return `${claim.logicalResourceId}${id}`;
}

/** One read: verified, refused for good (`final`), or not confirmed yet. */
async function attempt(context: VerificationContext, claim: RequestClaim): Promise<Verdict & { final: boolean }> {
  const verb = { Create: 'creating', Update: 'updating', Delete: 'deleting' }[claim.requestType];
  try {
    const event = await newestEventOf(context.stackEvents, claim);
    if (event?.resourceStatus === IN_PROGRESS[claim.requestType]) return { verified: true, final: true };
    const seen = event === null ? 'it has no event for it' : `its latest event for it is ${event.resourceStatus}`;
    return { verified: false, final: false, reason: `CloudFormation is not ${verb} ${describeResource(claim)} of this stack now: ${seen}` };
  } catch (error) {
    if (!(error instanceof CloudFormationApiError)) throw error;
    if (error.code === 'ValidationError') return { verified: false, final: true, reason: `CloudFormation knows no such stack (${error.message})` };
    if (/AccessDenied/.test(error.code)) {
      return {
        verified: false,
        final: true,
        reason: `the function may not read the stack's events (${error.code}); its role needs cloudformation:DescribeStackEvents (update the function's stack)`,
      };
    }
    return { verified: false, final: !error.retryable, reason: `the stack's events could not be read (${error.message})` };
  }
}

/** Only a custom resource's events can confirm a custom resource request (not another resource's under that logical ID). */
const CUSTOM_RESOURCE_TYPE = /^(Custom::[A-Za-z0-9_@-]{1,60}|AWS::CloudFormation::CustomResource)$/;

/** Verifies `claim`; never throws for a CloudFormation error (each is a refusal: fail closed). */
export async function verifyRequest(claim: RequestClaim, context: VerificationContext): Promise<Verdict> {
  const foreign = foreignStackReason(claim.stackId, context);
  if (foreign !== null) return { verified: false, reason: foreign };
  if (!CUSTOM_RESOURCE_TYPE.test(String(claim.resourceType))) {
    return { verified: false, reason: `the ResourceType ${JSON.stringify(claim.resourceType)} is not a custom resource type` };
  }
  const sleep = context.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const delays = context.retryDelaysMs ?? RETRY_DELAYS_MS;
  let last = await attempt(context, claim);
  for (const delay of delays) {
    if (last.final) break;
    await sleep(delay);
    last = await attempt(context, claim);
  }
  return last.verified ? { verified: true } : { verified: false, reason: last.reason };
}
