/**
 * The Lambda deadline (docs/behaviour.md §8): CloudFormation must get an answer before Lambda kills the
 * invocation, or the stack waits for the custom resource timeout (up to an hour). Three instants
 * are derived from `context.getRemainingTimeInMillis()`:
 *
 * - `work`: no new KMS action starts after it (the executor stops cleanly, requests in flight end);
 * - `answer`: if the work has still not returned (a call that never answers), stop waiting for it
 *   and answer FAILED anyway;
 * - `end`: when Lambda kills the invocation; the PUT must be done by then.
 *
 * `work` = end − margin, `answer` = end − margin / 2, so half the margin is left for the PUT. The
 * margin is configuration (`DEADLINE_MARGIN_MS`, lib/config.ts).
 */

import { type Clock, systemClock } from '../retry/clock.ts';

/** What is kept back from `end` for the PUT to finish before Lambda kills the invocation. */
const END_SAFETY_MS = 250;

export interface Deadlines {
  /** Epoch ms: no new KMS action after it. */
  work: number;
  /** Epoch ms: answer FAILED if the work has not returned by then. */
  answer: number;
  /** Epoch ms: the PUT must be finished by then. */
  end: number;
}

/**
 * CloudFormation's own wait for this resource, from the `ServiceTimeout` property (seconds, 1–3600),
 * when the template sets one: it may be shorter than the Lambda timeout, and an answer after it is
 * lost. Undefined when absent or not a whole positive number.
 */
export function serviceTimeoutMsOf(resourceProperties: unknown): number | undefined {
  if (resourceProperties === null || typeof resourceProperties !== 'object') return undefined;
  const raw = (resourceProperties as Record<string, unknown>).ServiceTimeout;
  const seconds = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  return typeof seconds === 'number' && Number.isInteger(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

/**
 * The deadlines of an invocation that has `remainingMs` left at `now`. With a timeout shorter than
 * twice the margin, the margin shrinks to half of the remaining time, so some work can still happen.
 */
export function deadlinesOf(now: number, remainingMs: number, marginMs: number): Deadlines {
  const remaining = Math.max(0, remainingMs);
  const margin = Math.min(marginMs, remaining / 2);
  const end = now + remaining;
  return { work: Math.floor(end - margin), answer: Math.floor(end - margin / 2), end: Math.max(now, end - END_SAFETY_MS) };
}

export type RaceResult<T> = { kind: 'done'; value: T } | { kind: 'timeout' };

/**
 * Waits for `work` until `at` (epoch ms). On timeout the work is abandoned, not cancelled: the
 * caller answers and returns, and Lambda freezes whatever is still pending. A rejection of `work`
 * before `at` is rethrown; one after `at` is swallowed (it must not crash the process as an
 * unhandled rejection once the answer is sent). The wait is a real timer (cleared when the work
 * ends first), whatever `clock` says the time is.
 */
export async function raceDeadline<T>(work: Promise<T>, at: number, clock: Clock = systemClock): Promise<RaceResult<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<{ kind: 'timeout' }>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), Math.max(0, at - clock.now()));
  });
  const settled = work.then(
    (value) => ({ kind: 'done', value }) as const,
    (error: unknown) => ({ kind: 'error', error }) as const,
  );
  try {
    const first = await Promise.race([settled, timeout]);
    if (first.kind === 'error') throw first.error;
    return first;
  } finally {
    clearTimeout(timer);
  }
}
