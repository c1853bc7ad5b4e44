import { bucketCapacity, Pacer, throttledBucketCapacity } from '../../lib/retry/pacer.ts';
import { VirtualClock } from '../support/virtualClock.ts';

describe('Function: bucketCapacity', () => {
  it('runs 100 ms behind the server bucket, never under one token', () => {
    // Prepare
    const rates = [1, 2, 5, 10, 15, 50, 2000];

    // Act
    const capacities = rates.map(bucketCapacity);

    // Assess
    expect(capacities).toEqual([1, 1.8, 4.5, 9, 13.5, 45, 1800]);
  });

  it('after a throttle, keeps one token or 20 % of the rate below the server bucket', () => {
    expect([1, 2, 5, 10, 15, 50, 2000].map(throttledBucketCapacity)).toEqual([1, 1, 4, 8, 12, 40, 1600]);
  });
});

describe('Class: Pacer', () => {
  it('lets a burst just under one second of quota through at once, then paces at the quota rate', async () => {
    // Prepare
    const clock = new VirtualClock();
    const pacer = new Pacer({ clock });
    const times: number[] = [];

    // Act
    await Promise.all(Array.from({ length: 10 }, () => pacer.acquire('us-east-1', 'CreateKey').then(() => times.push(clock.now()))));

    // Assess: 4 at once (4.5 tokens: 5/s, 100 ms behind the server), then at 100 ms and every 200 ms
    expect(times).toEqual([0, 0, 0, 0, 100, 300, 500, 700, 900, 1100]);
  });

  it('keeps reserved tokens for a higher priority: lower priorities lose them once, not the rate', async () => {
    // Prepare: 2 CreateKey tokens reserved for a ReplicateKey (priority 10) still to come
    const clock = new VirtualClock();
    const pacer = new Pacer({ clock });
    const release = pacer.reserve('eu-west-1', 'CreateKey', 2, 10);
    const local: number[] = [];

    // Act: six ordinary CreateKeys, then the ReplicateKey's two tokens at 700 ms
    const locals = Promise.all(Array.from({ length: 6 }, () => pacer.acquire('eu-west-1', 'CreateKey').then(() => local.push(clock.now()))));
    await clock.sleep(700);
    const before = clock.now();
    await pacer.acquire('eu-west-1', 'CreateKey', 2, 10);
    const waited = clock.now() - before;
    release();
    await locals;

    // Assess: 2.5 of the 4.5 tokens at once, then one every 200 ms (2 held back); the ReplicateKey
    // finds its 2 tokens waiting; after the release the ordinary ones go on at the rate
    expect(local.slice(0, 4)).toEqual([0, 0, 100, 300]);
    expect(waited).toBe(0);
    expect(local.length).toBe(6);
  });

  it('never reserves a whole bucket away from lower priorities', async () => {
    // Prepare
    const clock = new VirtualClock();
    const pacer = new Pacer({ clock });
    pacer.reserve('eu-west-1', 'CreateKey', 50, 10);

    // Act
    await pacer.acquire('eu-west-1', 'CreateKey');
    await pacer.acquire('eu-west-1', 'CreateKey');

    // Assess: one token is always left for them (4.5 − 3.5), then the refill
    expect(clock.now()).toBe(200);
  });

  it('keeps separate buckets per Region and per operation', async () => {
    // Prepare
    const clock = new VirtualClock();
    const pacer = new Pacer({ clock });
    for (let i = 0; i < 4; i++) await pacer.acquire('us-east-1', 'CreateKey');

    // Act
    await pacer.acquire('eu-west-1', 'CreateKey');
    await pacer.acquire('us-east-1', 'CreateAlias');

    // Assess
    expect(clock.now()).toBe(0);
  });

  it('applies quota overrides', async () => {
    // Prepare
    const clock = new VirtualClock();
    const pacer = new Pacer({ quotas: { CreateKey: 50 }, clock });

    // Act: a burst of 45 (45 tokens), then one every 20 ms
    for (let i = 0; i < 49; i++) await pacer.acquire('us-east-1', 'CreateKey');

    // Assess
    expect(clock.now()).toBe(80);
    expect(pacer.quotas.CreateKey).toBe(50);
    expect(pacer.quotas.ReplicateKey).toBe(5);
  });

  it('refills over time, never above its capacity', async () => {
    // Prepare
    const clock = new VirtualClock();
    const pacer = new Pacer({ clock });
    for (let i = 0; i < 4; i++) await pacer.acquire('us-east-1', 'EnableKey');
    clock.advance(10_000);

    // Act
    for (let i = 0; i < 5; i++) await pacer.acquire('us-east-1', 'EnableKey');

    // Assess: a full bucket of 4.5, the fifth waits 100 ms
    expect(clock.now()).toBe(10_100);
  });

  it('charges ReplicateKey one token in the primary Region and two CreateKey tokens in the replica Region', async () => {
    // Prepare
    const clock = new VirtualClock();
    const pacer = new Pacer({ clock });

    // Act: two replications use eu-west-1's 4 CreateKey tokens
    await pacer.acquireReplicateKey('us-east-1', 'eu-west-1');
    await pacer.acquireReplicateKey('us-east-1', 'eu-west-1');
    const beforeWait = clock.now();
    await pacer.acquire('eu-west-1', 'CreateKey');

    // Assess
    expect(beforeWait).toBe(0);
    expect(clock.now()).toBe(100);
  });

  it('waits for the replica Region when its CreateKey bucket is the bottleneck', async () => {
    // Prepare
    const clock = new VirtualClock();
    const pacer = new Pacer({ clock });
    for (let i = 0; i < 4; i++) await pacer.acquire('eu-west-1', 'CreateKey');

    // Act
    await pacer.acquireReplicateKey('us-east-1', 'eu-west-1');

    // Assess: 1.5 missing tokens at 5/s
    expect(clock.now()).toBe(300);
  });

  it('charges UpdatePrimaryRegion in both Regions: a busy new primary Region makes it wait', async () => {
    // Prepare: eu-west-1's UpdatePrimaryRegion bucket (capacity 4 at 5/s) emptied by others
    const clock = new VirtualClock();
    const pacer = new Pacer({ clock });
    for (let i = 0; i < 4; i++) await pacer.acquire('eu-west-1', 'UpdatePrimaryRegion');

    // Act
    await pacer.acquireUpdatePrimaryRegion('us-east-1', 'eu-west-1');

    // Assess: us-east-1 had tokens, eu-west-1 had to refill one
    expect(clock.now()).toBeGreaterThan(0);
  });

  it('serves waiters of equal priority first come, first served', async () => {
    // Prepare
    const clock = new VirtualClock();
    const pacer = new Pacer({ quotas: { CreateAlias: 1 }, clock });
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

  it('serves a later waiter of higher priority before earlier waiters of lower priority', async () => {
    // Prepare
    const clock = new VirtualClock();
    const pacer = new Pacer({ clock });
    for (let i = 0; i < 4; i++) await pacer.acquire('us-east-1', 'CreateKey');
    const served: [string, number][] = [];
    const take = (name: string, priority: number) => pacer.acquire('us-east-1', 'CreateKey', 1, priority).then(() => served.push([name, clock.now()]));

    // Act
    await Promise.all([take('low-1', 0), take('low-2', 0), take('high-1', 5), take('mid', 2), take('high-2', 5)]);

    // Assess: by priority, FIFO within a priority, one every 200 ms after the first
    expect(served).toEqual([
      ['high-1', 100],
      ['high-2', 300],
      ['mid', 500],
      ['low-1', 700],
      ['low-2', 900],
    ]);
  });

  it('does not let a lower-priority request take tokens a waiting higher-priority request needs', async () => {
    // Prepare
    const clock = new VirtualClock();
    const pacer = new Pacer({ quotas: { CreateAlias: 2 }, clock });
    await pacer.acquire('us-east-1', 'CreateAlias');
    const order: string[] = [];

    // Act: the big one waits for its tokens; the small one, lower priority, queues behind it
    await Promise.all([
      pacer.acquire('us-east-1', 'CreateAlias', 2, 5).then(() => order.push('big-high')),
      pacer.acquire('us-east-1', 'CreateAlias', 1, 0).then(() => order.push('small-low')),
    ]);

    // Assess
    expect(order).toEqual(['big-high', 'small-low']);
  });

  it('serves a prioritised ReplicateKey in the replica Region before per-Region CreateKeys queued there', async () => {
    // Prepare
    const clock = new VirtualClock();
    const pacer = new Pacer({ clock });
    for (let i = 0; i < 4; i++) await pacer.acquire('eu-west-1', 'CreateKey');
    const served: [string, number][] = [];

    // Act
    await Promise.all([
      ...[1, 2, 3].map((n) => pacer.acquire('eu-west-1', 'CreateKey').then(() => served.push([`create-${n}`, clock.now()]))),
      pacer.acquireReplicateKey('us-east-1', 'eu-west-1', 10).then(() => served.push(['replicate', clock.now()])),
    ]);

    // Assess: 1.5 missing tokens for the replication (300 ms), then one CreateKey every 200 ms
    expect(served).toEqual([
      ['replicate', 300],
      ['create-1', 500],
      ['create-2', 700],
      ['create-3', 900],
    ]);
  });

  it('slows a bucket down after a ThrottlingException: emptied, then one token below the server', async () => {
    // Prepare
    const clock = new VirtualClock();
    const pacer = new Pacer({ clock });
    await pacer.acquire('us-east-1', 'CreateAlias');

    // Act
    pacer.throttled('us-east-1', 'CreateAlias');
    const times: number[] = [];
    for (let i = 0; i < 2; i++) await pacer.acquire('us-east-1', 'CreateAlias').then(() => times.push(clock.now()));
    clock.advance(10_000);
    const refilled = clock.now();
    for (let i = 0; i < 5; i++) await pacer.acquire('us-east-1', 'CreateAlias');

    // Assess: the empty bucket refills at 5/s, and holds at most 4 tokens from now on
    expect(times).toEqual([200, 400]);
    expect(clock.now() - refilled).toBe(200);
  });
});
