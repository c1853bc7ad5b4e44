/**
 * SDK exceptions → the product's errors (`KmsError`, `AccountApiError`, `TaggingApiError`, `CloudFormationApiError`), at the boundary, so the
 * rest of `lib/` never inspects SDK shapes. The code is the service's own (`__type`, which the SDK
 * exposes as `name`); network failures take the Node.js error code (`ECONNRESET`) or the SDK's
 * `TimeoutError`.
 */
import {
  AccountApiError,
  type AwsServiceError,
  CloudFormationApiError,
  type ErrorContext,
  KmsError,
  type ServiceErrorOptions,
  TaggingApiError,
} from '../errors.ts';
import { isThrottlingCode } from '../retry/retry.ts';

/** Service-side failures: the same request may succeed later. */
const SERVER_CODES = new Set(['KMSInternalException', 'DependencyTimeoutException', 'InternalFailure', 'ServiceUnavailable', 'InternalServiceException']);

/** Transport failures: the request may or may not have reached KMS. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);
const NETWORK_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

/**
 * The SDK replaces a thrown value that is not `instanceof Error` (a Node.js socket error from another
 * realm, e.g. under jest's VM contexts) by `new Error("AWS SDK error wrapper for <name>: <message>")`,
 * dropping its code. Only the HTTP transport throws such values, so it is a network error.
 */
const SDK_WRAPPER = /^AWS SDK error wrapper for (\w+)/;

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  cause?: unknown;
}

/** A KMS failure; already a KmsError (e.g. thrown by our own code inside a call) → unchanged. */
export function toKmsError(error: unknown, context: ErrorContext = {}): KmsError {
  return translated(KmsError, error, context);
}

/** An Account API failure; already an AccountApiError → unchanged. */
export function toAccountApiError(error: unknown, context: ErrorContext = {}): AccountApiError {
  return translated(AccountApiError, error, context);
}

/** A CloudFormation failure; already a CloudFormationApiError → unchanged. */
export function toCloudFormationApiError(error: unknown, context: ErrorContext = {}): CloudFormationApiError {
  return translated(CloudFormationApiError, error, context);
}

/** A Tagging API failure; already a TaggingApiError → unchanged. */
export function toTaggingApiError(error: unknown, context: ErrorContext = {}): TaggingApiError {
  return translated(TaggingApiError, error, context);
}

function translated<E extends AwsServiceError>(
  Type: new (code: string, message: string, options: ServiceErrorOptions) => E,
  error: unknown,
  context: ErrorContext,
): E {
  if (error instanceof Type) return error;
  const { code, message, retryable } = translate(error);
  return new Type(code, message, { cause: error, context, retryable });
}

/** The code, message and retryability of any SDK failure. */
function translate(error: unknown): { code: string; message: string; retryable: boolean } {
  const shape: SdkErrorShape = typeof error === 'object' && error !== null ? (error as SdkErrorShape) : {};
  const message = typeof shape.message === 'string' && shape.message !== '' ? shape.message : String(error);
  const networkCode = networkCodeOf(shape, 0);
  if (networkCode !== null) return { code: networkCode, message, retryable: true };
  const name = typeof shape.name === 'string' && shape.name !== '' && shape.name !== 'Error' ? shape.name : 'UnknownError';
  const status = typeof shape.$metadata?.httpStatusCode === 'number' ? shape.$metadata.httpStatusCode : 0;
  const retryable = isThrottlingCode(name) || SERVER_CODES.has(name) || status >= 500 || status === 429;
  // The SDK calls an unmodelled 5xx without a body `Unknown`/`UnknownError`; say what it was.
  const code = status >= 500 && (name === 'UnknownError' || name === 'Unknown') ? `HTTP${status}` : name;
  return { code, message, retryable };
}

function networkCodeOf(shape: SdkErrorShape, depth: number): string | null {
  if (typeof shape.code === 'string' && NETWORK_CODES.has(shape.code)) return shape.code;
  if (typeof shape.name === 'string' && NETWORK_NAMES.has(shape.name)) return shape.name;
  const wrapped = typeof shape.message === 'string' ? SDK_WRAPPER.exec(shape.message)?.[1] : undefined;
  if (wrapped !== undefined) return NETWORK_NAMES.has(wrapped) || NETWORK_CODES.has(wrapped) ? wrapped : 'NetworkError';
  // Undici and some handlers wrap the socket error in `cause`.
  if (depth < 3 && typeof shape.cause === 'object' && shape.cause !== null) return networkCodeOf(shape.cause as SdkErrorShape, depth + 1);
  return null;
}
