/**
 * A replica our multi-Region key lists (DescribeKey) in a wanted Region that is not tagged ours and
 * that no alias of ours targets: the reader reads it anyway (lib/reader/hiddenReplicas.ts), so the
 * planner restores it or refuses, and never plans a ReplicateKey that KMS would answer with
 * AlreadyExistsException. Through the reader and the executor (tests/support/planRun.ts).
 */
import { OWNERSHIP_TAGS } from '../../lib/ownership.ts';
import { plan } from '../../lib/planner/index.ts';
import type { DesiredState, Owner } from '../../lib/types.ts';
import { executePlan, type PlanRun, planRun, readPlanInput } from '../support/planRun.ts';
import { desiredKey, desiredState, OWNER, SIBLING, STRANGER } from './fixtures.ts';

function keyA(replicaRegions: string[], owner: Owner, requestId: string): DesiredState {
  const key = desiredKey('a', { primaryRegion: 'ap-south-1', replicaRegions, deletionWindowInDays: 7, allowReplacement: true });
  return desiredState([key], { owner, requestId });
}

async function deploy(run: PlanRun, desired: DesiredState) {
  const read = await readPlanInput(run, desired);
  const result = plan(read.desired, read.actual);
  if (result.refusals.length === 0) await executePlan(run, result);
  return result;
}

describe('Function: readForPlan and plan (a replica of our key that is not tagged ours)', () => {
  it('restores the replica a renamed resource’s hand-over left pending deletion when its Region is wanted again', async () => {
    // Prepare: the sibling (the resource before the rename) has a replica in us-east-1; taking the key
    // over without us-east-1 schedules that replica, which keeps the sibling's tags.
    const run = planRun();
    await deploy(run, keyA(['us-east-1'], SIBLING, 'old'));
    await deploy(run, keyA(['eu-west-1'], OWNER, 'rename'));
    const replica = run.kms.keys.find((k) => k.region === 'us-east-1')!;
    expect([replica.state, replica.tags[OWNERSHIP_TAGS.owner]]).toEqual(['PendingDeletion', SIBLING.ownerId]);
    const desired = keyA(['eu-west-1', 'us-east-1'], OWNER, 'target');

    // Act
    const result = await deploy(run, desired);

    // Assess
    expect(result.refusals).toEqual([]);
    expect(result.actions.map((a) => a.id)).toEqual([
      `CancelKeyDeletion:us-east-1:a:${replica.keyId}`,
      'CreateAlias:us-east-1:alias/a',
      `EnableKey:us-east-1:a:${replica.keyId}`,
      `TagResource:us-east-1:a:${replica.keyId}`,
    ]);
    expect([replica.state, replica.tags[OWNERSHIP_TAGS.owner], run.kms.aliasTarget('us-east-1', 'alias/a')]).toEqual(['Enabled', OWNER.ownerId, replica.keyId]);
    const again = await readPlanInput(run, desired);
    expect(plan(again.desired, again.actual)).toMatchObject({ actions: [], refusals: [] });
  });

  it('refuses, and changes nothing, when that replica carries the tags of another stack', async () => {
    // Prepare: our key's replica in us-east-1 retagged by hand for another stack, its alias deleted.
    const run = planRun();
    const desired = keyA(['us-east-1'], OWNER, 'first');
    await deploy(run, desired);
    const replica = run.kms.keys.find((k) => k.region === 'us-east-1')!;
    replica.tags = { ...replica.tags, [OWNERSHIP_TAGS.owner]: STRANGER.ownerId, [OWNERSHIP_TAGS.stackId]: STRANGER.stackId };
    run.kms.aliases.get('us-east-1')!.delete('alias/a');
    const calls = run.kms.calls.length;

    // Act
    const result = await deploy(run, keyA(['us-east-1'], OWNER, 'again'));

    // Assess
    expect(result.actions).toEqual([]);
    expect(result.refusals).toEqual([
      {
        keyName: 'a',
        region: 'us-east-1',
        reason: `the key of a in us-east-1 (${replica.keyId}) is not owned by this resource; set AdoptExistingKeys to take it over`,
      },
    ]);
    expect(run.kms.calls.slice(calls).filter((c) => !/^(list|describe|get)/.test(c.operation))).toEqual([]);
  });

  it('sees the same family before and after a hand-over: the renamed resource’s replica whose alias is gone', async () => {
    // Prepare: the sibling's key a has a replica in us-east-1 whose alias was deleted; we take a over
    // without replicas, and key c wants us-east-1. Before the plan the primary is the sibling's, after
    // it ours: the replica it lists is read both times, so the second plan has nothing to add.
    const run = planRun();
    await deploy(run, keyA(['us-east-1'], SIBLING, 'old'));
    run.kms.aliases.get('us-east-1')!.delete('alias/a');
    const a = desiredKey('a', { primaryRegion: 'ap-south-1', replicaRegions: [], multiRegion: true, deletionWindowInDays: 7 });
    const c = desiredKey('c', { primaryRegion: 'ap-south-1', replicaRegions: ['us-east-1'] });
    const desired = desiredState([a, c], { owner: OWNER, requestId: 'rename' });
    const replica = run.kms.keys.find((k) => k.region === 'us-east-1')!;

    // Act
    const result = await deploy(run, desired);
    const again = await readPlanInput(run, desired);

    // Assess: the replica a no longer wants goes, as it would have under its alias.
    expect(result.actions.map((x) => x.id)).toContain(`ScheduleKeyDeletion:us-east-1:a:${replica.keyId}`);
    expect(replica.state).toBe('PendingDeletion');
    expect(plan(again.desired, again.actual)).toMatchObject({ actions: [], refusals: [] });
  });
});
