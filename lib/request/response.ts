/**
 * The answer to CloudFormation (docs/behaviour.md §8): the response body, always within CloudFormation's
 * 4,096-byte limit, and the one PUT to the pre-signed `ResponseURL`, retried on network errors and
 * 5xx. Plain `node:https` / `node:http`: the answer must not depend on the SDK, and S3 pre-signed
 * URLs need nothing else.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { MAX_RESPONSE_BYTES } from '../constants.ts';
import { MultiRegionKmsKeysError } from '../errors.ts';
import { type Clock, systemClock } from '../retry/clock.ts';
import { RESPONSE_PUT } from '../retry/policy.ts';
import { withRetry } from '../retry/retry.ts';

/** The fields of a CloudFormation custom resource response, except `Data` and `Reason`. */
export interface ResponseEnvelope {
  Status: 'SUCCESS' | 'FAILED';
  PhysicalResourceId: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  NoEcho?: boolean;
}

export interface ResponseInput extends ResponseEnvelope {
  Reason?: string;
  Data?: Record<string, string>;
}

/** Appended to a Reason that had to be shortened. */
export const TRUNCATION_MARK = ' [truncated]';

/** Said instead when `Data` cannot fit (the attribute preflight makes this unreachable in practice). */
const DATA_TOO_LONG_REASON = `The response data does not fit CloudFormation's ${MAX_RESPONSE_BYTES}-byte limit; set ReturnAttributes to fewer attributes.`;

/**
 * Removes what must not reach CloudFormation's console: control characters (C0, DEL, C1) and lone
 * UTF-16 surrogates, which cannot be encoded as UTF-8. Line breaks and tabs become spaces so that
 * words stay apart.
 */
export function sanitizeReason(reason: string): string {
  return (
    reason
      .replace(/[\t\n\r]+/g, ' ')
      .replace(/\p{Cc}/gu, '')
      // In `u` mode a surrogate pair is one code point, so `\p{Cs}` only matches lone halves.
      .replace(/\p{Cs}/gu, '')
  );
}

function serialise(envelope: ResponseEnvelope, reason: string | undefined, data: Record<string, string> | undefined): string {
  // A fixed key order keeps `measureResponseBytes` exact for the body `buildResponseBody` makes.
  const body: Record<string, unknown> = { Status: envelope.Status };
  if (reason !== undefined) body.Reason = reason;
  body.PhysicalResourceId = envelope.PhysicalResourceId;
  body.StackId = envelope.StackId;
  body.RequestId = envelope.RequestId;
  body.LogicalResourceId = envelope.LogicalResourceId;
  if (envelope.NoEcho !== undefined) body.NoEcho = envelope.NoEcho;
  if (data !== undefined) body.Data = data;
  return JSON.stringify(body);
}

/**
 * The size in bytes of a response body carrying `data` and no Reason: what the attribute preflight
 * (`preflightResponseSize`) measures before any KMS call.
 */
export function measureResponseBytes(envelope: ResponseEnvelope, data: Record<string, string>): number {
  return Buffer.byteLength(serialise(envelope, undefined, data));
}

/**
 * The longest prefix of `reason` (whole code points, so never half a UTF-8 sequence) for which the
 * body stays within the limit. Binary search: the body grows monotonically with the prefix.
 */
function truncateReason(envelope: ResponseEnvelope, reason: string, data: Record<string, string> | undefined): string | undefined {
  const fits = (text: string) => Buffer.byteLength(serialise(envelope, text, data)) <= MAX_RESPONSE_BYTES;
  if (fits(reason)) return reason;
  const codePoints = Array.from(reason);
  const candidate = (n: number) => `${codePoints.slice(0, n).join('').trimEnd()}${TRUNCATION_MARK}`;
  let low = 0;
  let high = codePoints.length - 1;
  if (!fits(candidate(0))) return fits('') ? '' : undefined;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(candidate(mid))) low = mid;
    else high = mid - 1;
  }
  return candidate(low);
}

/**
 * The JSON body of the response. `Reason` is sanitised and, when the body would exceed 4,096
 * bytes, truncated first (on a code-point boundary, marked `[truncated]`). Should `Data` itself not
 * fit, the answer becomes FAILED without Data rather than one CloudFormation would reject. The
 * result is within the limit whenever the identity fields are (CloudFormation's are a few hundred
 * bytes).
 */
export function buildResponseBody(input: ResponseInput): string {
  const { Reason, Data, ...envelope } = input;
  const reason = Reason === undefined ? undefined : sanitizeReason(Reason);
  if (reason === undefined) {
    const body = serialise(envelope, undefined, Data);
    if (Buffer.byteLength(body) <= MAX_RESPONSE_BYTES) return body;
  } else {
    const fitted = truncateReason(envelope, reason, Data);
    if (fitted !== undefined) return serialise(envelope, fitted, Data);
  }
  const failed: ResponseEnvelope = { ...envelope, Status: 'FAILED' };
  const prefix = reason ? `${DATA_TOO_LONG_REASON} ` : DATA_TOO_LONG_REASON;
  return serialise(failed, truncateReason(failed, `${prefix}${reason ?? ''}`, undefined) ?? '', undefined);
}

/** The PUT was refused (4xx) or every attempt failed. */
export class ResponseError extends MultiRegionKmsKeysError {
  readonly statusCode: number | undefined;
  readonly attempts: number;
  constructor(message: string, options: { statusCode?: number; attempts: number; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'ResponseError';
    this.statusCode = options.statusCode;
    this.attempts = options.attempts;
  }
}

export interface SendResponseOptions {
  /** Attempts in all. Default 6. */
  maxAttempts?: number;
  /** Epoch ms: no attempt starts (and no attempt runs) past it. Default: 30 s from now. */
  deadline?: number;
  /** Timeout of one attempt. Default 10 s. */
  attemptTimeoutMs?: number;
  /** Full-jitter backoff: the n-th wait is random × min(cap, base × 2ⁿ). Defaults 250 ms, 4 s. */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Called after a failed attempt; the ResponseURL is never passed. */
  onRetry?: (info: { attempt: number; error: string; delayMs: number }) => void;
  random?: () => number;
  /** Times the attempts and the waits between them; real time when absent. */
  clock?: Clock;
}

const DEFAULT_SEND = RESPONSE_PUT;

type FailedAttempt = { ok: false; retryable: boolean; statusCode?: number; error: string; cause?: unknown };
type AttemptResult = { ok: true } | FailedAttempt;

/** A failed PUT (`result`), or none started because the deadline had passed (`undefined`). */
class AttemptError extends Error {
  readonly result: FailedAttempt | undefined;
  constructor(result: FailedAttempt | undefined) {
    super(result?.error ?? 'the deadline passed');
    this.result = result;
  }
}

/** One PUT. Never rejects: the outcome says whether another attempt may help. */
function putOnce(url: URL, body: string, timeoutMs: number): Promise<AttemptResult> {
  return new Promise((resolve) => {
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
    let settled = false;
    const settle = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const req = send(
      url,
      {
        method: 'PUT',
        // S3 signs the pre-signed URL without a content type: an empty one is what it expects.
        headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
        timeout: timeoutMs,
      },
      (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        res.resume();
        res.on('end', () => {
          if (status >= 200 && status < 300) settle({ ok: true });
          else settle({ ok: false, retryable: status >= 500 || status === 0, statusCode: status, error: `HTTP ${status}` });
        });
        res.on('error', (error) => settle({ ok: false, retryable: true, error: error.message, cause: error }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error: NodeJS.ErrnoException) =>
      settle({ ok: false, retryable: true, error: error.code ? `${error.code}: ${error.message}` : error.message, cause: error }),
    );
    req.end(body);
  });
}

/**
 * PUTs `body` to the pre-signed `responseUrl`: retried with full-jitter backoff on network errors,
 * timeouts and 5xx, never on 4xx (a refused URL does not heal), within `maxAttempts` and `deadline`.
 * @throws ResponseError when the answer could not be delivered; its message never contains the URL
 */
export async function sendResponse(responseUrl: string, body: string, options: SendResponseOptions = {}): Promise<void> {
  const clock = options.clock ?? systemClock;
  const now = () => clock.now();
  const maxAttempts = options.maxAttempts ?? DEFAULT_SEND.maxAttempts;
  const deadline = options.deadline ?? now() + DEFAULT_SEND.windowMs;
  const backoff = { baseMs: options.backoffBaseMs ?? DEFAULT_SEND.backoffBaseMs, capMs: options.backoffCapMs ?? DEFAULT_SEND.backoffCapMs };
  const url = new URL(responseUrl);

  let last: FailedAttempt | undefined;
  let attempts = 0;
  try {
    await withRetry(
      async (attempt) => {
        const timeout = Math.min(options.attemptTimeoutMs ?? DEFAULT_SEND.attemptTimeoutMs, deadline - now());
        if (timeout <= 0) throw new AttemptError(undefined);
        attempts = attempt + 1;
        const result = await putOnce(url, body, timeout);
        if (result.ok) return;
        last = result;
        throw new AttemptError(result);
      },
      {
        policy: {
          classify: (error) => (error instanceof AttemptError && error.result?.retryable ? 'delivery' : undefined),
          rules: { delivery: { backoff, maxAttempts } },
        },
        deadline,
        clock,
        random: options.random,
        onRetry: (_error, attempt, delayMs) => options.onRetry?.({ attempt: attempt + 1, error: last?.error ?? '', delayMs }),
      },
    );
    return;
  } catch (error) {
    if (!(error instanceof AttemptError)) throw error;
  }
  throw new ResponseError(`could not deliver the response to CloudFormation: ${last?.error ?? 'the deadline passed before the first attempt'}`, {
    statusCode: last?.statusCode,
    attempts,
    cause: last?.cause,
  });
}
