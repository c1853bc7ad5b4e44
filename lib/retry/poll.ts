/**
 * The one poll helper: look, and while the answer is not the awaited one, wait and look again,
 * within a time budget and a deadline. The clock and the sleep are injected, so tests run polls on
 * virtual time.
 */
import type { Clock } from './clock.ts';

export interface PollOptions<T> {
  /** The wait after the n-th look (0-based) that was not the awaited answer, ms. */
  delay: (n: number) => number;
  clock: Clock;
  /** Epoch ms: no wait that would end at or after it. */
  deadline?: number;
  /** No wait that would end more than this many ms after the poll started. */
  maxWaitMs?: number;
  /** Told before each wait, with what the last look saw. */
  onWait?: (value: T, delayMs: number) => void;
}

/** The last look's answer; `settled` false when time ran out before it was the awaited one. */
export interface PollResult<T> {
  value: T;
  settled: boolean;
  /** ms from the start of the poll to its end. */
  waitedMs: number;
}

/** Calls `look` until `done(value)`, or until the next wait would pass `maxWaitMs` or the deadline. */
export async function poll<T>(look: () => Promise<T>, done: (value: T) => boolean, options: PollOptions<T>): Promise<PollResult<T>> {
  const startedAt = options.clock.now();
  for (let n = 0; ; n++) {
    const value = await look();
    if (done(value)) return { value, settled: true, waitedMs: options.clock.now() - startedAt };
    const delay = options.delay(n);
    const now = options.clock.now();
    const outOfTime =
      (options.maxWaitMs !== undefined && now - startedAt + delay > options.maxWaitMs) || (options.deadline !== undefined && now + delay >= options.deadline);
    if (outOfTime) return { value, settled: false, waitedMs: now - startedAt };
    options.onWait?.(value, delay);
    await options.clock.sleep(delay);
  }
}
