import { KmsError } from '../../lib/errors.ts';
import { DEFAULT_BACKOFF, fullJitterDelay, isThrottling, isTransient, type RetryPolicy, withRetry } from '../../lib/retry/retry.ts';
import { VirtualClock } from '../support/virtualClock.ts';

/** Every failure is of one kind, retried with the default backoff up to `maxAttempts` attempts in all. */
function always(maxAttempts: number): RetryPolicy<'any'> {
  return { classify: () => 'any', rules: { any: { backoff: DEFAULT_BACKOFF, maxAttempts } } };
}

describe('Function: fullJitterDelay', () => {
  it('draws uniformly below min(cap, base × 2^attempt)', () => {
    // Prepare
    const options = { baseMs: 100, capMs: 1000 };

    // Act
    const delays = [0, 1, 2, 3, 10].map((attempt) => fullJitterDelay(attempt, options, () => 0.999));

    // Assess
    expect(delays).toEqual([99, 199, 399, 799, 999]);
    expect(fullJitterDelay(5, options, () => 0)).toBe(0);
  });
});

describe('Function: isThrottling / isTransient', () => {
  it('tells throttling from effect-unknown failures', () => {
    // Prepare
    const throttled = new KmsError('ThrottlingException', 'Rate exceeded', { retryable: true });
    const internal = new KmsError('KMSInternalException', 'x', { retryable: true });
    const notFound = new KmsError('NotFoundException', 'x');

    // Act & Assess
    expect([isThrottling(throttled), isTransient(throttled)]).toEqual([true, false]);
    expect([isThrottling(internal), isTransient(internal)]).toEqual([false, true]);
    expect([isThrottling(notFound), isTransient(notFound)]).toEqual([false, false]);
    expect(isTransient(new Error('x'))).toBe(false);
  });
});

describe('Function: withRetry', () => {
  it('retries until success and reports each retry', async () => {
    // Prepare
    const sleeps: number[] = [];
    let calls = 0;

    // Act
    const result = await withRetry(
      async () => {
        if (++calls < 3) throw new Error('again');
        return 'ok';
      },
      { policy: always(5), clock: { now: Date.now, sleep: async (ms: number) => void sleeps.push(ms) }, random: () => 0.5 },
    );

    // Assess
    expect(result).toBe('ok');
    expect(sleeps).toEqual([50, 100]);
  });

  it('gives up after maxAttempts, or when the classifier says no, or before the deadline', async () => {
    // Prepare
    const failing = async () => {
      throw new Error('nope');
    };
    const clock = { now: () => 0, sleep: async () => {} };

    // Act & Assess
    await expect(withRetry(failing, { policy: always(2), clock })).rejects.toThrow('nope');
    await expect(withRetry(failing, { policy: { classify: () => undefined, rules: {} }, clock })).rejects.toThrow('nope');
    let attempts = 0;
    await expect(
      withRetry(
        async () => {
          attempts++;
          throw new Error('late');
        },
        { policy: always(9), clock: { now: () => 999, sleep: clock.sleep }, deadline: 1000, random: () => 0.5 },
      ),
    ).rejects.toThrow('late');
    expect(attempts).toBe(1);
  });
});

describe('Function: withRetry with several kinds of failure', () => {
  it('counts attempts of all kinds by default, and its own failures only with ownCount', async () => {
    // Prepare
    const errors = ['slow', 'slow', 'wait', 'wait', 'slow'];
    const sleeps: [string, number][] = [];
    const policy: RetryPolicy<'slow' | 'wait'> = {
      classify: (error) => (error as Error).message as 'slow' | 'wait',
      rules: { slow: { backoff: { baseMs: 100, capMs: 10_000 }, maxAttempts: 9 }, wait: { backoff: { baseMs: 1_000, capMs: 10_000 }, ownCount: true } },
    };

    // Act
    const result = await withRetry(
      async (attempt) => {
        if (attempt < errors.length) throw new Error(errors[attempt]);
        return attempt;
      },
      { policy, clock: { now: () => 0, sleep: async () => {} }, random: () => 0.5, onRetry: (_e, _a, delay, kind) => void sleeps.push([kind, delay]) },
    );

    // Assess
    expect(result).toBe(5);
    expect(sleeps).toEqual([
      ['slow', 50],
      ['slow', 100],
      ['wait', 500],
      ['wait', 1_000],
      ['slow', 800],
    ]);
  });

  it('stops a kind after maxWaitMs since its first failure and throws what `exhausted` makes of it', async () => {
    // Prepare
    const clock = new VirtualClock();
    const policy: RetryPolicy<'wait'> = {
      classify: () => 'wait',
      rules: {
        wait: {
          backoff: { baseMs: 1_000, capMs: 1_000 },
          ownCount: true,
          maxWaitMs: 2_500,
          exhausted: (_e, waited) => new Error(`gave up after ${waited} ms`),
        },
      },
    };

    // Act
    const running = withRetry(
      async () => {
        throw new Error('not yet');
      },
      { policy, clock, random: () => 0.999 },
    );

    // Assess
    await expect(running).rejects.toThrow('gave up after 1998 ms');
  });
});
