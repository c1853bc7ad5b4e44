/**
 * End to end, only CloudFormation gets in (docs/iam.md "Who can use the function"): the built bundle
 * through the CloudFormation driver (which records each request's stack events on the emulator, as
 * CloudFormation logs them) and the emulator, with request verification on. Every legitimate
 * request succeeds; every forged one changes nothing, makes no KMS call, writes one log line, and
 * is answered FAILED only when its ResponseURL is the trusted one.
 */
import { type CustomResourceEvent, DEFAULT_IDENTITY, functionArnOf, type RequestResult, Stack, scenarios, stackIdOf } from '../../local/driver/index.ts';
import type { Snapshot } from '../../local/emulator/client.ts';
import { useDriverEnvironment } from '../support/driverEnvironment.ts';

const ACCOUNT_ID = DEFAULT_IDENTITY.accountId;
const TYPE = 'Custom::MultiRegionKmsKeys';
const ADOPTABLE_BY = 'MultiRegionKmsKeys:AdoptableBy';
const CFN_HOST = 'cloudformation-custom-resource-response-useast1.s3.amazonaws.com';

describe('End to end: only CloudFormation gets in', () => {
  // Stacks of their own StackIds and logical IDs (nested stacks, StackSets instances, renames): only the emulator and the driver are shared.
  const env = useDriverEnvironment({ stackPrefix: 'verify', emulator: { replicaCreatingMs: 100 } });
  const { control } = env;
  let stackCount = 0;
  const serviceToken = functionArnOf(DEFAULT_IDENTITY, 'multi-region-kms-keys');
  const stackId = (stackName = `verify-${++stackCount}`) => stackIdOf({ ...DEFAULT_IDENTITY, stackName });
  const newStack = (id = stackId(), logicalResourceId = 'Keys') => new Stack(env.driver, { stackId: id, logicalResourceId, resourceType: TYPE, serviceToken });
  const props = (keys: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: keys, ...extra });
  const nameOf = (stack: Stack) => stack.resource.stackId.split('/')[1]!;

  const answered = (result: RequestResult, status: 'SUCCESS' | 'FAILED') => {
    expect(result.violations).toEqual([]);
    expect(result.putCount).toBe(1);
    if (result.status !== status) throw new Error(`expected ${status}, got ${result.status}: ${result.reason ?? ''}\n${result.stdout}`);
  };
  /** Verified, not skipped: no refusal, no "verification is off" warning. */
  const verified = (result: RequestResult, status: 'SUCCESS' | 'FAILED' = 'SUCCESS') => {
    answered(result, status);
    expect(result.stdout).not.toContain('request refused');
    expect(result.stdout).not.toContain('REQUEST_VERIFICATION is off');
  };
  const logLines = (result: RequestResult) =>
    result.stdout
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const aliasTarget = (state: Snapshot, region: string, aliasName: string) =>
    state.aliases.find((a) => a.region === region && a.aliasName === aliasName)?.targetKeyId;

  describe('every legitimate request succeeds with verification on', () => {
    it('Create, Update, the rollback Update and the Delete of a stack deletion, each confirmed by DescribeStackEvents', async () => {
      // Prepare
      const stack = newStack();
      await control().resetCounts();

      // Act
      const created = await stack.create(props({ 'cmk-life': { Region: 'us-east-1' } }));
      const updated = await scenarios.updateThenRollback(stack, props({ 'cmk-life': { Region: 'us-east-1', Description: 'changed' } }), { rollback: true });
      const deleted = await stack.delete();
      const counts = await control().counts();

      // Assess
      verified(created);
      expect(updated.problems).toEqual([]);
      for (const step of updated.steps) verified(step);
      verified(deleted);
      expect(counts.byOperation.DescribeStackEvents).toBeGreaterThanOrEqual(4);
    });

    it('the Delete after a failed Create', async () => {
      // Act
      const result = await scenarios.failedCreateThenDelete(newStack(), props({ 'cmk-bad': { Region: 'us-east-1', DeletionWindowInDays: 3 } }));

      // Assess
      expect(result.problems).toEqual([]);
      verified(result.steps[0]!, 'FAILED');
      expect(result.steps[0]!.reason).toContain('DeletionWindowInDays');
      verified(result.steps[1]!);
    });

    it('the Delete of the old physical id in UPDATE_COMPLETE_CLEANUP_IN_PROGRESS after a replacement (and not of the new one)', async () => {
      // Prepare: CloudFormation replaced the resource (new physical id) and now cleans up the old one
      const stack = newStack();
      verified(await stack.create(props({ 'cmk-replaced': { Region: 'us-east-1' } })));
      const oldId = stack.physicalResourceId!;
      const newId = 'mrkk-00000000000000000000000000000001';
      await env.driver.stackEvents!.settle(stack.resource.stackId);
      await env.driver.stackEvents!.record(stack.resource.stackId, [
        { logicalResourceId: 'Keys', physicalResourceId: oldId, resourceType: TYPE, resourceStatus: 'UPDATE_IN_PROGRESS' },
        {
          logicalResourceId: 'Keys',
          physicalResourceId: newId,
          resourceType: TYPE,
          resourceStatus: 'UPDATE_IN_PROGRESS',
          resourceStatusReason: 'Resource creation Initiated',
        },
        { logicalResourceId: 'Keys', physicalResourceId: newId, resourceType: TYPE, resourceStatus: 'UPDATE_COMPLETE' },
        {
          logicalResourceId: nameOf(stack),
          physicalResourceId: stack.resource.stackId,
          resourceType: 'AWS::CloudFormation::Stack',
          resourceStatus: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
        },
      ]);
      const forgedNew = { ...stack.nextEvent('Delete'), PhysicalResourceId: newId };

      // Act
      const forged = await env.driver.deliver(forgedNew, { recordStackEvents: false });
      const cleanup = await stack.delete();

      // Assess
      answered(forged, 'FAILED');
      expect(forged.reason).toContain('UPDATE_COMPLETE');
      verified(cleanup);
      expect(cleanup.event.PhysicalResourceId).toBe(oldId);
    });

    it('nested stacks and StackSets instances (stacks of their own, in the account)', async () => {
      // Prepare
      const nested = newStack(stackId('platform-NestedKeys-1A2B3C4D5E6F7'));
      const instance = newStack(stackId('StackSet-org-keys-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0'));

      // Act
      const results = [
        await nested.create(props({ 'cmk-nested': { Region: 'us-east-1' } })),
        await instance.create(props({ 'cmk-stackset': { Region: 'us-east-1' } })),
        await nested.delete(),
        await instance.delete(),
      ];

      // Assess
      for (const result of results) verified(result);
    });

    it("a renamed logical ID: the new resource's Create, then the old resource's Delete in the clean-up", async () => {
      // Prepare
      const id = stackId();
      const old = newStack(id, 'Keys');
      verified(await old.create(props({ 'cmk-renamed': { Region: 'us-east-1' } })));
      const renamed = newStack(id, 'PlatformKeys');

      // Act
      const created = await renamed.create(props({ 'cmk-renamed': { Region: 'us-east-1' } }));
      const cleanup = await old.delete();
      const state = await control().state();

      // Assess: the key moved to the new resource and survived the old one's Delete
      verified(created);
      verified(cleanup);
      const keyId = aliasTarget(state, 'us-east-1', 'alias/cmk-renamed')!;
      const key = state.keys.find((k) => k.keyId === keyId)!;
      expect(key.keyState).toBe('Enabled');
      expect(key.tags['MultiRegionKmsKeys:Owner']).toBe(renamed.physicalResourceId);
      verified(await renamed.delete());
    });
  });

  describe('each forged event changes nothing', () => {
    let victim: Stack;
    let keyId: string;

    beforeAll(async () => {
      victim = newStack(stackId('victim'));
      const created = await victim.create(props({ 'cmk-victim': { Region: 'us-east-1', ReplicaRegions: ['eu-west-1'] } }));
      answered(created, 'SUCCESS');
      keyId = created.data?.['KeyIds.us-east-1.cmk-victim'] as string;
      // CloudFormation has read the answer: the resource is CREATE_COMPLETE.
      await env.driver.stackEvents!.settle(victim.resource.stackId);
    });

    /** Delivers `event` without CloudFormation carrying it out; checks what every refusal must. */
    const forge = async (event: CustomResourceEvent, answer: 'FAILED' | 'none') => {
      await control().resetCounts();
      const result = await env.driver.deliver(event, { recordStackEvents: false });
      const counts = await control().counts();
      const state = await control().state();
      // Nothing changed: both members Enabled, both aliases on the key, no KMS or Account call at all.
      expect(
        state.keys
          .filter((k) => k.keyId === keyId)
          .map((k) => `${k.region}:${k.keyState}`)
          .sort(),
      ).toEqual(['eu-west-1:Enabled', 'us-east-1:Enabled']);
      for (const region of ['eu-west-1', 'us-east-1']) expect(aliasTarget(state, region, 'alias/cmk-victim')).toBe(keyId);
      expect(Object.keys(counts.byOperation).filter((op) => op !== 'DescribeStackEvents')).toEqual([]);
      // One structured log line: what was claimed and why it was refused; no key ARN.
      const lines = logLines(result);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        message: 'request refused',
        claimed: { stackId: event.StackId, logicalResourceId: event.LogicalResourceId, requestType: event.RequestType },
      });
      expect(result.stdout).not.toMatch(/arn:aws:kms:/);
      expect(result.stdout).not.toContain('X-Amz-Signature');
      if (answer === 'FAILED') {
        answered(result, 'FAILED');
        expect(result.reason).toMatch(/^Request refused, nothing was changed: /);
      } else {
        expect(result.putCount).toBe(0);
        expect(result.puts).toEqual([]);
        expect(lines[0]!.answer).toBe('none: the ResponseURL is not trusted');
        expect(result.stdout).not.toContain('response PUT failed');
      }
      return { result, counts, line: lines[0]! };
    };

    it('a StackId of another account: refused without reading CloudFormation', async () => {
      const event = { ...victim.nextEvent('Delete'), StackId: victim.resource.stackId.replace(`:${ACCOUNT_ID}:`, ':444455556666:') };
      const { result, counts } = await forge(event, 'FAILED');
      expect(result.reason).toContain('not of this function');
      expect(counts.byOperation.DescribeStackEvents).toBeUndefined();
    });

    it('a real stack with no operation in progress (a Delete, and a replayed Create)', async () => {
      const deleted = await forge(victim.nextEvent('Delete'), 'FAILED');
      expect(deleted.result.reason).toContain('CloudFormation is not deleting Keys');
      expect(deleted.result.reason).toContain('CREATE_COMPLETE');
      // Read again while the events might lag, then refused.
      expect(deleted.counts.byOperation.DescribeStackEvents).toBe(4);
      const replayed = await forge(victim.nextEvent('Create', props({ 'cmk-victim': { Region: 'us-east-1' } })), 'FAILED');
      expect(replayed.result.reason).toContain('CloudFormation is not creating Keys');
    });

    it('a wrong physical id', async () => {
      const event = { ...victim.nextEvent('Delete'), PhysicalResourceId: 'mrkk-ffffffffffffffffffffffffffffffff' };
      const { result } = await forge(event, 'FAILED');
      expect(result.reason).toContain('it has no event for it');
    });

    it("a Delete aimed at another stack's resource while the caller's own stack is really being deleted", async () => {
      // Prepare: the attacker's stack has a Delete of its own resource in progress
      const attacker = stackId('attacker');
      await env.driver.stackEvents!.record(attacker, [
        { logicalResourceId: 'Keys', physicalResourceId: 'mrkk-attacker', resourceType: TYPE, resourceStatus: 'DELETE_IN_PROGRESS' },
      ]);
      const event = { ...victim.nextEvent('Delete'), StackId: attacker };

      // Act / Assess: the victim's physical id is not what CloudFormation is deleting there
      const { result } = await forge(event, 'FAILED');
      expect(result.reason).toContain(`CloudFormation is not deleting Keys (${victim.physicalResourceId})`);
    });

    it('a ResponseURL that is not CloudFormation’s: no PUT at all, not even to a server that would accept it', async () => {
      const event = victim.nextEvent('Delete');
      const elsewhere = { ...event, ResponseURL: event.ResponseURL.replace('http://127.0.0.1:', 'http://localhost:') };
      const { line } = await forge(elsewhere, 'none');
      expect(line.reason).toBe('the ResponseURL uses http, not https');
      const attacker = await forge({ ...event, ResponseURL: 'https://collector.attacker.example/put?X-Amz-Signature=x' }, 'none');
      expect(attacker.line.reason).toBe(
        "the ResponseURL's host collector.attacker.example is not CloudFormation's response bucket for us-east-1 (cloudformation-custom-resource-response-useast1)",
      );
      expect(env.driver.responses.putsFor(event.ResponseURL)).toEqual([]);
      expect(env.driver.responses.strayPuts()).toEqual([]);
    });

    it('http://, userinfo and a lookalike host on CloudFormation’s bucket name: no PUT', async () => {
      const event = victim.nextEvent('Delete');
      const path = new URL(event.ResponseURL).pathname + new URL(event.ResponseURL).search;
      const http = await forge({ ...event, ResponseURL: `http://${CFN_HOST}${path}` }, 'none');
      const userinfo = await forge({ ...event, ResponseURL: `https://cloudformation:x@${CFN_HOST}${path}` }, 'none');
      const lookalike = await forge({ ...event, ResponseURL: `https://${CFN_HOST}.evil.example${path}` }, 'none');
      expect(http.line.reason).toBe('the ResponseURL uses http, not https');
      expect(userinfo.line.reason).toBe('the ResponseURL carries userinfo');
      expect(lookalike.line.reason).toContain(`host ${CFN_HOST}.evil.example is not CloudFormation's response bucket for us-east-1`);
      expect((lookalike.line.claimed as Record<string, unknown>).responseHost).toBe(`${CFN_HOST}.evil.example`);
    });
  });

  describe('adoption only with the owner’s consent', () => {
    const seed = async (name: string, tags: Record<string, string>) => {
      const { keyId } = await control().seedKey({ region: 'us-east-1', aliasName: `alias/${name}`, description: 'made elsewhere', tags });
      return keyId;
    };
    const keyOf = async (keyId: string) => (await control().state()).keys.find((k) => k.keyId === keyId && k.region === 'us-east-1')!;

    it('refuses a key without the tag, naming key, Region and the exact tag, and changes nothing', async () => {
      const stack = newStack();
      const keyId = await seed('legacy-none', { Team: 'legacy' });
      const created = await stack.create(props({ 'legacy-none': { Region: 'us-east-1' } }, { AdoptExistingKeys: true }));
      verified(created, 'FAILED');
      expect(created.reason).toContain(`alias/legacy-none in us-east-1 targets key ${keyId}`);
      expect(created.reason).toContain(`${ADOPTABLE_BY}=${nameOf(stack)}`);
      expect(created.reason).toContain(`"${ADOPTABLE_BY}" = "${nameOf(stack)}"`);
      expect((await keyOf(keyId)).tags).toEqual({ Team: 'legacy' });
      verified(await stack.delete());
      expect((await keyOf(keyId)).keyState).toBe('Enabled');
    });

    it('refuses a key offered to another stack', async () => {
      const stack = newStack();
      const keyId = await seed('legacy-other', { [ADOPTABLE_BY]: 'some-other-stack' });
      const created = await stack.create(props({ 'legacy-other': { Region: 'us-east-1' } }, { AdoptExistingKeys: true }));
      verified(created, 'FAILED');
      expect(created.reason).toContain('it is offered for adoption to "some-other-stack", not to this stack');
      expect((await keyOf(keyId)).tags).toEqual({ [ADOPTABLE_BY]: 'some-other-stack' });
      verified(await stack.delete());
    });

    it('adopts a key offered to this stack, and removes the tag when the next Update confirms the adoption', async () => {
      const stack = newStack();
      const keyId = await seed('legacy-offered', { Team: 'legacy', [ADOPTABLE_BY]: nameOf(stack) });
      const keys = { 'legacy-offered': { Region: 'us-east-1' } };
      const adopted = await stack.create(props(keys, { AdoptExistingKeys: true }));
      const recorded = await keyOf(keyId);
      const confirmed = await stack.update(props(keys));
      const after = await keyOf(keyId);
      verified(adopted);
      verified(confirmed);
      expect(recorded.tags['MultiRegionKmsKeys:Owner']).toBe(adopted.physicalResourceId);
      expect(recorded.tags[ADOPTABLE_BY]).toBe(nameOf(stack));
      expect(after.tags[ADOPTABLE_BY]).toBeUndefined();
      expect(after.tags['MultiRegionKmsKeys:Owner']).toBe(adopted.physicalResourceId);
      verified(await stack.delete());
    });
  });
});
