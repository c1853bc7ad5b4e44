import {
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  EncryptCommand,
  ReplicateKeyCommand,
  ScheduleKeyDeletionCommand,
  TagResourceCommand,
  UpdatePrimaryRegionCommand,
} from '@aws-sdk/client-kms';
import { expectKmsError, type Harness, startHarness } from './harness.ts';

/** Longer than any test: the keys stay Updating until the clock is advanced. */
const UPDATING_MS = 600_000;

describe('Function: field realism — Updating after UpdatePrimaryRegion (updatingMs)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'], updatingMs: UPDATING_MS });
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(async () => {
    await h.control('reset', {});
  });

  /** A primary in us-east-1 with an Enabled replica in eu-west-1. */
  async function primaryWithReplica(): Promise<string> {
    const keyId = (await h.kms('us-east-1').send(new CreateKeyCommand({ MultiRegion: true }))).KeyMetadata!.KeyId!;
    await h.kms('us-east-1').send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'eu-west-1' }));
    await h.control('advance-time', { days: 0.001 });
    return keyId;
  }

  const stateIn = async (region: string, keyId: string) => (await h.kms(region).send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;

  it('leaves both keys Updating, refusing what the key-state table refuses, until the time has passed', async () => {
    // Prepare
    const keyId = await primaryWithReplica();
    // Act
    await h.kms('us-east-1').send(new UpdatePrimaryRegionCommand({ KeyId: keyId, PrimaryRegion: 'eu-west-1' }));
    const during = [await stateIn('us-east-1', keyId), await stateIn('eu-west-1', keyId)];
    const refusals = [
      await expectKmsError(
        h.kms('eu-west-1').send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'ap-southeast-2' })),
        'KMSInvalidStateException',
        /is updating/,
      ),
      await expectKmsError(h.kms('us-east-1').send(new DisableKeyCommand({ KeyId: keyId })), 'KMSInvalidStateException'),
      await expectKmsError(h.kms('us-east-1').send(new EnableKeyCommand({ KeyId: keyId })), 'KMSInvalidStateException'),
      await expectKmsError(h.kms('us-east-1').send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 })), 'KMSInvalidStateException'),
    ];
    const encrypted = await h.kms('us-east-1').send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('still usable') }));
    // The table's Updating column refuses only EnableKey, DisableKey, (Cancel|Schedule)KeyDeletion, ReplicateKey and imports.
    await h.kms('us-east-1').send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'during', TagValue: 'update' }] }));
    await h.control('advance-time', { days: 1 });
    const after = [await stateIn('us-east-1', keyId), await stateIn('eu-west-1', keyId)];
    // Assess
    expect(during.map((k) => k.KeyState)).toEqual(['Updating', 'Updating']);
    expect(during.map((k) => k.MultiRegionConfiguration!.MultiRegionKeyType)).toEqual(['REPLICA', 'REPLICA']);
    expect(refusals).toHaveLength(4);
    expect(encrypted.CiphertextBlob).toBeDefined();
    expect(after.map((k) => k.KeyState)).toEqual(['Enabled', 'Enabled']);
    expect(after.map((k) => k.MultiRegionConfiguration!.MultiRegionKeyType)).toEqual(['REPLICA', 'PRIMARY']);
  });

  it('answers DisabledException for a disabled primary or replica', async () => {
    // Prepare
    const first = await primaryWithReplica();
    const second = await primaryWithReplica();
    await h.kms('us-east-1').send(new DisableKeyCommand({ KeyId: first }));
    await h.kms('eu-west-1').send(new DisableKeyCommand({ KeyId: second }));
    // Act
    const primaryDisabled = await expectKmsError(
      h.kms('us-east-1').send(new UpdatePrimaryRegionCommand({ KeyId: first, PrimaryRegion: 'eu-west-1' })),
      'DisabledException',
    );
    const replicaDisabled = await expectKmsError(
      h.kms('us-east-1').send(new UpdatePrimaryRegionCommand({ KeyId: second, PrimaryRegion: 'eu-west-1' })),
      'DisabledException',
    );
    // Assess
    expect(primaryDisabled.message).toContain('us-east-1');
    expect(replicaDisabled.message).toContain('eu-west-1');
  });

  it('switches at once when updatingMs is 0', async () => {
    // Prepare
    await h.control('config', { updatingMs: 0 });
    const keyId = await primaryWithReplica();
    // Act
    await h.kms('us-east-1').send(new UpdatePrimaryRegionCommand({ KeyId: keyId, PrimaryRegion: 'eu-west-1' }));
    // Assess
    expect((await stateIn('eu-west-1', keyId)).KeyState).toBe('Enabled');
  });

  it('costs an UpdatePrimaryRegion token in the new primary Region too', async () => {
    // Prepare: one token per Region, refilled far slower than the test runs
    await h.control('config', { updatingMs: 0, quotas: { UpdatePrimaryRegion: 0.001 } });
    const first = await primaryWithReplica();
    const second = (await h.kms('ap-southeast-2').send(new CreateKeyCommand({ MultiRegion: true }))).KeyMetadata!.KeyId!;
    await h.kms('ap-southeast-2').send(new ReplicateKeyCommand({ KeyId: second, ReplicaRegion: 'eu-west-1' }));
    await h.control('advance-time', { days: 0.001 });
    // Act: the first move takes eu-west-1's token; the second, from a Region with a full bucket, finds eu-west-1's empty
    await h.kms('us-east-1').send(new UpdatePrimaryRegionCommand({ KeyId: first, PrimaryRegion: 'eu-west-1' }));
    const throttled = await expectKmsError(
      h.kms('ap-southeast-2').send(new UpdatePrimaryRegionCommand({ KeyId: second, PrimaryRegion: 'eu-west-1' })),
      'ThrottlingException',
    );
    // Assess
    expect(throttled).toBeDefined();
  });
});
