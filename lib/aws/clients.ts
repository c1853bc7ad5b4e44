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
 * Sockets per Region's client (the SDK's default is 50). Every Region has its own client, so 17
 * Regions held ~850 sockets and their buffers during a large read (bench: 183 MB RSS); the Pacer
 * and the reader's per-Region cap keep fewer requests than this in flight anyway.
 */
export const KMS_MAX_SOCKETS = 25;

/** The name of the SDK's User-Agent middleware in a client's middleware stack. */
export const USER_AGENT_MIDDLEWARE = 'getUserAgentMiddleware';

/**
 * A new client for `region`. `maxAttempts: 1`: the SDK must not repeat a CreateKey whose answer
 * was lost; our own retry (lib/retry.ts) decides what is safe to repeat.
 */
export function createKmsClient(region: string): KMSClient {
  const client = new KMSClient({
    region,
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
  });
  // The SDK builds and escapes its User-Agent header anew for every request (profiled at ~2 % of
  // the function's CPU per KMS call); KMS does not need it, and the function is CPU-bound.
  client.middlewareStack.remove(USER_AGENT_MIDDLEWARE);
  return client;
}
