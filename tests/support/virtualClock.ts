/**
 * Virtual time for tests: `sleep` registers a timer, and whenever the process is otherwise idle
 * (no pending microtasks; checked with setImmediate) the clock jumps to the earliest timer and
 * wakes it. Parallel sleepers therefore overlap as they would in real time, in a few milliseconds.
 * Only valid when everything under test is promise-driven (the fake KmsApi, not real sockets).
 */
export class VirtualClock {
  #t: number;
  #timers: { at: number; seq: number; resolve: () => void }[] = [];
  #seq = 0;
  #armed = false;

  constructor(start = 0) {
    this.#t = start;
  }

  readonly now = (): number => this.#t;

  readonly sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      this.#timers.push({ at: this.#t + Math.max(0, ms), seq: this.#seq++, resolve });
      this.#arm();
    });

  /** Moves time forward without waking anything (e.g. to pass a deadline). */
  advance(ms: number): void {
    this.#t += ms;
  }

  #arm(): void {
    if (this.#armed) return;
    this.#armed = true;
    setImmediate(() => {
      this.#armed = false;
      if (this.#timers.length === 0) return;
      this.#timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      this.#t = Math.max(this.#t, this.#timers[0]!.at);
      const due = this.#timers.filter((x) => x.at <= this.#t);
      this.#timers = this.#timers.filter((x) => x.at > this.#t);
      for (const timer of due) timer.resolve();
      if (this.#timers.length > 0) this.#arm();
    });
  }
}
