/**
 * CloudFormation's checks on a custom resource's answer, plus the Lambda-side rules the product
 * promises (docs/behaviour.md §8): exactly one answer per request, PUT with `content-type: ''`, a JSON body of at
 * most 4,096 bytes, `Status` SUCCESS|FAILED, `Reason` on FAILED, the request's ids echoed, a
 * non-empty PhysicalResourceId of at most 1 KB that never changes on Update or Delete, `Data` a flat
 * map of strings, and a handler that returns normally (a failed asynchronous invocation is retried
 * by Lambda, which would deliver the request again).
 */
import { MAX_RESPONSE_BYTES } from '../../lib/constants.ts';
import type { CustomResourceEvent } from './events.ts';
import type { ChildExit } from './invoke.ts';
import type { ReceivedPut } from './responseServer.ts';

/** CloudFormation's limit on PhysicalResourceId. */
export const MAX_PHYSICAL_RESOURCE_ID_BYTES = 1024;

/** What the answer said, and everything wrong with it. */
export interface CheckedAnswer {
  /** From the first stored answer; null when there is none or it is not a valid response object. */
  status: 'SUCCESS' | 'FAILED' | null;
  reason: string | null;
  physicalResourceId: string | null;
  /** `Data` as sent (its shape is checked, not trusted). */
  data: Record<string, unknown> | null;
  noEcho: boolean;
  violations: string[];
  /** PUTs that were stored (answers CloudFormation would read). */
  putCount: number;
  /** Size of the first stored answer's body. */
  bodyBytes: number | null;
}

/** Checks the PUTs one delivery of `event` produced, and how its invocation ended. */
export function checkAnswer(event: CustomResourceEvent, puts: readonly ReceivedPut[], exit: ChildExit): CheckedAnswer {
  const violations: string[] = [];
  const stored = puts.filter((p) => p.accepted);
  for (const put of puts) {
    if (!put.accepted && put.rejection !== undefined && !put.rejection.startsWith('injected fault')) violations.push(`PUT rejected: ${put.rejection}`);
  }
  violations.push(...exitViolations(exit, stored.length > 0));
  if (stored.length === 0) {
    violations.push(`no answer: the invocation ended (${exit.outcome}) without a stored PUT to the ResponseURL`);
    return { status: null, reason: null, physicalResourceId: null, data: null, noEcho: false, violations, putCount: 0, bodyBytes: null };
  }
  if (stored.length > 1) {
    violations.push(`answered ${stored.length} times: one request must get exactly one answer`);
    if (new Set(stored.map((p) => p.body)).size > 1) violations.push('the answers to the same request disagree');
  }
  for (const put of stored) {
    const contentType = put.headers['content-type'];
    if (contentType !== undefined && contentType !== '') {
      violations.push(`content-type must be '' for the presigned S3 URL, got "${contentType}"`);
      break;
    }
  }
  const first = stored[0]!;
  return { ...checkBody(event, first.body, first.bodyBytes, violations), violations, putCount: stored.length, bodyBytes: first.bodyBytes };
}

function exitViolations(exit: ChildExit, answered: boolean): string[] {
  switch (exit.outcome) {
    case 'returned':
      return [];
    case 'threw':
      return [`the handler threw (${exit.error})${answered ? ' after answering' : ''}: Lambda retries a failed asynchronous invocation`];
    case 'timeout':
      return [`the function timed out (${exit.error}) and was killed`];
    case 'crashed':
      return [`the function process died (${exit.error})`];
    case 'initError':
      return [`the function failed to initialise (${exit.error})`];
  }
}

type BodyFields = Omit<CheckedAnswer, 'violations' | 'putCount' | 'bodyBytes'>;

function checkBody(event: CustomResourceEvent, body: string, bytes: number, violations: string[]): BodyFields {
  const none: BodyFields = { status: null, reason: null, physicalResourceId: null, data: null, noEcho: false };
  if (bytes > MAX_RESPONSE_BYTES)
    violations.push(`body is ${bytes} bytes: CloudFormation refuses more than ${MAX_RESPONSE_BYTES} ("Response object is too long")`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    violations.push(`body is not JSON (${(error as Error).message})`);
    return none;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    violations.push('body is not a JSON object');
    return none;
  }
  const answer = parsed as Record<string, unknown>;
  const status = answer.Status === 'SUCCESS' || answer.Status === 'FAILED' ? answer.Status : null;
  if (status === null) violations.push(`Status must be SUCCESS or FAILED, got ${JSON.stringify(answer.Status)}`);
  const reason = typeof answer.Reason === 'string' ? answer.Reason : null;
  if (answer.Reason !== undefined && reason === null) violations.push('Reason must be a string');
  if (status === 'FAILED' && (reason === null || reason === '')) violations.push('Reason is required when Status is FAILED');
  for (const field of ['StackId', 'RequestId', 'LogicalResourceId'] as const) {
    if (answer[field] !== event[field])
      violations.push(`${field} must echo the request's (${JSON.stringify(event[field])}), got ${JSON.stringify(answer[field])}`);
  }
  const physicalResourceId = checkPhysicalResourceId(event, answer.PhysicalResourceId, violations);
  if (answer.NoEcho !== undefined && typeof answer.NoEcho !== 'boolean') violations.push('NoEcho must be a boolean');
  const data = checkData(answer.Data, violations);
  if (bytes > MAX_RESPONSE_BYTES || status === null) return { ...none, physicalResourceId, data };
  return { status, reason, physicalResourceId, data, noEcho: answer.NoEcho === true };
}

function checkPhysicalResourceId(event: CustomResourceEvent, value: unknown, violations: string[]): string | null {
  if (typeof value !== 'string' || value === '') {
    violations.push('PhysicalResourceId must be a non-empty string');
    return null;
  }
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_PHYSICAL_RESOURCE_ID_BYTES) violations.push(`PhysicalResourceId is ${bytes} bytes (CloudFormation's limit is 1 KB)`);
  if (event.PhysicalResourceId !== undefined && value !== event.PhysicalResourceId) {
    // CloudFormation would take a changed id on Update as a replacement and Delete the old one.
    violations.push(`PhysicalResourceId changed on ${event.RequestType}: the request had "${event.PhysicalResourceId}", the answer "${value}"`);
  }
  return value;
}

function checkData(value: unknown, violations: string[]): Record<string, unknown> | null {
  if (value === undefined) return null;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    violations.push('Data must be a map');
    return null;
  }
  const data = value as Record<string, unknown>;
  const notStrings = Object.entries(data).filter(([, v]) => typeof v !== 'string');
  if (notStrings.length > 0) {
    violations.push(
      `Data must be a flat map of strings: ${notStrings.map(([k, v]) => `Data.${k} is ${Array.isArray(v) ? 'a list' : v === null ? 'null' : typeof v}`).join(', ')}`,
    );
  }
  return data;
}
