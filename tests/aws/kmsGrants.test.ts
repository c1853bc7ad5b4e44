import { CreateGrantCommand, KMSClient, ListGrantsCommand, NotFoundException, RevokeGrantCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { createKmsApi } from '../../lib/aws/kms.ts';
import { KmsError } from '../../lib/errors.ts';

const kmsMock = mockClient(KMSClient);
const api = createKmsApi(new KMSClient({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }), 'eu-west-1');
const GRANTEE = 'arn:aws:iam::444455556666:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling';

describe('Function: createKmsApi (grants)', () => {
  beforeEach(() => {
    kmsMock.reset();
  });

  it('sends CreateGrant with the Name, operations, retiring principal and constraints, and answers the GrantId', async () => {
    // Prepare
    kmsMock.on(CreateGrantCommand).resolves({ GrantId: 'g'.repeat(64), GrantToken: 't' });

    // Act
    const result = await api.createGrant({
      keyId: 'mrk-1',
      kmsName: 'MultiRegionKmsKeys:mrkk-x:asg:0123456789abcdef',
      granteePrincipal: GRANTEE,
      operations: ['Decrypt', 'DescribeKey'],
      retiringPrincipal: null,
      constraints: { encryptionContextSubset: { team: 'a' } },
    });

    // Assess
    expect(result).toEqual({ grantId: 'g'.repeat(64) });
    expect(kmsMock.commandCalls(CreateGrantCommand)[0]!.args[0].input).toEqual({
      KeyId: 'mrk-1',
      Name: 'MultiRegionKmsKeys:mrkk-x:asg:0123456789abcdef',
      GranteePrincipal: GRANTEE,
      Operations: ['Decrypt', 'DescribeKey'],
      RetiringPrincipal: undefined,
      Constraints: { EncryptionContextSubset: { team: 'a' }, EncryptionContextEquals: undefined },
    });
  });

  it('lists every page of ListGrants, 100 a page, pacing each page', async () => {
    // Prepare
    kmsMock
      .on(ListGrantsCommand, { KeyId: 'mrk-1', Limit: 100, Marker: undefined })
      .resolves({ Grants: [{ GrantId: 'g1', Name: 'a' }], Truncated: true, NextMarker: 'm' })
      .on(ListGrantsCommand, { KeyId: 'mrk-1', Limit: 100, Marker: 'm' })
      .resolves({ Grants: [{ GrantId: 'g2' }], Truncated: false });
    let pages = 0;

    // Act
    const grants = await api.listGrants('mrk-1', {
      page: (send) => {
        pages += 1;
        return send();
      },
    });

    // Assess
    expect(grants).toEqual([
      { grantId: 'g1', name: 'a' },
      { grantId: 'g2', name: null },
    ]);
    expect(pages).toBe(2);
  });

  it('translates a RevokeGrant error into KmsError with its code and Region', async () => {
    // Prepare
    kmsMock.on(RevokeGrantCommand).rejects(new NotFoundException({ message: 'Grant ID g1 not found', $metadata: {} }));

    // Act
    const error = await api.revokeGrant('mrk-1', 'g1').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(KmsError);
    expect((error as KmsError).code).toBe('NotFoundException');
    expect((error as KmsError).context).toMatchObject({ region: 'eu-west-1', action: 'RevokeGrant' });
  });
});
