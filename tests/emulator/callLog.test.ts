/**
 * The control API's call log (`GET /__emulator/calls`): every mutating KMS call that took effect,
 * with its Region, operation, key and alias, emptied with the counters. The plan-equals-Update test
 * (tests/plan/planEqualsUpdate.e2e.test.ts) compares plans with it.
 */
import { CreateAliasCommand, CreateKeyCommand, DeleteAliasCommand, DescribeKeyCommand, DisableKeyCommand } from '@aws-sdk/client-kms';
import type { MutatingCall } from '../../local/emulator/state.ts';
import { type Harness, startHarness } from './harness.ts';

describe('Emulator: the call log', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('logs the mutating calls that took effect, not reads or refused calls, and forgets them with the counters', async () => {
    // Prepare
    const kms = h.kms('eu-west-1');
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
    const keyId = KeyMetadata!.KeyId!;

    // Act
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/logged', TargetKeyId: KeyMetadata!.Arn! }));
    await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    await expect(kms.send(new DeleteAliasCommand({ AliasName: 'alias/missing' }))).rejects.toThrow();
    await kms.send(new DisableKeyCommand({ KeyId: keyId }));
    const { calls } = await h.control<{ calls: MutatingCall[] }>('calls');
    await h.control('counts/reset', {});
    const after = await h.control<{ calls: MutatingCall[] }>('calls');

    // Assess
    expect(calls).toEqual([
      { region: 'eu-west-1', operation: 'CreateKey', keyId, aliasName: null },
      { region: 'eu-west-1', operation: 'CreateAlias', keyId, aliasName: 'alias/logged' },
      { region: 'eu-west-1', operation: 'DisableKey', keyId, aliasName: null },
    ]);
    expect(after.calls).toEqual([]);
  });
});
