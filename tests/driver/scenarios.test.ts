import { scenarios } from '../../local/driver/index.ts';
import { stackOver } from './helpers.ts';

/** Kills the child `afterMs` after it is spawned, while the fixture holds its answer back. */
function killAfter(afterMs: number): scenarios.CrashControl & { disarmed: boolean } {
  const control = {
    disarmed: false,
    arm: (pid: number) => {
      setTimeout(() => process.kill(pid, 'SIGKILL'), afterMs);
    },
    disarm: () => {
      control.disarmed = true;
    },
  };
  return control;
}

describe('Function: scenarios (well-behaved handler)', () => {
  it('runs create, update and delete', async () => {
    // Prepare
    const { driver, stack } = await stackOver('good');

    // Act
    const results = [await scenarios.create(stack, { Value: 'a' }), await scenarios.update(stack, { Value: 'b' }), await scenarios.remove(stack)];
    await driver.close();

    // Assess
    expect(results.map((r) => [r.name, r.problems])).toEqual([
      ['create', []],
      ['update', []],
      ['delete', []],
    ]);
  });

  it('runs a failed Create then the Delete with the id that Create answered', async () => {
    // Prepare
    const { driver, stack } = await stackOver('good');

    // Act
    const result = await scenarios.failedCreateThenDelete(stack, { Fail: true });
    await driver.close();

    // Assess
    expect(result.problems).toEqual([]);
    const [created, deleted] = result.steps;
    expect(created).toMatchObject({ status: 'FAILED', reason: 'Fail was requested' });
    expect(deleted!.event.PhysicalResourceId).toBe(created!.physicalResourceId);
    expect(deleted!.event.ResourceProperties).toMatchObject({ Fail: 'true' });
  });

  it('rolls an Update back with old and new properties swapped', async () => {
    // Prepare
    const { driver, stack } = await stackOver('good');
    await stack.create({ Value: 'old' });

    // Act
    const asked = await scenarios.updateThenRollback(stack, { Value: 'new' }, { rollback: true });
    const onFailure = await scenarios.updateThenRollback(stack, { Value: 'bad', Fail: true }, { expectUpdate: 'FAILED' });
    await driver.close();

    // Assess
    expect(asked.problems).toEqual([]);
    expect(asked.steps.map((s) => [s.event.ResourceProperties.Value, s.event.OldResourceProperties?.Value])).toEqual([
      ['new', 'old'],
      ['old', 'new'],
    ]);
    expect(onFailure.problems).toEqual([]);
    expect(onFailure.steps.map((s) => [s.status, s.event.ResourceProperties.Value, s.event.OldResourceProperties?.Value])).toEqual([
      ['FAILED', 'bad', 'old'],
      ['SUCCESS', 'old', 'bad'],
    ]);
    expect(stack.properties?.Value).toBe('old');
  });

  it('delivers the same event twice and expects the same answer', async () => {
    // Prepare
    const { driver, stack } = await stackOver('good');

    // Act
    const result = await scenarios.duplicateDelivery(stack, 'Create', { Value: 'a' });
    await driver.close();

    // Assess
    expect(result.problems).toEqual([]);
    const [first, second] = result.steps;
    expect(second!.event).toBe(first!.event);
    expect(second!.awsRequestId).toBe(first!.awsRequestId);
    expect([first!.putCount, second!.putCount]).toEqual([1, 1]);
  });

  it('kills the process mid-request, then redelivers the same event to a fresh one', async () => {
    // Prepare
    const { driver, stack } = await stackOver('good');
    const crash = killAfter(150);

    // Act
    const result = await scenarios.crashAndRedeliver(stack, 'Create', { Value: 'a', HoldMs: 600 }, crash);
    await driver.close();

    // Assess
    expect(result.problems).toEqual([]);
    const [crashed, redelivered] = result.steps;
    expect(crashed!.exit).toMatchObject({ outcome: 'crashed', signal: 'SIGKILL' });
    expect(crashed!.putCount).toBe(0);
    expect(crash.disarmed).toBe(true);
    expect(redelivered!.pid).not.toBe(crashed!.pid);
    expect(redelivered).toMatchObject({ status: 'SUCCESS', putCount: 1 });
    expect(stack.physicalResourceId).toBe(redelivered!.physicalResourceId);
  });
});

describe('Function: scenarios (misbehaving handlers)', () => {
  it('reports duplicate deliveries that answer different ids', async () => {
    // Prepare
    const { driver, stack } = await stackOver('changesPhysicalId');

    // Act
    const result = await scenarios.duplicateDelivery(stack, 'Create', {});
    await driver.close();

    // Assess
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.stringMatching(/^the deliveries answered different PhysicalResourceIds/)]);
  });

  it('reports a crash that never happened and a Create that was expected to fail', async () => {
    // Prepare
    const { driver, stack } = await stackOver('good');

    // Act
    const crash = await scenarios.crashAndRedeliver(stack, 'Create', {}, { arm: () => {} });
    const failed = await scenarios.failedCreateThenDelete(stack, {});
    await driver.close();

    // Assess
    expect(crash.problems).toEqual(['crashed delivery: the process was not killed (returned)', 'crashed delivery: an answer was stored before the crash']);
    expect(failed.problems).toEqual(['Create: expected FAILED, got SUCCESS']);
  });
});
