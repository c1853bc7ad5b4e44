import { CloudFormationClient, DescribeStackEventsCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { createStackEventsApi } from '../../lib/aws/cloudFormation.ts';
import { CloudFormationApiError } from '../../lib/errors.ts';

const cloudFormationMock = mockClient(CloudFormationClient);
const STACK_ID = 'arn:aws:cloudformation:us-east-1:111122223333:stack/app/0f6a5b40-1c2d-11ef-9e3a-0a1b2c3d4e5f';

describe('Function: createStackEventsApi', () => {
  beforeEach(() => {
    cloudFormationMock.reset();
  });

  it('reads one page of events by StackId, in domain terms, with the next token', async () => {
    // Prepare
    cloudFormationMock.on(DescribeStackEventsCommand, { StackName: STACK_ID, NextToken: 't1' }).resolves({
      StackEvents: [
        {
          StackId: STACK_ID,
          StackName: 'app',
          EventId: 'e2',
          LogicalResourceId: 'Keys',
          ResourceType: 'Custom::X',
          ResourceStatus: 'CREATE_IN_PROGRESS',
          Timestamp: new Date(),
        },
      ],
      NextToken: 't2',
    });
    const api = createStackEventsApi(new CloudFormationClient({ region: 'us-east-1' }));

    // Act
    const page = await api.describeStackEvents(STACK_ID, 't1');

    // Assess
    expect(page).toEqual({
      events: [{ logicalResourceId: 'Keys', physicalResourceId: '', resourceType: 'Custom::X', resourceStatus: 'CREATE_IN_PROGRESS' }],
      nextToken: 't2',
    });
  });

  it("translates CloudFormation's errors with their code; throttling is retryable", async () => {
    // Prepare
    const api = createStackEventsApi(new CloudFormationClient({ region: 'us-east-1', maxAttempts: 1 }));
    cloudFormationMock
      .on(DescribeStackEventsCommand)
      .rejectsOnce(Object.assign(new Error('Stack with id x does not exist'), { name: 'ValidationError' }))
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));

    // Act
    const missing = api.describeStackEvents(STACK_ID).catch((error: unknown) => error);
    const missingError = await missing;
    const throttled = await api.describeStackEvents(STACK_ID).catch((error: unknown) => error);

    // Assess
    expect(missingError).toBeInstanceOf(CloudFormationApiError);
    expect(missingError).toMatchObject({ code: 'ValidationError', retryable: false });
    expect(throttled).toMatchObject({ code: 'Throttling', retryable: true });
  });
});
