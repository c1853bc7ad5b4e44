import { CloudFormationApiError } from '../../lib/errors.ts';
import { MAX_EVENT_PAGES, type RequestClaim, verifyRequest } from '../../lib/request/verification.ts';
import type { StackEvent, StackEventsApi } from '../../lib/stackEvents.ts';

const ACCOUNT = '111122223333';
const STACK_ID = `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/app/0f6a5b40-1c2d-11ef-9e3a-0a1b2c3d4e5f`;
const TYPE = 'Custom::MultiRegionKmsKeys';
const CONTEXT = { accountId: ACCOUNT, partition: 'aws', region: 'us-east-1' };

const event = (resourceStatus: string, physicalResourceId = 'mrkk-1', logicalResourceId = 'Keys', resourceType = TYPE): StackEvent => ({
  logicalResourceId,
  physicalResourceId,
  resourceType,
  resourceStatus,
});
const claim = (requestType: RequestClaim['requestType'], extra: Partial<RequestClaim> = {}): RequestClaim => ({
  requestType,
  stackId: STACK_ID,
  logicalResourceId: 'Keys',
  resourceType: TYPE,
  physicalResourceId: requestType === 'Create' ? undefined : 'mrkk-1',
  ...extra,
});

/** Answers `reads[i]` (newest first) on the i-th attempt, the last one thereafter; counts the calls. */
function stackEvents(...reads: (StackEvent[] | Error)[]): StackEventsApi & { calls: number } {
  const api = {
    calls: 0,
    async describeStackEvents() {
      const read = reads[Math.min(api.calls, reads.length - 1)]!;
      api.calls += 1;
      if (read instanceof Error) throw read;
      return { events: read, nextToken: undefined };
    },
  };
  return api;
}

async function verify(claimed: RequestClaim, api: StackEventsApi) {
  const waits: number[] = [];
  const verdict = await verifyRequest(claimed, { ...CONTEXT, stackEvents: api, sleep: async (ms) => void waits.push(ms) });
  return { verdict, waits };
}

describe('Function: verifyRequest', () => {
  it.each([
    ['Create', [event('CREATE_IN_PROGRESS', '')]],
    ['Update', [event('UPDATE_IN_PROGRESS'), event('CREATE_COMPLETE')]],
    ['Delete', [event('DELETE_IN_PROGRESS'), event('CREATE_FAILED'), event('CREATE_IN_PROGRESS', '')]],
  ] as const)('accepts a %s whose resource is in the matching *_IN_PROGRESS as its newest event', async (type, events) => {
    const { verdict, waits } = await verify(claim(type), stackEvents([...events]));
    expect(verdict).toEqual({ verified: true });
    expect(waits).toEqual([]);
  });

  it('matches the physical id: the clean-up Delete of a replaced id is accepted, one of the new id refused', async () => {
    const events = [event('DELETE_IN_PROGRESS', 'old'), event('UPDATE_COMPLETE', 'new'), event('UPDATE_IN_PROGRESS', 'old')];
    expect((await verify(claim('Delete', { physicalResourceId: 'old' }), stackEvents(events))).verdict).toEqual({ verified: true });
    expect((await verify(claim('Delete', { physicalResourceId: 'new' }), stackEvents(events))).verdict).toEqual({
      verified: false,
      reason: 'CloudFormation is not deleting Keys (new) of this stack now: its latest event for it is UPDATE_COMPLETE',
    });
  });

  it('ignores events of other resources, of another type and of the stack itself with the same name', async () => {
    const events = [
      event('DELETE_IN_PROGRESS', STACK_ID, 'Keys', 'AWS::CloudFormation::Stack'),
      event('DELETE_IN_PROGRESS', 'mrkk-1', 'Other'),
      event('CREATE_COMPLETE'),
    ];
    const { verdict } = await verify(claim('Delete'), stackEvents(events));
    expect(verdict).toMatchObject({ verified: false, reason: expect.stringContaining('CREATE_COMPLETE') });
  });

  it('reads again after 1, 2 and 4 s while the events may lag, and accepts once the event is there', async () => {
    const api = stackEvents([event('CREATE_COMPLETE')], [event('CREATE_COMPLETE')], [event('UPDATE_IN_PROGRESS'), event('CREATE_COMPLETE')]);
    const { verdict, waits } = await verify(claim('Update'), api);
    expect(verdict).toEqual({ verified: true });
    expect(waits).toEqual([1_000, 2_000]);
  });

  it('refuses after the last read when CloudFormation never shows the request', async () => {
    const api = stackEvents([]);
    const { verdict, waits } = await verify(claim('Delete'), api);
    expect(verdict).toEqual({ verified: false, reason: 'CloudFormation is not deleting Keys (mrkk-1) of this stack now: it has no event for it' });
    expect(waits).toEqual([1_000, 2_000, 4_000]);
    expect(api.calls).toBe(4);
  });

  it.each([
    ['another account', STACK_ID.replace(ACCOUNT, '444455556666'), 'not of this function'],
    ['another Region', STACK_ID.replace('us-east-1', 'eu-west-1'), 'aws/eu-west-1/111122223333'],
    ['another partition', STACK_ID.replace('arn:aws:', 'arn:aws-cn:'), 'aws-cn/us-east-1'],
    ['not a stack ARN', 'app', 'is not a CloudFormation stack ARN'],
  ])('refuses a StackId of %s without reading CloudFormation', async (_name, stackId, reason) => {
    const api = stackEvents([event('DELETE_IN_PROGRESS')]);
    const { verdict } = await verify(claim('Delete', { stackId }), api);
    expect(verdict).toMatchObject({ verified: false, reason: expect.stringContaining(reason) });
    expect(api.calls).toBe(0);
  });

  it('refuses a ResourceType that is not a custom resource type without reading CloudFormation (another resource under that logical ID)', async () => {
    const api = stackEvents([event('DELETE_IN_PROGRESS', 'arn:aws:sns:us-east-1:111122223333:t', 'Keys', 'AWS::SNS::Topic')]);
    const { verdict } = await verify(claim('Delete', { resourceType: 'AWS::SNS::Topic', physicalResourceId: 'arn:aws:sns:us-east-1:111122223333:t' }), api);
    expect(verdict).toEqual({ verified: false, reason: 'the ResourceType "AWS::SNS::Topic" is not a custom resource type' });
    expect(api.calls).toBe(0);
    expect(
      (
        await verify(
          claim('Create', { resourceType: 'AWS::CloudFormation::CustomResource' }),
          stackEvents([event('CREATE_IN_PROGRESS', '', 'Keys', 'AWS::CloudFormation::CustomResource')]),
        )
      ).verdict,
    ).toEqual({ verified: true });
  });

  it('refuses at once a stack CloudFormation does not know and a role that may not read it; retries a throttled read', async () => {
    const missing = await verify(claim('Delete'), stackEvents(new CloudFormationApiError('ValidationError', 'Stack with id x does not exist')));
    const denied = await verify(claim('Delete'), stackEvents(new CloudFormationApiError('AccessDenied', 'not authorized')));
    const throttled = await verify(
      claim('Delete'),
      stackEvents(new CloudFormationApiError('Throttling', 'Rate exceeded', { retryable: true }), [event('DELETE_IN_PROGRESS')]),
    );
    expect(missing).toEqual({
      verdict: { verified: false, reason: 'CloudFormation knows no such stack (ValidationError: Stack with id x does not exist)' },
      waits: [],
    });
    expect(denied.verdict).toMatchObject({ verified: false, reason: expect.stringContaining('needs cloudformation:DescribeStackEvents') });
    expect(denied.waits).toEqual([]);
    expect(throttled).toEqual({ verdict: { verified: true }, waits: [1_000] });
  });

  it(`reads at most ${MAX_EVENT_PAGES} pages`, async () => {
    let calls = 0;
    const api: StackEventsApi = {
      async describeStackEvents() {
        calls += 1;
        return { events: [event('CREATE_COMPLETE', 'x', 'Other')], nextToken: 'more' };
      },
    };
    await verifyRequest(claim('Delete'), { ...CONTEXT, stackEvents: api, retryDelaysMs: [] });
    expect(calls).toBe(MAX_EVENT_PAGES);
  });
});
