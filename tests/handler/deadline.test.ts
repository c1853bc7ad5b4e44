import { deadlinesOf, raceDeadline, serviceTimeoutMsOf } from '../../lib/request/deadline.ts';

describe('Function: deadlinesOf', () => {
  it('stops new work a margin before the end and answers half a margin before it', () => {
    // Act
    const deadlines = deadlinesOf(1_000_000, 300_000, 20_000);

    // Assess
    expect(deadlines).toEqual({ work: 1_280_000, answer: 1_290_000, end: 1_299_750 });
  });

  it('shrinks the margin to half the remaining time for short timeouts', () => {
    // Act
    const deadlines = deadlinesOf(0, 3_000, 20_000);

    // Assess
    expect(deadlines).toEqual({ work: 1_500, answer: 2_250, end: 2_750 });
  });

  it('never puts the end before now', () => {
    // Act
    const deadlines = deadlinesOf(5_000, 0, 20_000);

    // Assess
    expect(deadlines).toEqual({ work: 5_000, answer: 5_000, end: 5_000 });
  });
});

describe('Function: raceDeadline', () => {
  it('returns the work when it finishes first', async () => {
    // Act
    const result = await raceDeadline(Promise.resolve(42), Date.now() + 1_000);

    // Assess
    expect(result).toEqual({ kind: 'done', value: 42 });
  });

  it('gives up on work that never finishes', async () => {
    // Act
    const result = await raceDeadline(new Promise(() => {}), Date.now() + 20);

    // Assess
    expect(result).toEqual({ kind: 'timeout' });
  });

  it('rethrows a failure of the work', async () => {
    // Act & Assess
    await expect(raceDeadline(Promise.reject(new Error('boom')), Date.now() + 1_000)).rejects.toThrow('boom');
  });

  it('does not leave an unhandled rejection when the work fails after the deadline', async () => {
    // Prepare
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    let fail: (e: Error) => void = () => {};
    const work = new Promise((_resolve, reject) => {
      fail = reject;
    });

    // Act
    const result = await raceDeadline(work, Date.now() + 10);
    fail(new Error('late'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    process.off('unhandledRejection', onUnhandled);

    // Assess
    expect(result).toEqual({ kind: 'timeout' });
    expect(unhandled).toEqual([]);
  });
});

describe('Function: serviceTimeoutMsOf', () => {
  it('reads ServiceTimeout in seconds, as CloudFormation sends it', () => {
    // Act & Assess
    expect(serviceTimeoutMsOf({ ServiceTimeout: '90' })).toBe(90_000);
    expect(serviceTimeoutMsOf({ ServiceTimeout: 120 })).toBe(120_000);
  });

  it.each([[{}], [{ ServiceTimeout: 'soon' }], [{ ServiceTimeout: '0' }], [{ ServiceTimeout: '' }], [null], ['x']])('ignores %p', (properties) => {
    // Act & Assess
    expect(serviceTimeoutMsOf(properties)).toBeUndefined();
  });
});
