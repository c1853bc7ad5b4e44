import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  ListKeysCommand,
  ReplicateKeyCommand,
  TagResourceCommand,
} from '@aws-sdk/client-kms';
import { ACCOUNT, expectKmsError, type Harness, rootPolicy, startHarness } from './harness.ts';

const CALLER = `arn:aws:iam::${ACCOUNT}:role/multi-region-kms-keys-function`;

function allow(actions: string[], condition?: object): object {
  return { Effect: 'Allow', Action: actions, Resource: '*', ...(condition === undefined ? {} : { Condition: condition }) };
}

function policy(...statements: object[]): object {
  return { Version: '2012-10-17', Statement: statements };
}

/** A key policy that names the caller itself, besides the account root. */
function namingCaller(actions: string[]): string {
  return rootPolicy([{ Sid: 'Caller', Effect: 'Allow', Principal: { AWS: CALLER }, Action: actions, Resource: '*' }]);
}

describe('Function: field realism — IAM authorisation (identityPolicy)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ regions: ['us-east-1', 'eu-west-1'], callerArn: CALLER });
  });
  afterAll(async () => {
    await h.close();
  });

  const configure = (identityPolicy: object | null, extra: object = {}) => h.control('reset', { identityPolicy, ...extra });

  it('allows what a key policy naming the caller allows, without any identity policy statement for it', async () => {
    // Prepare
    await configure(policy(allow(['kms:CreateKey'])));
    const keyId = (await h.kms('us-east-1').send(new CreateKeyCommand({ Policy: namingCaller(['kms:DescribeKey']) }))).KeyMetadata!.KeyId!;
    // Act
    const described = await h.kms('us-east-1').send(new DescribeKeyCommand({ KeyId: keyId }));
    // Assess
    expect(described.KeyMetadata!.KeyId).toBe(keyId);
  });

  it('needs the identity policy too when the key policy only delegates to the account root', async () => {
    // Prepare
    await configure(policy(allow(['kms:CreateKey'])));
    const keyId = (await h.kms('us-east-1').send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    // Act
    const denied = await expectKmsError(h.kms('us-east-1').send(new DescribeKeyCommand({ KeyId: keyId })), 'AccessDeniedException');
    await configure(policy(allow(['kms:CreateKey', 'kms:DescribeKey'])));
    const second = (await h.kms('us-east-1').send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const allowed = await h.kms('us-east-1').send(new DescribeKeyCommand({ KeyId: second }));
    // Assess
    expect(denied.message).toBe(
      `User: ${CALLER} is not authorized to perform: kms:DescribeKey on resource: arn:aws:kms:us-east-1:${ACCOUNT}:key/${keyId} because no identity-based policy allows the kms:DescribeKey action`,
    );
    expect(allowed.KeyMetadata!.KeyId).toBe(second);
  });

  it('answers a listing the identity policy does not allow with the wording for a missing identity-policy Allow', async () => {
    // Prepare
    await configure(policy(allow(['kms:CreateKey'])));
    // Act
    const denied = await expectKmsError(h.kms('eu-west-1').send(new ListKeysCommand({})), 'AccessDeniedException');
    // Assess
    expect(denied.message).toBe(
      `User: ${CALLER} is not authorized to perform: kms:ListKeys on resource: * because no identity-based policy allows the kms:ListKeys action`,
    );
  });

  it('lets an explicit Deny win, in the identity policy or in the key policy', async () => {
    // Prepare
    await configure(
      policy(allow(['kms:*']), { Effect: 'Deny', Action: 'kms:DescribeKey', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/locked': 'yes' } } }),
    );
    const kms = h.kms('us-east-1');
    const tagged = (await kms.send(new CreateKeyCommand({ Policy: namingCaller(['kms:*']), Tags: [{ TagKey: 'locked', TagValue: 'yes' }] }))).KeyMetadata!
      .KeyId!;
    const denyInKeyPolicy = rootPolicy([{ Sid: 'NoDescribe', Effect: 'Deny', Principal: { AWS: CALLER }, Action: 'kms:DescribeKey', Resource: '*' }]);
    const selfDenied = (await kms.send(new CreateKeyCommand({ Policy: denyInKeyPolicy, BypassPolicyLockoutSafetyCheck: true }))).KeyMetadata!.KeyId!;
    // Act
    const identityDeny = await expectKmsError(
      kms.send(new DescribeKeyCommand({ KeyId: tagged })),
      'AccessDeniedException',
      /explicit deny in an identity-based policy/,
    );
    const keyPolicyDeny = await expectKmsError(kms.send(new DescribeKeyCommand({ KeyId: selfDenied })), 'AccessDeniedException', /explicit deny/);
    // Assess
    expect(identityDeny).toBeDefined();
    expect(keyPolicyDeny).toBeDefined();
  });

  it('evaluates aws:RequestTag, aws:RequestedRegion and kms:CallerAccount on CreateKey', async () => {
    // Prepare
    await configure(
      policy(
        allow(['kms:CreateKey'], {
          StringEquals: { 'aws:RequestTag/team': 'payments', 'aws:RequestedRegion': 'us-east-1', 'kms:CallerAccount': ACCOUNT },
        }),
      ),
    );
    const tags = [{ TagKey: 'team', TagValue: 'payments' }];
    // Act
    const created = await h.kms('us-east-1').send(new CreateKeyCommand({ Tags: tags }));
    const untagged = await expectKmsError(h.kms('us-east-1').send(new CreateKeyCommand({})), 'AccessDeniedException');
    const otherRegion = await expectKmsError(h.kms('eu-west-1').send(new CreateKeyCommand({ Tags: tags })), 'AccessDeniedException');
    // Assess
    expect(created.KeyMetadata!.KeyId).toBeDefined();
    expect(untagged.message).toContain('kms:CreateKey on resource: *');
    expect(otherRegion).toBeDefined();
  });

  it('needs kms:CreateKey in the replica Region for ReplicateKey, without the request tags (the pessimistic reading)', async () => {
    // Prepare: CreateKey only with an owner tag — the replica-side CreateKey carries none
    const ownerTag = { 'aws:RequestTag/owner': 'me' };
    const base = [allow(['kms:CreateKey'], { StringEquals: ownerTag }), allow(['kms:ReplicateKey', 'kms:DescribeKey'])];
    await configure(policy(...base));
    const tags = [{ TagKey: 'owner', TagValue: 'me' }];
    const keyId = (await h.kms('us-east-1').send(new CreateKeyCommand({ MultiRegion: true, Tags: tags }))).KeyMetadata!.KeyId!;
    // Act
    const withoutReplicaCreate = await expectKmsError(
      h.kms('us-east-1').send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'eu-west-1', Tags: tags })),
      'AccessDeniedException',
      /kms:CreateKey on resource: \*/,
    );
    await h.control('config', { identityPolicy: policy(...base, allow(['kms:CreateKey'], { StringEquals: { 'kms:MultiRegionKeyType': 'REPLICA' } })) });
    const withoutReplicaTag = await expectKmsError(
      h.kms('us-east-1').send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'eu-west-1', Tags: tags })),
      'AccessDeniedException',
      /kms:TagResource on resource: arn:aws:kms:eu-west-1:/,
    );
    const untaggedReplica = await h.kms('us-east-1').send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'eu-west-1' }));
    // Assess
    expect(withoutReplicaCreate).toBeDefined();
    expect(withoutReplicaTag).toBeDefined();
    expect(untaggedReplica.ReplicaKeyMetadata!.KeyId).toBe(keyId);
  });

  it('checks the replica-side TagResource of ReplicateKey in the IAM policy only, never in the replica key policy the request gives', async () => {
    // Prepare: the identity policy allows everything but TagResource; the replica's Policy names the caller for kms:*
    await configure(policy(allow(['kms:CreateKey', 'kms:ReplicateKey', 'kms:DescribeKey'])));
    const keyId = (await h.kms('us-east-1').send(new CreateKeyCommand({ MultiRegion: true, Policy: namingCaller(['kms:*']) }))).KeyMetadata!.KeyId!;
    // Act
    const denied = await expectKmsError(
      h
        .kms('us-east-1')
        .send(
          new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'eu-west-1', Policy: namingCaller(['kms:*']), Tags: [{ TagKey: 'owner', TagValue: 'me' }] }),
        ),
      'AccessDeniedException',
      /kms:TagResource on resource: arn:aws:kms:eu-west-1:/,
    );
    // Assess
    expect(denied).toBeDefined();
  });

  it('never offers aws:RequestTag to ReplicateKey (KMS has no such condition key on it)', async () => {
    // Prepare
    await configure(
      policy(allow(['kms:CreateKey', 'kms:DescribeKey', 'kms:TagResource']), allow(['kms:ReplicateKey'], { Null: { 'aws:RequestTag/owner': 'false' } })),
    );
    const keyId = (await h.kms('us-east-1').send(new CreateKeyCommand({ MultiRegion: true }))).KeyMetadata!.KeyId!;
    // Act
    const denied = await expectKmsError(
      h.kms('us-east-1').send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'eu-west-1', Tags: [{ TagKey: 'owner', TagValue: 'me' }] })),
      'AccessDeniedException',
      /kms:ReplicateKey/,
    );
    // Assess
    expect(denied).toBeDefined();
  });

  it('sees a new tag in aws:ResourceTag only after tagPropagationMs', async () => {
    // Prepare
    await configure(policy(allow(['kms:CreateKey', 'kms:TagResource']), allow(['kms:DescribeKey'], { StringEquals: { 'aws:ResourceTag/owner': 'me' } })), {
      tagPropagationMs: 600_000,
    });
    const kms = h.kms('us-east-1');
    const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    await kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'owner', TagValue: 'me' }] }));
    // Act
    const before = await expectKmsError(kms.send(new DescribeKeyCommand({ KeyId: keyId })), 'AccessDeniedException');
    await h.control('advance-time', { days: 1 });
    const after = await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    // Assess
    expect(before).toBeDefined();
    expect(after.KeyMetadata!.KeyId).toBe(keyId);
  });

  it('authorises nothing when no identity policy is set', async () => {
    // Prepare
    await configure(null);
    // Act
    const listed = await h.kms('us-east-1').send(new ListKeysCommand({}));
    // Assess
    expect(listed.Keys!.length).toBeGreaterThan(0);
  });
});

describe('Function: field realism — IAM authorisation of Decrypt', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ regions: ['us-east-1'], callerArn: CALLER });
  });
  afterAll(async () => {
    await h.close();
  });

  it('checks Decrypt without KeyId on the key the ciphertext names', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const open = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    const closed = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    const sealed = async (keyId: string) => (await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') }))).CiphertextBlob!;
    const openBlob = await sealed(open);
    const closedBlob = await sealed(closed);
    await h.control('config', { identityPolicy: policy({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: open }) });
    // Act
    const decrypted = await kms.send(new DecryptCommand({ CiphertextBlob: openBlob }));
    const denied = await expectKmsError(
      kms.send(new DecryptCommand({ CiphertextBlob: closedBlob })),
      'AccessDeniedException',
      /kms:Decrypt on resource: arn:aws:kms:/,
    );
    // Assess
    expect(decrypted.KeyId).toBe(open);
    expect(denied.message).toContain(closed);
  });
});
