import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
  ResourceGroupsTaggingAPIServiceException,
  ThrottledException,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { mockClient } from 'aws-sdk-client-mock';
import { KMS_MAX_SOCKETS, USER_AGENT_MIDDLEWARE } from '../../lib/aws/clients.ts';
import { createAwsDependencies } from '../../lib/aws/index.ts';
import { createTaggingClient, keyIdOfArn, listTaggedKeys } from '../../lib/aws/tagIndex.ts';
import { TaggingApiError } from '../../lib/errors.ts';
import { isThrottling } from '../../lib/retry/retry.ts';

const taggingMock = mockClient(ResourceGroupsTaggingAPIClient);
const client = new ResourceGroupsTaggingAPIClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const arn = (id: string) => `arn:aws:kms:us-east-1:111122223333:key/${id}`;

describe('Function: listTaggedKeys', () => {
  beforeEach(() => taggingMock.reset());

  it('asks for kms:key resources, 100 per page, follows PaginationToken and stops at an empty one', async () => {
    // Prepare
    taggingMock
      .on(GetResourcesCommand, { PaginationToken: undefined })
      .resolves({ PaginationToken: 'next', ResourceTagMappingList: [{ ResourceARN: arn('k1'), Tags: [{ Key: 'team', Value: 'a' }] }] })
      .on(GetResourcesCommand, { PaginationToken: 'next' })
      .resolves({
        PaginationToken: '',
        ResourceTagMappingList: [{ ResourceARN: arn('k2'), Tags: [] }, { ResourceARN: 'arn:aws:kms:us-east-1:111122223333:alias/x' }],
      });
    let pages = 0;

    // Act
    const keys = await listTaggedKeys(client, 'us-east-1', {
      page: (send) => {
        pages += 1;
        return send();
      },
    });

    // Assess
    expect([...keys]).toEqual([
      ['k1', { team: 'a' }],
      ['k2', {}],
    ]);
    expect(pages).toBe(2);
    const inputs = taggingMock.commandCalls(GetResourcesCommand).map((c) => c.args[0].input);
    expect(inputs[0]).toEqual({ ResourceTypeFilters: ['kms:key'], ResourcesPerPage: 100, PaginationToken: undefined });
    expect(inputs[1]?.PaginationToken).toBe('next');
  });

  it('stops when the token is absent (AWS documents null at the end)', async () => {
    taggingMock.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [] });
    expect((await listTaggedKeys(client, 'us-east-1')).size).toBe(0);
    expect(taggingMock.commandCalls(GetResourcesCommand)).toHaveLength(1);
  });

  it('translates ThrottledException into a retryable throttling TaggingApiError naming GetResources', async () => {
    // Prepare
    taggingMock.on(GetResourcesCommand).rejects(new ThrottledException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } }));

    // Act
    const error = await listTaggedKeys(client, 'eu-west-1').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(TaggingApiError);
    expect(isThrottling(error)).toBe(true);
    expect((error as TaggingApiError).context).toEqual({ region: 'eu-west-1', action: 'GetResources' });
  });

  it('translates AccessDeniedException into a final TaggingApiError', async () => {
    // Prepare
    const denied = new ResourceGroupsTaggingAPIServiceException({
      name: 'AccessDeniedException',
      $fault: 'client',
      message: 'not authorized to perform: tag:GetResources',
      $metadata: { httpStatusCode: 400 },
    });
    taggingMock.on(GetResourcesCommand).rejects(denied);

    // Act
    const error = (await listTaggedKeys(client, 'us-east-1').catch((e: unknown) => e)) as TaggingApiError;

    // Assess
    expect(error.code).toBe('AccessDeniedException');
    expect(error.retryable).toBe(false);
  });
});

describe('Function: keyIdOfArn', () => {
  it('takes the key id of a KMS key ARN in any partition, and nothing else', () => {
    expect(keyIdOfArn('arn:aws-cn:kms:cn-north-1:111122223333:key/mrk-1')).toBe('mrk-1');
    expect(keyIdOfArn('arn:aws:kms:us-east-1:111122223333:alias/x')).toBeNull();
    expect(keyIdOfArn('arn:aws:s3:::bucket')).toBeNull();
  });
});

describe('Function: createTaggingClient', () => {
  it('is built like the KMS clients: one attempt, no endpoint of its own, no User-Agent middleware, capped sockets', async () => {
    // Act
    const tagging = createTaggingClient('ap-southeast-2');
    const handler = tagging.config.requestHandler as unknown as { configProvider: Promise<{ httpsAgent: { maxSockets: number } }> };

    // Assess
    expect(await tagging.config.region()).toBe('ap-southeast-2');
    expect(await tagging.config.maxAttempts()).toBe(1);
    expect(tagging.config.endpoint).toBeUndefined();
    expect(tagging.middlewareStack.identify().join('\n')).not.toContain(USER_AGENT_MIDDLEWARE);
    expect((await handler.configProvider).httpsAgent.maxSockets).toBe(KMS_MAX_SOCKETS);
  });

  it('is offered by each Region’s KmsApi as listTaggedKeys', () => {
    const deps = createAwsDependencies();
    expect(typeof deps.kms('us-east-1').listTaggedKeys).toBe('function');
  });
});
