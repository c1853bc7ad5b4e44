/**
 * A CloudFormation stand-in for handler tests: `simulateEvent` builds custom-resource events, a
 * loopback server plays the pre-signed ResponseURL and records every PUT, `lambdaContext` gives a
 * Lambda-like context, and `expectCloudFormationSuccess/Failed` check the answer the way
 * CloudFormation reads it.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';

export const ACCOUNT_ID = '111122223333';
export const STACK_ID = `arn:aws:cloudformation:us-east-1:${ACCOUNT_ID}:stack/baseline/5b7e6f10-1c2d-11ef-9e3a-0a1b2c3d4e5f`;
export const FUNCTION_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:multi-region-kms-keys`;
export const EXECUTION_ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/multi-region-kms-keys-function`;

/** One PUT as CloudFormation's S3 bucket would receive it. */
export interface ReceivedResponse {
  /** The request id the ResponseURL was made for. */
  requestId: string;
  headers: IncomingHttpHeaders;
  raw: string;
  bytes: number;
  body: {
    Status: 'SUCCESS' | 'FAILED';
    Reason?: string;
    PhysicalResourceId: string;
    StackId: string;
    RequestId: string;
    LogicalResourceId: string;
    NoEcho?: boolean;
    Data?: Record<string, string>;
  };
}

export interface ResponseServer {
  /** A pre-signed-looking ResponseURL for `requestId` (its query is the secret that must never be logged). */
  urlFor(requestId: string): string;
  /** Every PUT received for `requestId`, in order. */
  responsesFor(requestId: string): ReceivedResponse[];
  close(): Promise<void>;
}

export const RESPONSE_URL_SECRET = 'X-Amz-Signature=0123456789abcdef-secret';

/** Starts the ResponseURL server on an ephemeral loopback port. */
export async function startResponseServer(): Promise<ResponseServer> {
  const received: ReceivedResponse[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const requestId = decodeURIComponent((req.url ?? '').split('?')[0]!.split('/').pop() ?? '');
      let body: ReceivedResponse['body'];
      try {
        body = JSON.parse(raw);
      } catch {
        res.writeHead(400).end();
        return;
      }
      received.push({ requestId, headers: req.headers, raw, bytes: Buffer.byteLength(raw), body });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    urlFor: (requestId) => `http://127.0.0.1:${port}/cfn-responses/${encodeURIComponent(requestId)}?${RESPONSE_URL_SECRET}`,
    responsesFor: (requestId) => received.filter((r) => r.requestId === requestId),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let requestCounter = 0;

export interface SimulateEventInput {
  requestType: 'Create' | 'Update' | 'Delete';
  /** Without ServiceToken: it is added as CloudFormation does. */
  properties: unknown;
  oldProperties?: unknown;
  physicalResourceId?: string;
  responseServer: ResponseServer;
  logicalResourceId?: string;
  stackId?: string;
}

/** A custom-resource event as CloudFormation sends it (scalars already strings where the caller wrote them so). */
export function simulateEvent(input: SimulateEventInput): CloudFormationCustomResourceEvent {
  requestCounter += 1;
  const requestId = `req-${requestCounter}-${Math.random().toString(16).slice(2, 10)}`;
  const withToken = (properties: unknown) =>
    properties !== null && typeof properties === 'object' && !Array.isArray(properties) ? { ServiceToken: FUNCTION_ARN, ...properties } : properties;
  const common = {
    ServiceToken: FUNCTION_ARN,
    ResponseURL: input.responseServer.urlFor(requestId),
    StackId: input.stackId ?? STACK_ID,
    RequestId: requestId,
    LogicalResourceId: input.logicalResourceId ?? 'Keys',
    ResourceType: 'Custom::MultiRegionKmsKeys',
    ResourceProperties: withToken(input.properties),
  };
  const event =
    input.requestType === 'Create'
      ? { ...common, RequestType: 'Create' }
      : input.requestType === 'Update'
        ? { ...common, RequestType: 'Update', PhysicalResourceId: input.physicalResourceId, OldResourceProperties: withToken(input.oldProperties ?? {}) }
        : { ...common, RequestType: 'Delete', PhysicalResourceId: input.physicalResourceId };
  return event as unknown as CloudFormationCustomResourceEvent;
}

/** A Lambda-like context whose remaining time runs out `remainingMs` from now. */
export function lambdaContext(options: { remainingMs?: number; functionArn?: string } = {}): Context {
  const deadline = Date.now() + (options.remainingMs ?? 300_000);
  const functionArn = options.functionArn ?? FUNCTION_ARN;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: functionArn.split(':')[6] ?? 'fn',
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn,
    memoryLimitInMB: '256',
    awsRequestId: `lambda-${Math.random().toString(16).slice(2)}`,
    logGroupName: '/aws/lambda/fn',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** The single answer to `event`; fails the test unless exactly one PUT arrived and it fits CloudFormation's limit. */
export function singleResponse(server: ResponseServer, event: CloudFormationCustomResourceEvent): ReceivedResponse {
  const responses = server.responsesFor(event.RequestId);
  expect(responses).toHaveLength(1);
  const response = responses[0]!;
  expect(response.bytes).toBeLessThanOrEqual(4096);
  expect(response.headers['content-type']).toBe('');
  expect(response.headers['content-length']).toBe(String(response.bytes));
  expect(response.body.RequestId).toBe(event.RequestId);
  expect(response.body.StackId).toBe(event.StackId);
  expect(response.body.LogicalResourceId).toBe(event.LogicalResourceId);
  return response;
}

export function expectCloudFormationSuccess(server: ResponseServer, event: CloudFormationCustomResourceEvent): ReceivedResponse['body'] {
  const response = singleResponse(server, event);
  expect({ Status: response.body.Status, Reason: response.body.Reason }).toEqual({ Status: 'SUCCESS', Reason: undefined });
  return response.body;
}

export function expectCloudFormationFailed(
  server: ResponseServer,
  event: CloudFormationCustomResourceEvent,
  reason?: string | RegExp,
): ReceivedResponse['body'] {
  const response = singleResponse(server, event);
  expect(response.body.Status).toBe('FAILED');
  expect(response.body.Data).toBeUndefined();
  if (reason !== undefined) expect(response.body.Reason).toMatch(reason);
  return response.body;
}

/**
 * The environment of a harness that invokes the handler directly, without the CloudFormation the
 * driver plays: verification explicitly off, and the loopback ResponseURL server trusted.
 */
export const DIRECT_INVOCATION_ENV = { REQUEST_VERIFICATION: 'off', TRUSTED_RESPONSE_HOSTS: '127.0.0.1' } as const;

/** The stack events of a harness with verification off: never read (a read is a test failure). */
export const UNREAD_STACK_EVENTS = {
  describeStackEvents: async (): Promise<never> => {
    throw new Error('REQUEST_VERIFICATION is off in this harness: the stack events must not be read');
  },
};

/**
 * Points the handler's process environment at the emulator at `url`, with static test credentials
 * and nothing of the machine's own AWS settings (profile, session, quotas, deadline margin).
 */
export function useEmulatorEnvironment(url: string, logLevel: 'debug' | 'info'): void {
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: url,
    AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTEST',
    AWS_SECRET_ACCESS_KEY: 'test-secret',
    AWS_REGION: 'us-east-1',
    EXECUTION_ROLE_ARN,
    LOG_LEVEL: logLevel,
    ...DIRECT_INVOCATION_ENV,
  });
  for (const name of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'KMS_QUOTAS', 'DEADLINE_MARGIN_MS']) delete process.env[name];
}
