/**
 * The SDK client of one Region (never a global client; `lib/aws/index.ts` keeps one per Region,
 * with its KmsApi, for the life of the function). Endpoints are never set here: the SDK reads `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_KMS` itself, so the same
 * bundle talks to AWS or to the local emulator.
 */
import { KMSClient } from '@aws-sdk/client-kms';

/**
 * Socket timeouts: a KMS call answers in milliseconds, so a connection that hangs must fail (and
 * be classified as a network error) long before the Lambda deadline.
 */
export const KMS_CONNECTION_TIMEOUT_MS = 5_000;
export const KMS_REQUEST_TIMEOUT_MS = 30_000;

/**
 * Sockets per Region's client (the SDK's default is 50). Every Region has its own client, so with
 * the default a large read across many Regions holds hundreds of sockets and their buffers. And every
 * socket is a connection set-up, a TLS handshake against AWS, paid in CPU, which Lambda rations.
 * Eight requests in flight per Region still carry more requests per second than every write quota
 * and more than one vCPU parses across Regions; the reader's extra reads wait for a socket. The
 * measurements behind the choice: docs/performance.md, "Why these settings" (bench
 * `connections_opened` in bench/results.json).
 */
export const KMS_MAX_SOCKETS = 8;

/** The name of the SDK's User-Agent middleware in a client's middleware stack. */
export const USER_AGENT_MIDDLEWARE = 'getUserAgentMiddleware';

/**
 * The settings of every SDK client of the function (KMS, and the Tagging API's tag index).
 * `maxAttempts: 1`: the SDK must not repeat a CreateKey whose answer was lost; our own retry
 * (lib/retry/retry.ts) decides what is safe to repeat.
 */
export const CLIENT_SETTINGS = {
  maxAttempts: 1,
  // Without throwOnRequestTimeout the SDK only logs a warning when requestTimeout passes.
  requestHandler: {
    connectionTimeout: KMS_CONNECTION_TIMEOUT_MS,
    requestTimeout: KMS_REQUEST_TIMEOUT_MS,
    throwOnRequestTimeout: true,
    // http for the local emulator, https for AWS.
    httpAgent: { maxSockets: KMS_MAX_SOCKETS },
    httpsAgent: { maxSockets: KMS_MAX_SOCKETS },
  },
} as const;

/**
 * `client` without the SDK's User-Agent middleware: it builds and escapes the header anew for every
 * request (a measurable share of the function's CPU per KMS call: docs/performance.md), AWS does not need it, and the
 * function is CPU-bound.
 */
export function withoutUserAgent<C extends { middlewareStack: { remove(name: string): boolean } }>(client: C): C {
  client.middlewareStack.remove(USER_AGENT_MIDDLEWARE);
  return client;
}

/** A new KMS client for `region`. */
export function createKmsClient(region: string): KMSClient {
  return withoutUserAgent(new KMSClient({ region, ...CLIENT_SETTINGS }));
}
