import {
  CreateGrantCommand,
  CreateKeyCommand,
  ListGrantsCommand,
  ListRetirableGrantsCommand,
  ReplicateKeyCommand,
  RetireGrantCommand,
  RevokeGrantCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { ACCOUNT, expectKmsError, type Harness, startHarness } from './harness.ts';

const GRANTEE = 'arn:aws:iam::444455556666:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling';
const RETIRER = `arn:aws:iam::${ACCOUNT}:role/retirer`;

describe('Function: emulator grants (CreateGrant, ListGrants, RevokeGrant, RetireGrant, ListRetirableGrants)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ regions: ['us-east-1', 'eu-west-1'] });
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(async () => {
    await h.control('reset', {});
  });
  const newKey = async (input: object = {}) => (await h.kms('us-east-1').send(new CreateKeyCommand(input))).KeyMetadata!.KeyId!;

  it('answers the same GrantId for the same name and parameters, with a new token each time', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const KeyId = await newKey();
    const request = { KeyId, Name: 'MultiRegionKmsKeys:x:asg:0', GranteePrincipal: GRANTEE, Operations: ['Decrypt', 'DescribeKey'] as const };

    // Act
    const first = await kms.send(new CreateGrantCommand({ ...request, Operations: [...request.Operations] }));
    const second = await kms.send(new CreateGrantCommand({ ...request, Operations: ['DescribeKey', 'Decrypt'] }));
    const changed = await kms.send(new CreateGrantCommand({ ...request, Operations: ['Decrypt'] }));
    const listed = await kms.send(new ListGrantsCommand({ KeyId }));

    // Assess
    expect(first.GrantId).toMatch(/^[0-9a-f]{64}$/);
    expect(second.GrantId).toBe(first.GrantId);
    expect(second.GrantToken).not.toBe(first.GrantToken);
    expect(changed.GrantId).not.toBe(first.GrantId);
    expect(listed.Grants!.map((g) => g.GrantId).sort()).toEqual([first.GrantId, changed.GrantId].sort());
    expect(listed.Grants!.find((g) => g.GrantId === first.GrantId)).toMatchObject({
      Name: request.Name,
      GranteePrincipal: GRANTEE,
      IssuingAccount: `arn:aws:iam::${ACCOUNT}:root`,
    });
  });

  it('pages ListGrants with Limit and Marker', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const KeyId = await newKey();
    for (let i = 0; i < 5; i++) await kms.send(new CreateGrantCommand({ KeyId, GranteePrincipal: GRANTEE, Operations: ['Decrypt'], Name: `g${i}` }));

    // Act
    const ids: string[] = [];
    let Marker: string | undefined;
    let pages = 0;
    do {
      const page = await kms.send(new ListGrantsCommand({ KeyId, Limit: 2, Marker }));
      ids.push(...page.Grants!.map((g) => g.GrantId!));
      Marker = page.Truncated ? page.NextMarker : undefined;
      pages++;
    } while (Marker !== undefined);

    // Assess
    expect(pages).toBe(3);
    expect(new Set(ids).size).toBe(5);
  });

  it("refuses operations the key's usage cannot do, constraints on asymmetric keys, and bad names", async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const symmetric = await newKey();
    const signing = await newKey({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });

    // Act / Assess
    await expectKmsError(kms.send(new CreateGrantCommand({ KeyId: symmetric, GranteePrincipal: GRANTEE, Operations: ['Sign'] })), 'ValidationException');
    await expectKmsError(
      kms.send(new CreateGrantCommand({ KeyId: signing, GranteePrincipal: GRANTEE, Operations: ['GenerateDataKey'] })),
      'ValidationException',
    );
    await expectKmsError(
      kms.send(
        new CreateGrantCommand({ KeyId: signing, GranteePrincipal: GRANTEE, Operations: ['Sign'], Constraints: { EncryptionContextSubset: { a: 'b' } } }),
      ),
      'ValidationException',
    );
    await expectKmsError(
      kms.send(new CreateGrantCommand({ KeyId: symmetric, GranteePrincipal: GRANTEE, Operations: ['Decrypt'], Name: 'has space' })),
      'ValidationException',
    );
    await expectKmsError(kms.send(new CreateGrantCommand({ KeyId: symmetric, GranteePrincipal: 'nobody', Operations: ['Decrypt'] })), 'InvalidArnException');
    const signGrant = await kms.send(new CreateGrantCommand({ KeyId: signing, GranteePrincipal: GRANTEE, Operations: ['Sign', 'Verify', 'DescribeKey'] }));
    expect(signGrant.GrantId).toBeDefined();
  });

  it('keeps grants per Region, refuses CreateGrant on a key pending deletion, and revokes or retires', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const KeyId = await newKey({ MultiRegion: true });
    await kms.send(new ReplicateKeyCommand({ KeyId, ReplicaRegion: 'eu-west-1' }));
    const { GrantId } = await kms.send(new CreateGrantCommand({ KeyId, GranteePrincipal: GRANTEE, Operations: ['Decrypt'], RetiringPrincipal: RETIRER }));
    const other = await kms.send(new CreateGrantCommand({ KeyId, GranteePrincipal: GRANTEE, Operations: ['Encrypt'] }));

    // Act
    const replicaGrants = await h.kms('eu-west-1').send(new ListGrantsCommand({ KeyId }));
    const retirable = await kms.send(new ListRetirableGrantsCommand({ RetiringPrincipal: RETIRER }));
    await kms.send(new RevokeGrantCommand({ KeyId, GrantId: other.GrantId }));
    await expectKmsError(kms.send(new RevokeGrantCommand({ KeyId, GrantId: other.GrantId })), 'NotFoundException');
    await h.control('config', { callerArn: RETIRER });
    await kms.send(new RetireGrantCommand({ KeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/${KeyId}`, GrantId }));
    const after = await kms.send(new ListGrantsCommand({ KeyId }));
    const single = await newKey();
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: single, PendingWindowInDays: 7 }));

    // Assess
    expect(replicaGrants.Grants).toEqual([]);
    expect(retirable.Grants!.map((g) => g.GrantId)).toEqual([GrantId]);
    expect(after.Grants).toEqual([]);
    await expectKmsError(kms.send(new CreateGrantCommand({ KeyId: single, GranteePrincipal: GRANTEE, Operations: ['Decrypt'] })), 'KMSInvalidStateException');
  });

  it('lets grants vanish with the key', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const KeyId = await newKey();
    await kms.send(new CreateGrantCommand({ KeyId, GranteePrincipal: GRANTEE, Operations: ['Decrypt'] }));
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId, PendingWindowInDays: 7 }));

    // Act
    await h.control('advance-time', { days: 8 });

    // Assess
    await expectKmsError(kms.send(new ListGrantsCommand({ KeyId })), 'NotFoundException');
  });
});
