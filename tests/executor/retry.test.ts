import { KmsError } from '../../lib/errors.ts';
import { fullJitterDelay, isThrottling, isTransient, withRetry } from '../../lib/retry.ts';

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
      { maxAttempts: 5, shouldRetry: () => true, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
    );

    // Assess
    expect(result).toBe('ok');
    expect(sleeps).toEqual([50, 100]);
  });

  it('gives up after maxAttempts, or when shouldRetry says no, or before the deadline', async () => {
    // Prepare
    const failing = async () => {
      throw new Error('nope');
    };
    const sleep = async () => {};

    // Act & Assess
    await expect(withRetry(failing, { maxAttempts: 2, shouldRetry: () => true, sleep })).rejects.toThrow('nope');
    await expect(withRetry(failing, { maxAttempts: 9, shouldRetry: () => false, sleep })).rejects.toThrow('nope');
    let attempts = 0;
    await expect(
      withRetry(
        async () => {
          attempts++;
          throw new Error('late');
        },
        { maxAttempts: 9, shouldRetry: () => true, sleep, deadline: 1000, now: () => 999, random: () => 0.5 },
      ),
    ).rejects.toThrow('late');
    expect(attempts).toBe(1);
  });
});
