import {
  AlreadyExistsException,
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  DependencyTimeoutException,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyCommand,
  EnableKeyRotationCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  KMSInternalException,
  KMSServiceException,
  ListAliasesCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  MalformedPolicyDocumentException,
  NotFoundException,
  PutKeyPolicyCommand,
  ReplicateKeyCommand,
  ScheduleKeyDeletionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  UpdateKeyDescriptionCommand,
  UpdatePrimaryRegionCommand,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { createKmsApi } from '../../lib/aws/kms.ts';
import { KmsError } from '../../lib/errors.ts';

const kmsMock = mockClient(KMSClient);
const ARN = 'arn:aws:kms:us-east-1:111122223333:key/mrk-1';
const api = createKmsApi(new KMSClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }), 'us-east-1');

function serviceError(name: string, status: number, fault: 'client' | 'server' = status >= 500 ? 'server' : 'client'): KMSServiceException {
  return new KMSServiceException({ name, $fault: fault, $metadata: { httpStatusCode: status }, message: `${name} happened` });
}

async function errorOf(promise: Promise<unknown>): Promise<KmsError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof KmsError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('Function: createKmsApi', () => {
  beforeEach(() => {
    kmsMock.reset();
  });

  it('sends CreateKey with spec, usage, policy, description and tags, never bypassing the lockout check', async () => {
    // Prepare
    kmsMock.on(CreateKeyCommand).resolves({ KeyMetadata: { KeyId: 'mrk-1', Arn: ARN } });

    // Act
    const created = await api.createKey({
      spec: 'SYMMETRIC_DEFAULT',
      keyUsage: 'ENCRYPT_DECRYPT',
      multiRegion: true,
      policy: '{}',
      description: 'd',
      tags: { b: '2', a: '1' },
    });

    // Assess
    expect(created).toEqual({ keyId: 'mrk-1', arn: ARN });
    expect(kmsMock.commandCalls(CreateKeyCommand)[0]?.args[0].input).toEqual({
      KeySpec: 'SYMMETRIC_DEFAULT',
      KeyUsage: 'ENCRYPT_DECRYPT',
      MultiRegion: true,
      Policy: '{}',
      Description: 'd',
      Tags: [
        { TagKey: 'a', TagValue: '1' },
        { TagKey: 'b', TagValue: '2' },
      ],
      BypassPolicyLockoutSafetyCheck: false,
    });
  });

  it('sends ReplicateKey and returns the replica', async () => {
    // Prepare
    const replicaArn = 'arn:aws:kms:eu-west-1:111122223333:key/mrk-1';
    kmsMock.on(ReplicateKeyCommand).resolves({ ReplicaKeyMetadata: { KeyId: 'mrk-1', Arn: replicaArn } });

    // Act
    const replica = await api.replicateKey({ keyId: 'mrk-1', replicaRegion: 'eu-west-1', policy: '{}', description: 'd', tags: { a: '1' } });

    // Assess
    expect(replica).toEqual({ keyId: 'mrk-1', arn: replicaArn });
    expect(kmsMock.commandCalls(ReplicateKeyCommand)[0]?.args[0].input).toEqual({
      KeyId: 'mrk-1',
      ReplicaRegion: 'eu-west-1',
      Policy: '{}',
      Description: 'd',
      Tags: [{ TagKey: 'a', TagValue: '1' }],
      BypassPolicyLockoutSafetyCheck: false,
    });
  });

  it('maps DescribeKey metadata to domain fields', async () => {
    // Prepare
    kmsMock.on(DescribeKeyCommand).resolves({
      KeyMetadata: {
        KeyId: 'mrk-1',
        Arn: ARN,
        KeyState: 'PendingReplicaDeletion',
        KeySpec: 'RSA_2048',
        KeyUsage: 'SIGN_VERIFY',
        MultiRegion: true,
        MultiRegionConfiguration: {
          MultiRegionKeyType: 'PRIMARY',
          PrimaryKey: { Arn: ARN, Region: 'us-east-1' },
          ReplicaKeys: [
            { Arn: 'x', Region: 'eu-west-1' },
            { Arn: 'y', Region: 'ap-south-1' },
          ],
        },
        Description: 'desc',
        DeletionDate: new Date('2030-01-02T03:04:05.000Z'),
        KeyManager: 'CUSTOMER',
      },
    });

    // Act
    const description = await api.describeKey('mrk-1');

    // Assess
    expect(kmsMock.commandCalls(DescribeKeyCommand)[0]?.args[0].input).toEqual({ KeyId: 'mrk-1' });
    expect(description).toEqual({
      keyId: 'mrk-1',
      arn: ARN,
      state: 'PendingReplicaDeletion',
      spec: 'RSA_2048',
      keyUsage: 'SIGN_VERIFY',
      multiRegion: true,
      role: 'PRIMARY',
      primaryRegion: 'us-east-1',
      replicaRegions: ['ap-south-1', 'eu-west-1'],
      description: 'desc',
      deletionDate: '2030-01-02T03:04:05.000Z',
      keyManager: 'CUSTOMER',
    });
  });

  it('reads the default key policy and the rotation status', async () => {
    // Prepare
    kmsMock.on(GetKeyPolicyCommand).resolves({ Policy: '{"p":1}' });
    kmsMock.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: true, RotationPeriodInDays: 90 });

    // Act
    const policy = await api.getKeyPolicy('k');
    const rotation = await api.getKeyRotationStatus('k');

    // Assess
    expect(policy).toBe('{"p":1}');
    expect(kmsMock.commandCalls(GetKeyPolicyCommand)[0]?.args[0].input).toEqual({ KeyId: 'k', PolicyName: 'default' });
    expect(rotation).toEqual({ enabled: true, periodInDays: 90 });
  });

  it('follows ListKeys pages, pacing each one', async () => {
    // Prepare
    kmsMock
      .on(ListKeysCommand, { Marker: undefined })
      .resolves({ Keys: [{ KeyId: 'k1', KeyArn: 'a1' }], Truncated: true, NextMarker: 'm1' })
      .on(ListKeysCommand, { Marker: 'm1' })
      .resolves({ Keys: [{ KeyId: 'k2', KeyArn: 'a2' }], Truncated: false });
    let pages = 0;
    const page = <T>(send: () => Promise<T>): Promise<T> => {
      pages += 1;
      return send();
    };

    // Act
    const keys = await api.listKeys({ page });

    // Assess
    expect(keys).toEqual([
      { keyId: 'k1', arn: 'a1' },
      { keyId: 'k2', arn: 'a2' },
    ]);
    expect(kmsMock.commandCalls(ListKeysCommand).map((c) => c.args[0].input)).toEqual([{ Limit: 1000 }, { Limit: 1000, Marker: 'm1' }]);
    expect(pages).toBe(2);
  });

  it('follows ListAliases pages, optionally for one key', async () => {
    // Prepare
    kmsMock
      .on(ListAliasesCommand, { Marker: undefined })
      .resolves({ Aliases: [{ AliasName: 'alias/aws/s3' }, { AliasName: 'alias/a', TargetKeyId: 'k1' }], Truncated: true, NextMarker: 'm' })
      .on(ListAliasesCommand, { Marker: 'm' })
      .resolves({ Aliases: [{ AliasName: 'alias/b', TargetKeyId: 'k2' }] });

    // Act
    const aliases = await api.listAliases({ keyId: 'k1' });

    // Assess
    expect(aliases).toEqual([
      { aliasName: 'alias/aws/s3', targetKeyId: null },
      { aliasName: 'alias/a', targetKeyId: 'k1' },
      { aliasName: 'alias/b', targetKeyId: 'k2' },
    ]);
    expect(kmsMock.commandCalls(ListAliasesCommand).map((c) => c.args[0].input)).toEqual([
      { KeyId: 'k1', Limit: 100 },
      { KeyId: 'k1', Limit: 100, Marker: 'm' },
    ]);
  });

  it('follows ListResourceTags pages into one tag map', async () => {
    // Prepare
    kmsMock
      .on(ListResourceTagsCommand, { Marker: undefined })
      .resolves({ Tags: [{ TagKey: 'a', TagValue: '1' }], Truncated: true, NextMarker: 'm' })
      .on(ListResourceTagsCommand, { Marker: 'm' })
      .resolves({ Tags: [{ TagKey: 'b', TagValue: '' }], Truncated: false });

    // Act
    const tags = await api.listResourceTags('k');

    // Assess
    expect(tags).toEqual({ a: '1', b: '' });
    expect(kmsMock.commandCalls(ListResourceTagsCommand)[1]?.args[0].input).toEqual({ KeyId: 'k', Limit: 50, Marker: 'm' });
  });

  it('sends the mutating calls with the request shapes KMS expects', async () => {
    // Prepare
    kmsMock.onAnyCommand().resolves({});
    kmsMock.on(ScheduleKeyDeletionCommand).resolves({ DeletionDate: new Date('2030-01-01T00:00:00.000Z') });

    // Act
    await api.createAlias('alias/a', 'k');
    await api.updateAlias('alias/a', 'k2');
    await api.deleteAlias('alias/a');
    await api.putKeyPolicy('k', '{}');
    await api.tagResource('k', { a: '1' });
    await api.untagResource('k', ['a']);
    await api.updateKeyDescription('k', 'd');
    await api.enableKey('k');
    await api.disableKey('k');
    await api.enableKeyRotation('k', 90);
    await api.disableKeyRotation('k');
    await api.updatePrimaryRegion('k', 'eu-west-1');
    const scheduled = await api.scheduleKeyDeletion('k', 7);
    await api.cancelKeyDeletion('k');

    // Assess
    const inputOf = (command: Parameters<typeof kmsMock.commandCalls>[0]) => kmsMock.commandCalls(command)[0]?.args[0].input;
    expect(inputOf(CreateAliasCommand)).toEqual({ AliasName: 'alias/a', TargetKeyId: 'k' });
    expect(inputOf(UpdateAliasCommand)).toEqual({ AliasName: 'alias/a', TargetKeyId: 'k2' });
    expect(inputOf(DeleteAliasCommand)).toEqual({ AliasName: 'alias/a' });
    expect(inputOf(PutKeyPolicyCommand)).toEqual({ KeyId: 'k', PolicyName: 'default', Policy: '{}', BypassPolicyLockoutSafetyCheck: false });
    expect(inputOf(TagResourceCommand)).toEqual({ KeyId: 'k', Tags: [{ TagKey: 'a', TagValue: '1' }] });
    expect(inputOf(UntagResourceCommand)).toEqual({ KeyId: 'k', TagKeys: ['a'] });
    expect(inputOf(UpdateKeyDescriptionCommand)).toEqual({ KeyId: 'k', Description: 'd' });
    expect(inputOf(EnableKeyCommand)).toEqual({ KeyId: 'k' });
    expect(inputOf(DisableKeyCommand)).toEqual({ KeyId: 'k' });
    expect(inputOf(EnableKeyRotationCommand)).toEqual({ KeyId: 'k', RotationPeriodInDays: 90 });
    expect(inputOf(DisableKeyRotationCommand)).toEqual({ KeyId: 'k' });
    expect(inputOf(UpdatePrimaryRegionCommand)).toEqual({ KeyId: 'k', PrimaryRegion: 'eu-west-1' });
    expect(inputOf(ScheduleKeyDeletionCommand)).toEqual({ KeyId: 'k', PendingWindowInDays: 7 });
    expect(inputOf(CancelKeyDeletionCommand)).toEqual({ KeyId: 'k' });
    expect(scheduled).toEqual({ deletionDate: '2030-01-01T00:00:00.000Z' });
  });

  it('translates modelled KMS exceptions into KmsError with the KMS code', async () => {
    // Prepare
    kmsMock.on(CreateAliasCommand).rejects(new AlreadyExistsException({ message: 'exists', $metadata: { httpStatusCode: 400 } }));
    kmsMock.on(DeleteAliasCommand).rejects(new NotFoundException({ message: 'gone', $metadata: { httpStatusCode: 400 } }));
    kmsMock
      .on(PutKeyPolicyCommand)
      .rejects(new MalformedPolicyDocumentException({ message: 'Policy contains a statement with one or more invalid principals.', $metadata: {} }));

    // Act
    const exists = await errorOf(api.createAlias('alias/a', 'k'));
    const gone = await errorOf(api.deleteAlias('alias/a'));
    const malformed = await errorOf(api.putKeyPolicy('k', '{}'));

    // Assess
    expect([exists.code, exists.retryable, exists.message]).toEqual(['AlreadyExistsException', false, 'AlreadyExistsException: exists']);
    expect(exists.context).toEqual({ region: 'us-east-1', action: 'CreateAlias' });
    expect([gone.code, gone.retryable]).toEqual(['NotFoundException', false]);
    expect(malformed.message).toMatch(/invalid principals/);
    expect(malformed.cause).toBeInstanceOf(MalformedPolicyDocumentException);
  });

  it('marks throttling, 5xx, KMSInternalException and DependencyTimeoutException retryable', async () => {
    // Prepare
    const cases: [Error, string][] = [
      [serviceError('ThrottlingException', 400), 'ThrottlingException'],
      [new KMSInternalException({ message: 'x', $metadata: { httpStatusCode: 500 } }), 'KMSInternalException'],
      [new DependencyTimeoutException({ message: 'x', $metadata: { httpStatusCode: 503 } }), 'DependencyTimeoutException'],
      [serviceError('UnknownError', 502), 'HTTP502'],
      [serviceError('ServiceUnavailableException', 503), 'ServiceUnavailableException'],
    ];

    for (const [error, code] of cases) {
      kmsMock.reset();
      kmsMock.on(EnableKeyCommand).rejects(error);

      // Act
      const translated = await errorOf(api.enableKey('k'));

      // Assess
      expect([translated.code, translated.retryable]).toEqual([code, true]);
    }
  });

  it('marks network errors retryable, with their Node.js code', async () => {
    // Prepare
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const timeout = Object.assign(new Error('Connection timed out after 5000 ms'), { name: 'TimeoutError' });
    const wrapped = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }) });
    const sdkWrapper = new Error('AWS SDK error wrapper for TimeoutError: socket hang up');
    const sdkWrapperOfError = new Error('AWS SDK error wrapper for Error: read ECONNRESET');

    // Act
    const translated: KmsError[] = [];
    for (const error of [reset, timeout, wrapped, sdkWrapper, sdkWrapperOfError]) {
      kmsMock.reset();
      kmsMock.on(CreateKeyCommand).rejects(error);
      translated.push(
        await errorOf(api.createKey({ spec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT', multiRegion: false, policy: '{}', description: '', tags: {} })),
      );
    }

    // Assess
    expect(translated.map((e) => [e.code, e.retryable])).toEqual([
      ['ECONNRESET', true],
      ['TimeoutError', true],
      ['ECONNREFUSED', true],
      ['TimeoutError', true],
      ['NetworkError', true],
    ]);
  });

  it('does not mark client errors retryable', async () => {
    // Prepare
    kmsMock.on(DisableKeyCommand).rejects(serviceError('KMSInvalidStateException', 400));
    kmsMock.on(EnableKeyCommand).rejects(new Error('something odd'));

    // Act
    const invalidState = await errorOf(api.disableKey('k'));
    const odd = await errorOf(api.enableKey('k'));

    // Assess
    expect([invalidState.code, invalidState.retryable]).toEqual(['KMSInvalidStateException', false]);
    expect([odd.code, odd.retryable]).toEqual(['UnknownError', false]);
  });
});
