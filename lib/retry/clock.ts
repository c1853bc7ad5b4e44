/**
 * The clock every wait of the product reads: the time now and a sleep. One dependency, injected
 * from the handler down (tests pass the virtual clock of tests/support/virtualClock.ts, which runs
 * retries, polls and pacing on virtual time).
 */

/** The time and a way to wait. */
export interface Clock {
  /** Epoch ms. */
  now(): number;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

/** Real time: `Date.now` and `setTimeout`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
