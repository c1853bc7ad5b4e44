import { poll } from '../../lib/retry/poll.ts';
import { VirtualClock } from '../support/virtualClock.ts';

describe('Function: poll', () => {
  it('looks again after each delay until the answer is the awaited one', async () => {
    // Prepare
    const clock = new VirtualClock();
    const answers = ['Creating', 'Creating', 'Enabled'];
    const waits: number[] = [];

    // Act
    const result = await poll(
      async () => answers.shift()!,
      (state) => state === 'Enabled',
      { delay: (n) => (n === 0 ? 1_000 : 100), clock, onWait: (_state, ms) => void waits.push(ms) },
    );

    // Assess
    expect(result).toEqual({ value: 'Enabled', settled: true, waitedMs: 1_100 });
    expect(waits).toEqual([1_000, 100]);
  });

  it('returns the last answer unsettled when the next wait would pass maxWaitMs or the deadline', async () => {
    // Prepare
    const budgetClock = new VirtualClock();
    const deadlineClock = new VirtualClock();

    // Act
    const byBudget = await poll(
      async () => 'Creating',
      () => false,
      { delay: () => 400, clock: budgetClock, maxWaitMs: 1_000 },
    );
    const byDeadline = await poll(
      async () => 'Creating',
      () => false,
      { delay: () => 400, clock: deadlineClock, deadline: 1_200 },
    );

    // Assess
    expect(byBudget).toEqual({ value: 'Creating', settled: false, waitedMs: 800 });
    expect(byDeadline).toEqual({ value: 'Creating', settled: false, waitedMs: 800 });
  });
});
