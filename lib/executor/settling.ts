/**
 * KMS is eventually consistent (docs/behaviour.md §9): right after CreateKey or ReplicateKey, calls on
 * the new key may answer NotFoundException (and KMSInvalidStateException) for seconds, and after
 * UpdatePrimaryRegion both keys are `Updating`. Such an answer means KMS has not caught up yet, not
 * that the key is gone or unusable, so the request is repeated with backoff for a bounded time.
 * Nothing happened when KMS answered either code, so repeating is safe for every operation.
 *
 * How a key is known decides which codes count as "not caught up yet":
 * - `made`: the key was made or changed in this request (CreateKey, ReplicateKey, UpdatePrimaryRegion):
 *   NotFoundException and KMSInvalidStateException.
 * - `listed`: the reader has just listed the key: NotFoundException (a listed key is never taken for
 *   "already gone"). KMSInvalidStateException keeps its meaning (e.g. already pending deletion).
 */
import { KmsError } from '../errors.ts';

export type SettlingClass = 'made' | 'listed';

/** How long one request keeps retrying a key KMS has not caught up with. Real KMS: seconds. */
export const DEFAULT_SETTLING_TIMEOUT_MS = 30_000;

/** Backoff of those retries: full jitter over 200 ms … 2 s (short: the wait is usually under 2 s). */
export const SETTLING_BACKOFF = { baseMs: 200, capMs: 2_000 } as const;

const CODES: Record<SettlingClass, readonly string[]> = {
  made: ['NotFoundException', 'KMSInvalidStateException'],
  listed: ['NotFoundException'],
};

/** True when `error` is what a key of `settling` answers while KMS catches up. */
export function isSettling(error: unknown, settling: SettlingClass | undefined): boolean {
  return settling !== undefined && error instanceof KmsError && CODES[settling].includes(error.code);
}

/** The message of a key that stayed unsettled for the whole wait: says what happened and that a retry resumes. */
export function stillSettling(error: KmsError, waitedMs: number): KmsError {
  return new KmsError(error.code, `${error.message.replace(/^\w+: /, '')} (still after ${Math.round(waitedMs / 1000)} s of retries: KMS had not caught up)`, {
    cause: error,
    context: error.context,
    retryable: true,
  });
}
