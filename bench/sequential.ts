/**
 * The naive baseline the bench compares against: the same keys made (and removed) one Region after
 * another, one call at a time, with the SDK's own retry as the only defence against throttling —
 * how a straightforward script would do it.
 */
import {
  CreateAliasCommand,
  CreateGrantCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  EnableKeyRotationCommand,
  type GrantOperation,
  KMSClient,
  ListAliasesCommand,
  ReplicateKeyCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';

export interface BenchKeySet {
  /** Names of the per-Region keys (one independent key in every Region). */
  perRegionKeys: string[];
  regions: string[];
  /** One multi-Region key: primary Region and replica Regions. */
  multiRegionKey: { name: string; primaryRegion: string; replicaRegions: string[] };
  policy: string;
  /** One grant on every key in every Region it is in; none when absent. */
  grant?: { granteePrincipal: string; operations: string[] };
}

async function grantOn(kms: KMSClient, keyId: string, set: BenchKeySet): Promise<void> {
  if (set.grant === undefined) return;
  const { granteePrincipal, operations } = set.grant;
  await kms.send(new CreateGrantCommand({ KeyId: keyId, GranteePrincipal: granteePrincipal, Operations: operations as GrantOperation[], Name: 'bench-grant' }));
}

function client(endpoint: string, region: string): KMSClient {
  return new KMSClient({
    region,
    endpoint,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 20,
  });
}

async function waitEnabled(kms: KMSClient, keyId: string): Promise<void> {
  for (;;) {
    const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    if (KeyMetadata?.KeyState === 'Enabled') return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Creates every key of `set`, sequentially. */
export async function sequentialCreate(endpoint: string, set: BenchKeySet): Promise<void> {
  for (const region of set.regions) {
    const kms = client(endpoint, region);
    for (const name of set.perRegionKeys) {
      const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Policy: set.policy, Description: name, Tags: [{ TagKey: 'bench', TagValue: name }] }));
      const keyId = KeyMetadata!.KeyId!;
      await kms.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 365 }));
      await kms.send(new CreateAliasCommand({ AliasName: `alias/${name}`, TargetKeyId: keyId }));
      await grantOn(kms, keyId, set);
    }
  }
  const mrk = set.multiRegionKey;
  const primary = client(endpoint, mrk.primaryRegion);
  const { KeyMetadata } = await primary.send(
    new CreateKeyCommand({ Policy: set.policy, Description: mrk.name, MultiRegion: true, Tags: [{ TagKey: 'bench', TagValue: mrk.name }] }),
  );
  const keyId = KeyMetadata!.KeyId!;
  await primary.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 365 }));
  await primary.send(new CreateAliasCommand({ AliasName: `alias/${mrk.name}`, TargetKeyId: keyId }));
  await grantOn(primary, keyId, set);
  for (const region of mrk.replicaRegions) {
    await primary.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: region, Policy: set.policy, Description: mrk.name }));
    const replica = client(endpoint, region);
    await waitEnabled(replica, keyId);
    await replica.send(new CreateAliasCommand({ AliasName: `alias/${mrk.name}`, TargetKeyId: keyId }));
    await grantOn(replica, keyId, set);
  }
}

/** Removes every key of `set`, sequentially: alias first, replicas before the primary. */
export async function sequentialDelete(endpoint: string, set: BenchKeySet): Promise<void> {
  const names = new Set([...set.perRegionKeys, set.multiRegionKey.name].map((n) => `alias/${n}`));
  const mrk = set.multiRegionKey;
  const order = [...set.regions.filter((r) => r !== mrk.primaryRegion), mrk.primaryRegion];
  for (const region of order) {
    const kms = client(endpoint, region);
    let marker: string | undefined;
    const targets: { alias: string; keyId: string }[] = [];
    do {
      const page = await kms.send(new ListAliasesCommand({ Marker: marker, Limit: 100 }));
      for (const a of page.Aliases ?? [])
        if (a.AliasName && a.TargetKeyId && names.has(a.AliasName)) targets.push({ alias: a.AliasName, keyId: a.TargetKeyId });
      marker = page.Truncated ? page.NextMarker : undefined;
    } while (marker);
    for (const t of targets) {
      await kms.send(new DeleteAliasCommand({ AliasName: t.alias }));
      await kms.send(new ScheduleKeyDeletionCommand({ KeyId: t.keyId, PendingWindowInDays: 7 }));
    }
  }
}
