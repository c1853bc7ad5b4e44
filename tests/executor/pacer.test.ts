import { Pacer } from '../../lib/pacer.ts';
import { VirtualClock } from '../support/virtualClock.ts';

describe('Class: Pacer', () => {
  it('lets one second of quota through at once, then paces at the quota rate', async () => {
    // Prepare
    const clock = new VirtualClock();
    const pacer = new Pacer({ now: clock.now, sleep: clock.sleep });
    const times: number[] = [];

    // Act
    await Promise.all(Array.from({ length: 10 }, () => pacer.acquire('us-east-1', 'CreateKey').then(() => times.push(clock.now()))));

    // Assess: 5 at once (capacity = 5/s), then one every 200 ms
    expect(times).toEqual([0, 0, 0, 0, 0, 200, 400, 600, 800, 1000]);
  });

  it('keeps separate buckets per Region and per operation', async () => {
    // Prepare
    const clock = new VirtualClock();
    const pacer = new Pacer({ now: clock.now, sleep: clock.sleep });
    for (let i = 0; i < 5; i++) await pacer.acquire('us-east-1', 'CreateKey');

    // Act
    await pacer.acquire('eu-west-1', 'CreateKey');
    await pacer.acquire('us-east-1', 'CreateAlias');

    // Assess
    expect(clock.now()).toBe(0);
  });

  it('applies quota overrides', async () => {
    // Prepare
    const clock = new VirtualClock();
    const pacer = new Pacer({ quotas: { CreateKey: 50 }, now: clock.now, sleep: clock.sleep });

    // Act
    for (let i = 0; i < 51; i++) await pacer.acquire('us-east-1', 'CreateKey');

    // Assess
    expect(clock.now()).toBe(20);
    expect(pacer.quotas.CreateKey).toBe(50);
    expect(pacer.quotas.ReplicateKey).toBe(5);
  });

  it('refills over time, never above one second of quota', async () => {
    // Prepare
    const clock = new VirtualClock();
    const pacer = new Pacer({ now: clock.now, sleep: clock.sleep });
    for (let i = 0; i < 5; i++) await pacer.acquire('us-east-1', 'EnableKey');
    clock.advance(10_000);

    // Act
    for (let i = 0; i < 6; i++) await pacer.acquire('us-east-1', 'EnableKey');

    // Assess: a full bucket of 5, the sixth waits 200 ms
    expect(clock.now()).toBe(10_200);
  });

  it('charges ReplicateKey one token in the primary Region and two CreateKey tokens in the replica Region', async () => {
    // Prepare
    const clock = new VirtualClock();
    const pacer = new Pacer({ now: clock.now, sleep: clock.sleep });

    // Act: two replications use 4 of eu-west-1's 5 CreateKey tokens
    await pacer.acquireReplicateKey('us-east-1', 'eu-west-1');
    await pacer.acquireReplicateKey('us-east-1', 'eu-west-1');
    await pacer.acquire('eu-west-1', 'CreateKey');
    const beforeWait = clock.now();
    await pacer.acquire('eu-west-1', 'CreateKey');

    // Assess
    expect(beforeWait).toBe(0);
    expect(clock.now()).toBe(200);
  });

  it('waits for the replica Region when its CreateKey bucket is the bottleneck', async () => {
    // Prepare
    const clock = new VirtualClock();
    const pacer = new Pacer({ now: clock.now, sleep: clock.sleep });
    for (let i = 0; i < 5; i++) await pacer.acquire('eu-west-1', 'CreateKey');

    // Act
    await pacer.acquireReplicateKey('us-east-1', 'eu-west-1');

    // Assess: 2 tokens at 5/s
    expect(clock.now()).toBe(400);
  });

  it('serves waiters first come, first served', async () => {
    // Prepare
    const clock = new VirtualClock();
    const pacer = new Pacer({ quotas: { CreateAlias: 1 }, now: clock.now, sleep: clock.sleep });
    const order: string[] = [];

    // Act: a big request queued before small ones is not overtaken
    await pacer.acquire('us-east-1', 'CreateAlias');
    await Promise.all([
      pacer.acquire('us-east-1', 'CreateAlias', 2).then(() => order.push('big')),
      pacer.acquire('us-east-1', 'CreateAlias').then(() => order.push('small-1')),
      pacer.acquire('us-east-1', 'CreateAlias').then(() => order.push('small-2')),
    ]);

    // Assess
    expect(order).toEqual(['big', 'small-1', 'small-2']);
    expect(clock.now()).toBe(4000);
  });
});
