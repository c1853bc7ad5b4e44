/**
 * Walks KMS's key-state table (local/emulator/keyStates.ts) through the real SDK: for every row the
 * product (or `npm start`'s encrypt/decrypt) sends and every state the emulator can put a key in,
 * a fresh key in that state answers exactly what the table's cell says — DisabledException,
 * KMSInvalidStateException, or no key-state refusal at all.
 */
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateGrantCommand,
  CreateKeyCommand,
  DecryptCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  ListAliasesCommand,
  ListGrantsCommand,
  ListResourceTagsCommand,
  PutKeyPolicyCommand,
  ReplicateKeyCommand,
  RevokeGrantCommand,
  ScheduleKeyDeletionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  UpdateKeyDescriptionCommand,
  UpdatePrimaryRegionCommand,
} from '@aws-sdk/client-kms';
import { KEY_STATE_COLUMNS } from '../../local/emulator/keyStateCells.ts';
import { KEY_STATE_TABLE, keyStateOutcome } from '../../local/emulator/keyStates.ts';
import type { KeyState } from '../../local/emulator/kmsFacts.ts';
import { ACCOUNT, type Harness, startHarness } from './harness.ts';

const LONG_MS = 600_000;
const [R1, R2, R3] = ['us-east-1', 'eu-west-1', 'ap-southeast-2'] as const;
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'Root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }],
});

/** A key in the state under test, with what some operations need made while it was still usable. */
interface Subject {
  region: string;
  keyId: string;
  /** An Enabled Region holding a replica (UpdatePrimaryRegion's target), if any. */
  replicaRegion: string | null;
  grantId: string;
  aliasName: string;
  /** An alias on another Enabled key of the Region (UpdateAlias's source). */
  otherAlias: string;
  blob: Uint8Array;
}

/** The operations the product sends that act on an existing key, plus the cryptographic ones `npm start` uses. */
const OPERATIONS: Record<string, (h: Harness, s: Subject) => Promise<unknown>> = {
  CancelKeyDeletion: (h, s) => h.kms(s.region).send(new CancelKeyDeletionCommand({ KeyId: s.keyId })),
  CreateAlias: (h, s) => h.kms(s.region).send(new CreateAliasCommand({ AliasName: `${s.aliasName}-new`, TargetKeyId: s.keyId })),
  CreateGrant: (h, s) =>
    h.kms(s.region).send(new CreateGrantCommand({ KeyId: s.keyId, GranteePrincipal: `arn:aws:iam::${ACCOUNT}:role/grantee`, Operations: ['Decrypt'] })),
  Decrypt: (h, s) => h.kms(s.region).send(new DecryptCommand({ KeyId: s.keyId, CiphertextBlob: s.blob })),
  DeleteAlias: (h, s) => h.kms(s.region).send(new DeleteAliasCommand({ AliasName: s.aliasName })),
  DescribeKey: (h, s) => h.kms(s.region).send(new DescribeKeyCommand({ KeyId: s.keyId })),
  DisableKey: (h, s) => h.kms(s.region).send(new DisableKeyCommand({ KeyId: s.keyId })),
  DisableKeyRotation: (h, s) => h.kms(s.region).send(new DisableKeyRotationCommand({ KeyId: s.keyId })),
  EnableKey: (h, s) => h.kms(s.region).send(new EnableKeyCommand({ KeyId: s.keyId })),
  EnableKeyRotation: (h, s) => h.kms(s.region).send(new EnableKeyRotationCommand({ KeyId: s.keyId })),
  Encrypt: (h, s) => h.kms(s.region).send(new EncryptCommand({ KeyId: s.keyId, Plaintext: Buffer.from('x') })),
  GenerateDataKey: (h, s) => h.kms(s.region).send(new GenerateDataKeyCommand({ KeyId: s.keyId, KeySpec: 'AES_256' })),
  GetKeyPolicy: (h, s) => h.kms(s.region).send(new GetKeyPolicyCommand({ KeyId: s.keyId })),
  GetKeyRotationStatus: (h, s) => h.kms(s.region).send(new GetKeyRotationStatusCommand({ KeyId: s.keyId })),
  ListAliases: (h, s) => h.kms(s.region).send(new ListAliasesCommand({ KeyId: s.keyId })),
  ListGrants: (h, s) => h.kms(s.region).send(new ListGrantsCommand({ KeyId: s.keyId })),
  ListResourceTags: (h, s) => h.kms(s.region).send(new ListResourceTagsCommand({ KeyId: s.keyId })),
  PutKeyPolicy: (h, s) => h.kms(s.region).send(new PutKeyPolicyCommand({ KeyId: s.keyId, Policy: POLICY })),
  ReplicateKey: (h, s) => h.kms(s.region).send(new ReplicateKeyCommand({ KeyId: s.keyId, ReplicaRegion: R3 })),
  RevokeGrant: (h, s) => h.kms(s.region).send(new RevokeGrantCommand({ KeyId: s.keyId, GrantId: s.grantId })),
  ScheduleKeyDeletion: (h, s) => h.kms(s.region).send(new ScheduleKeyDeletionCommand({ KeyId: s.keyId, PendingWindowInDays: 7 })),
  TagResource: (h, s) => h.kms(s.region).send(new TagResourceCommand({ KeyId: s.keyId, Tags: [{ TagKey: 'k', TagValue: 'v' }] })),
  UntagResource: (h, s) => h.kms(s.region).send(new UntagResourceCommand({ KeyId: s.keyId, TagKeys: ['k'] })),
  UpdateAlias: (h, s) => h.kms(s.region).send(new UpdateAliasCommand({ AliasName: s.otherAlias, TargetKeyId: s.keyId })),
  UpdateKeyDescription: (h, s) => h.kms(s.region).send(new UpdateKeyDescriptionCommand({ KeyId: s.keyId, Description: 'd' })),
  UpdatePrimaryRegion: (h, s) => h.kms(s.region).send(new UpdatePrimaryRegionCommand({ KeyId: s.keyId, PrimaryRegion: s.replicaRegion ?? R2 })),
};

/**
 * Cells that cannot be reached for a reason other than the key state: ReplicateKey and
 * UpdatePrimaryRegion act on a primary only, and a key is `Creating` only as a new replica.
 */
const NOT_A_PRIMARY: Partial<Record<KeyState, readonly string[]>> = { Creating: ['ReplicateKey', 'UpdatePrimaryRegion'] };

/** States the emulator can put a key in (PendingImport and Unavailable need imported material or a custom key store). */
const REACHABLE: readonly KeyState[] = ['Enabled', 'Disabled', 'PendingDeletion', 'PendingReplicaDeletion', 'Creating', 'Updating'];

let counter = 0;

/** A multi-Region primary in `region` with a grant, an alias, a ciphertext, and a second aliased key. */
async function usableKey(h: Harness, region: string): Promise<Omit<Subject, 'replicaRegion'>> {
  const n = ++counter;
  const kms = h.kms(region);
  const keyId = (await kms.send(new CreateKeyCommand({ MultiRegion: true }))).KeyMetadata!.KeyId!;
  return { region, keyId, ...(await extras(h, region, keyId, n)) };
}

async function extras(h: Harness, region: string, keyId: string, n: number): Promise<Omit<Subject, 'region' | 'keyId' | 'replicaRegion'>> {
  const kms = h.kms(region);
  const grantId = (await kms.send(new CreateGrantCommand({ KeyId: keyId, GranteePrincipal: `arn:aws:iam::${ACCOUNT}:role/g`, Operations: ['Decrypt'] })))
    .GrantId!;
  const aliasName = `alias/subject-${n}`;
  await kms.send(new CreateAliasCommand({ AliasName: aliasName, TargetKeyId: keyId }));
  const other = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
  const otherAlias = `alias/other-${n}`;
  await kms.send(new CreateAliasCommand({ AliasName: otherAlias, TargetKeyId: other }));
  const blob = (await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('secret') }))).CiphertextBlob!;
  return { grantId, aliasName, otherAlias, blob };
}

/** Brings replicas out of `Creating` (the emulator's clock; `replicaCreatingMs` is long here). */
const settle = (h: Harness) => h.control('advance-time', { days: 0.01 });

async function replicate(h: Harness, from: string, keyId: string, to: string): Promise<void> {
  await h.kms(from).send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: to }));
}

/** A fresh key in `state`. */
async function subjectIn(h: Harness, state: KeyState): Promise<Subject> {
  switch (state) {
    case 'Enabled':
    case 'Disabled': {
      const key = await usableKey(h, R1);
      await replicate(h, R1, key.keyId, R2);
      await settle(h);
      if (state === 'Disabled') await h.kms(R1).send(new DisableKeyCommand({ KeyId: key.keyId }));
      return { ...key, replicaRegion: R2 };
    }
    case 'PendingDeletion': {
      const key = await usableKey(h, R1);
      await h.kms(R1).send(new ScheduleKeyDeletionCommand({ KeyId: key.keyId, PendingWindowInDays: 7 }));
      return { ...key, replicaRegion: null };
    }
    case 'PendingReplicaDeletion': {
      const key = await usableKey(h, R1);
      await replicate(h, R1, key.keyId, R2);
      await settle(h);
      await h.kms(R1).send(new ScheduleKeyDeletionCommand({ KeyId: key.keyId, PendingWindowInDays: 7 }));
      return { ...key, replicaRegion: R2 };
    }
    case 'Creating': {
      const primary = await usableKey(h, R1);
      await replicate(h, R1, primary.keyId, R3);
      const { grantId, otherAlias } = await extras(h, R1, primary.keyId, ++counter);
      // The replica's own grant and alias cannot be made while it is Creating: unknown ids are enough here.
      return {
        region: R3,
        keyId: primary.keyId,
        replicaRegion: null,
        grantId,
        aliasName: otherAlias,
        otherAlias: await otherAliasIn(h, R3),
        blob: primary.blob,
      };
    }
    case 'Updating': {
      const old = await usableKey(h, R1);
      await replicate(h, R1, old.keyId, R2);
      await settle(h);
      const fresh = await extras(h, R2, old.keyId, ++counter);
      await h.kms(R1).send(new UpdatePrimaryRegionCommand({ KeyId: old.keyId, PrimaryRegion: R2 }));
      return { region: R2, keyId: old.keyId, replicaRegion: R1, ...fresh };
    }
    default:
      throw new Error(`no fixture for ${state}`);
  }
}

async function otherAliasIn(h: Harness, region: string): Promise<string> {
  const other = (await h.kms(region).send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
  const name = `alias/other-${++counter}`;
  await h.kms(region).send(new CreateAliasCommand({ AliasName: name, TargetKeyId: other }));
  return name;
}

/** What the call answered, reduced to the table's vocabulary (any other error is not a key-state refusal). */
async function outcomeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (error) {
    const name = (error as Error).name;
    return name === 'DisabledException' || name === 'KMSInvalidStateException' ? name : `ok (then ${name})`;
  }
}

describe('Function: the emulator follows KMS key-state table', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ regions: [R1, R2, R3], replicaCreatingMs: LONG_MS, updatingMs: LONG_MS });
  });
  afterAll(async () => {
    await h.close();
  });

  it('has a row for every operation walked here, each with a cell per column', () => {
    for (const operation of Object.keys(OPERATIONS)) expect(KEY_STATE_TABLE[operation]).toHaveLength(KEY_STATE_COLUMNS.length);
  });

  it.each(REACHABLE)('answers what the table says for every operation on a %s key', async (state) => {
    // Prepare
    const probe = await subjectIn(h, state);
    const described = (await h.kms(probe.region).send(new DescribeKeyCommand({ KeyId: probe.keyId }))).KeyMetadata!;
    const operations = Object.keys(OPERATIONS).filter((op) => !(NOT_A_PRIMARY[state] ?? []).includes(op));
    // Act
    const answered: Record<string, string> = {};
    for (const operation of operations) answered[operation] = await outcomeOf(OPERATIONS[operation]!(h, await subjectIn(h, state)));
    // Assess
    expect(described.KeyState).toBe(state);
    const expected = Object.fromEntries(operations.map((op) => [op, keyStateOutcome(op, state)]));
    const reduced = Object.fromEntries(Object.entries(answered).map(([op, outcome]) => [op, outcome.startsWith('ok') ? 'ok' : outcome]));
    expect(reduced).toEqual(expected);
  });

  it('answers the footnotes’ messages: is disabled, is creating, is updating, is not pending deletion', async () => {
    const messageOf = async (call: Promise<unknown>) =>
      call.then(
        () => '',
        (error: Error) => error.message,
      );
    const disabled = await subjectIn(h, 'Disabled');
    const enabled = await subjectIn(h, 'Enabled');
    // Last: making the others moves the clock, which ends Updating and Creating.
    const updating = await subjectIn(h, 'Updating');
    const creating = await subjectIn(h, 'Creating');
    expect(await messageOf(OPERATIONS.CreateGrant!(h, disabled))).toMatch(/ is disabled\.$/);
    expect(await messageOf(OPERATIONS.CreateGrant!(h, creating))).toMatch(/ is creating\.$/);
    expect(await messageOf(OPERATIONS.EnableKey!(h, updating))).toMatch(/ is updating\.$/);
    expect(await messageOf(OPERATIONS.CancelKeyDeletion!(h, enabled))).toMatch(/ is not pending deletion\.$/);
  });
});
