import { AccountClient, ListRegionsCommand } from '@aws-sdk/client-account';
import { mockClient } from 'aws-sdk-client-mock';
import { createRegionsApi, globalRegionOf } from '../../lib/aws/account.ts';
import { AccountApiError } from '../../lib/errors.ts';

const accountMock = mockClient(AccountClient);

describe('Function: createRegionsApi', () => {
  beforeEach(() => {
    accountMock.reset();
  });

  it('lists every Region under any status across every page, without a status filter', async () => {
    // Prepare
    accountMock
      .on(ListRegionsCommand, { NextToken: undefined })
      .resolves({
        Regions: [
          { RegionName: 'us-east-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' },
          { RegionName: 'af-south-1', RegionOptStatus: 'ENABLED' },
          { RegionName: 'me-south-1', RegionOptStatus: 'DISABLED' },
        ],
        NextToken: 't1',
      })
      .on(ListRegionsCommand, { NextToken: 't1' })
      .resolves({
        Regions: [
          { RegionName: 'eu-west-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' },
          { RegionName: 'ap-east-1', RegionOptStatus: 'ENABLING' },
          { RegionName: 'eu-south-1', RegionOptStatus: 'DISABLING' },
        ],
      });
    const api = createRegionsApi(new AccountClient({ region: 'us-east-1' }));

    // Act
    const regions = await api.listRegions();

    // Assess
    expect(regions).toEqual([
      { name: 'af-south-1', status: 'ENABLED' },
      { name: 'ap-east-1', status: 'ENABLING' },
      { name: 'eu-south-1', status: 'DISABLING' },
      { name: 'eu-west-1', status: 'ENABLED_BY_DEFAULT' },
      { name: 'me-south-1', status: 'DISABLED' },
      { name: 'us-east-1', status: 'ENABLED_BY_DEFAULT' },
    ]);
    expect(accountMock.commandCalls(ListRegionsCommand).map((c) => c.args[0].input)).toEqual([{ MaxResults: 50 }, { MaxResults: 50, NextToken: 't1' }]);
  });

  it('derives the enabled Regions (ENABLED and ENABLED_BY_DEFAULT only) from the same listing', async () => {
    // Prepare
    accountMock.on(ListRegionsCommand).resolves({
      Regions: [
        { RegionName: 'us-east-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' },
        { RegionName: 'af-south-1', RegionOptStatus: 'ENABLED' },
        { RegionName: 'ap-east-1', RegionOptStatus: 'ENABLING' },
        { RegionName: 'me-south-1', RegionOptStatus: 'DISABLED' },
      ],
    });
    const api = createRegionsApi(new AccountClient({ region: 'us-east-1' }));

    // Act
    const regions = await api.listEnabledRegions();

    // Assess
    expect(regions).toEqual(['af-south-1', 'us-east-1']);
  });

  it('translates errors into AccountApiError', async () => {
    // Prepare
    accountMock.on(ListRegionsCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }));
    const api = createRegionsApi(new AccountClient({ region: 'us-east-1' }));

    // Act
    const error = await api.listEnabledRegions().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(AccountApiError);
    expect((error as AccountApiError).code).toBe('AccessDeniedException');
  });
});

describe('Function: globalRegionOf', () => {
  it("picks the global Region of the function Region's partition", () => {
    // Act & Assess
    expect(globalRegionOf('eu-west-1')).toBe('us-east-1');
    expect(globalRegionOf(undefined)).toBe('us-east-1');
    expect(globalRegionOf('cn-north-1')).toBe('cn-northwest-1');
    expect(globalRegionOf('us-gov-east-1')).toBe('us-gov-west-1');
    expect(globalRegionOf('us-isob-east-1')).toBe('us-isob-east-1');
  });
});
