/**
 * CloudFormation's read of a stack's events, for the request verification of the function
 * (`DescribeStackEvents`, AWS Query protocol: a form-encoded `POST /`, XML out). The stacks and
 * their events are those the local driver registers through `POST /__emulator/stack-events` as it
 * plays CloudFormation; nothing here knows the product.
 *
 * From CloudFormation's API reference (DescribeStackEvents): events come newest first; `StackName`
 * is a stack name (running stacks) or a unique StackId (also deleted stacks); a `NextToken` marks a
 * further page. A stack that does not exist is a `ValidationError` ("Stack with id … does not
 * exist"). Guesses (README): 100 events a page (AWS pages by 1 MB), no quota modelled.
 */
import { randomUUID } from 'node:crypto';
import { authorise } from './authorisation.ts';
import { KmsFault } from './errors.ts';
import { authorisationOn } from './realism.ts';
import type { EmulatorStack, EmulatorState } from './state.ts';

/** CloudFormation's XML namespace (API version 2010-05-15). */
const XMLNS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
/** Events per page (a guess: CloudFormation pages by response size). */
export const STACK_EVENTS_PAGE_SIZE = 100;

const STACK_ARN = /^arn:([a-z-]+):cloudformation:([a-z0-9-]+):(\d{12}):stack\/([A-Za-z][A-Za-z0-9-]*)\/[A-Za-z0-9-]+$/;

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function element(name: string, value: string | undefined): string {
  return value === undefined ? '' : `<${name}>${xmlEscape(value)}</${name}>`;
}

/** The stack `name` (a StackId, or the name of a stack that is not deleted) designates in `region`. */
function findStack(state: EmulatorState, region: string, name: string): EmulatorStack | undefined {
  const match = STACK_ARN.exec(name);
  if (match !== null) {
    const [, , stackRegion, accountId] = match;
    return stackRegion === region && accountId === state.accountId ? state.stacks.get(name) : undefined;
  }
  // By name: the newest stack of that name in the Region (deleted stacks are reachable only by id).
  return [...state.stacks.values()].reverse().find((s) => s.stackName === name && STACK_ARN.exec(s.stackId)?.[2] === region);
}

function pageOf(stack: EmulatorStack, token: string | undefined): { events: EmulatorStack['events']; nextToken?: string } {
  const newestFirst = [...stack.events].reverse();
  let offset = 0;
  if (token !== undefined) {
    const match = /^events:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'));
    if (match === null) throw new KmsFault('ValidationError', 'Invalid NextToken');
    offset = Number(match[1]);
  }
  const events = newestFirst.slice(offset, offset + STACK_EVENTS_PAGE_SIZE);
  const next = offset + STACK_EVENTS_PAGE_SIZE;
  return next < newestFirst.length ? { events, nextToken: Buffer.from(`events:${next}`, 'utf8').toString('base64') } : { events };
}

/** `DescribeStackEvents` in `region` → the XML body. */
export async function describeStackEvents(state: EmulatorState, region: string, params: URLSearchParams): Promise<string> {
  const name = params.get('StackName');
  if (name === null || name === '') throw new KmsFault('ValidationError', 'StackName is required');
  const stack = findStack(state, region, name);
  if (authorisationOn(state.config)) {
    const resource = stack?.stackId ?? (STACK_ARN.test(name) ? name : `arn:aws:cloudformation:${region}:${state.accountId}:stack/${name}/*`);
    await authorise(state, [{ action: 'cloudformation:DescribeStackEvents', region, resource, keyPolicy: null, context: {} }]);
  }
  if (stack === undefined) throw new KmsFault('ValidationError', `Stack with id ${name} does not exist`);
  const page = pageOf(stack, params.get('NextToken') ?? undefined);
  const members = page.events
    .map(
      (e) =>
        `<member>${element('EventId', e.eventId)}${element('StackId', stack.stackId)}${element('StackName', stack.stackName)}${element('LogicalResourceId', e.logicalResourceId)}${element('PhysicalResourceId', e.physicalResourceId)}${element('ResourceType', e.resourceType)}${element('Timestamp', new Date(e.timestamp).toISOString())}${element('ResourceStatus', e.resourceStatus)}${element('ResourceStatusReason', e.resourceStatusReason)}</member>`,
    )
    .join('');
  return `<DescribeStackEventsResponse xmlns="${XMLNS}"><DescribeStackEventsResult><StackEvents>${members}</StackEvents>${element('NextToken', page.nextToken)}</DescribeStackEventsResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></DescribeStackEventsResponse>`;
}

/** An AWS Query error body; KMS-style codes the shared code raises become CloudFormation's. */
export function queryErrorBody(fault: KmsFault): { status: number; body: string } {
  const code = fault.code === 'AccessDeniedException' ? 'AccessDenied' : fault.code === 'KMSInternalException' ? 'InternalFailure' : fault.code;
  const type = fault.status >= 500 ? 'Receiver' : 'Sender';
  return {
    status: code === 'AccessDenied' ? 403 : fault.status,
    body: `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${type}</Type><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(fault.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  };
}

/** One event as the control API receives it. */
export interface StackEventInput {
  logicalResourceId: string;
  physicalResourceId?: string;
  resourceType: string;
  resourceStatus: string;
  resourceStatusReason?: string;
}

const RESOURCE_STATUS =
  /^(CREATE|UPDATE|DELETE|IMPORT|ROLLBACK|UPDATE_ROLLBACK|IMPORT_ROLLBACK|REVIEW)(_COMPLETE_CLEANUP)?_(IN_PROGRESS|COMPLETE|FAILED)$|^DELETE_SKIPPED$/;

/** Appends `events` (oldest first) to the stack `stackId`, registering the stack on first use. Throws a message on bad input. */
export function recordStackEvents(state: EmulatorState, stackId: string, events: StackEventInput[]): number {
  const match = STACK_ARN.exec(stackId);
  if (match === null) throw new Error('stackId must be a stack ARN (arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<id>)');
  let stack = state.stacks.get(stackId);
  if (stack === undefined) {
    stack = { stackId, stackName: match[4]!, events: [] };
    state.stacks.set(stackId, stack);
  }
  for (const e of events) {
    if (typeof e.logicalResourceId !== 'string' || e.logicalResourceId === '') throw new Error('each event needs a logicalResourceId');
    if (typeof e.resourceType !== 'string' || e.resourceType === '') throw new Error('each event needs a resourceType');
    if (typeof e.resourceStatus !== 'string' || !RESOURCE_STATUS.test(e.resourceStatus)) throw new Error(`unknown resourceStatus ${String(e.resourceStatus)}`);
    stack.events.push({
      eventId: randomUUID(),
      logicalResourceId: e.logicalResourceId,
      physicalResourceId: typeof e.physicalResourceId === 'string' ? e.physicalResourceId : '',
      resourceType: e.resourceType,
      resourceStatus: e.resourceStatus,
      ...(typeof e.resourceStatusReason === 'string' ? { resourceStatusReason: e.resourceStatusReason } : {}),
      timestamp: state.now(),
    });
  }
  return stack.events.length;
}
