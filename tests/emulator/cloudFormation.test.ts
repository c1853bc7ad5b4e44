/**
 * The emulator's CloudFormation (DescribeStackEvents over the AWS Query protocol), through the real
 * `@aws-sdk/client-cloudformation` and the product's own adapter (lib/aws/cloudFormation.ts).
 */
import { CloudFormationClient, DescribeStackEventsCommand } from '@aws-sdk/client-cloudformation';
import { createStackEventsApi } from '../../lib/aws/cloudFormation.ts';
import { CloudFormationApiError } from '../../lib/errors.ts';
import { ACCOUNT, CREDENTIALS, type Harness, startHarness } from './harness.ts';

const STACK_ID = `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/app/0f6a5b40-1c2d-11ef-9e3a-0a1b2c3d4e5f`;
const TYPE = 'Custom::MultiRegionKmsKeys';

let harness: Harness;
const clients: CloudFormationClient[] = [];
function client(region = 'us-east-1'): CloudFormationClient {
  const made = new CloudFormationClient({ region, endpoint: harness.emulator.url, credentials: CREDENTIALS, maxAttempts: 1 });
  clients.push(made);
  return made;
}

beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await harness.close();
});
beforeEach(async () => {
  await harness.control('reset', {});
});

describe('Emulator: CloudFormation DescribeStackEvents', () => {
  it('answers the registered events newest first, by StackId and by name', async () => {
    // Prepare
    await harness.control('stack-events', {
      stackId: STACK_ID,
      events: [
        { logicalResourceId: 'app', resourceType: 'AWS::CloudFormation::Stack', resourceStatus: 'CREATE_IN_PROGRESS', physicalResourceId: STACK_ID },
        { logicalResourceId: 'Keys', resourceType: TYPE, resourceStatus: 'CREATE_IN_PROGRESS' },
      ],
    });

    // Act
    const byId = await client().send(new DescribeStackEventsCommand({ StackName: STACK_ID }));
    const byName = await client().send(new DescribeStackEventsCommand({ StackName: 'app' }));

    // Assess
    expect(byId.StackEvents?.map((e) => [e.LogicalResourceId, e.ResourceStatus, e.PhysicalResourceId ?? ''])).toEqual([
      ['Keys', 'CREATE_IN_PROGRESS', ''],
      ['app', 'CREATE_IN_PROGRESS', STACK_ID],
    ]);
    expect(byId.StackEvents?.[0]).toMatchObject({ StackId: STACK_ID, StackName: 'app', ResourceType: TYPE });
    expect(byId.StackEvents?.[0]?.Timestamp).toBeInstanceOf(Date);
    expect(byName.StackEvents).toHaveLength(2);
  });

  it('pages 100 events at a time through the adapter', async () => {
    // Prepare
    const events = Array.from({ length: 150 }, (_, i) => ({ logicalResourceId: `R${i}`, resourceType: 'AWS::SNS::Topic', resourceStatus: 'CREATE_COMPLETE' }));
    await harness.control('stack-events', { stackId: STACK_ID, events });
    const api = createStackEventsApi(client());

    // Act
    const first = await api.describeStackEvents(STACK_ID);
    const second = await api.describeStackEvents(STACK_ID, first.nextToken);

    // Assess
    expect(first.events).toHaveLength(100);
    expect(first.events[0]?.logicalResourceId).toBe('R149');
    expect(second.events.map((e) => e.logicalResourceId)).toEqual(Array.from({ length: 50 }, (_, i) => `R${49 - i}`));
    expect(second.nextToken).toBeUndefined();
  });

  it('answers ValidationError for a stack it does not know, or of another Region', async () => {
    // Prepare
    await harness.control('stack-events', {
      stackId: STACK_ID,
      events: [{ logicalResourceId: 'app', resourceType: 'AWS::CloudFormation::Stack', resourceStatus: 'CREATE_IN_PROGRESS' }],
    });
    const unknown = STACK_ID.replace('stack/app/', 'stack/other/');

    // Act
    const missing = createStackEventsApi(client()).describeStackEvents(unknown);
    const elsewhere = createStackEventsApi(client('eu-west-1')).describeStackEvents(STACK_ID);

    // Assess
    await expect(missing).rejects.toBeInstanceOf(CloudFormationApiError);
    await expect(missing).rejects.toMatchObject({ code: 'ValidationError', message: expect.stringContaining('does not exist') });
    await expect(elsewhere).rejects.toMatchObject({ code: 'ValidationError' });
  });

  it('refuses events the control API cannot accept', async () => {
    // Act / Assess
    await expect(harness.control('stack-events', { stackId: 'app', events: [] })).rejects.toThrow(/stack ARN/);
    await expect(
      harness.control('stack-events', { stackId: STACK_ID, events: [{ logicalResourceId: 'Keys', resourceType: TYPE, resourceStatus: 'DONE' }] }),
    ).rejects.toThrow(/unknown resourceStatus/);
  });
});
