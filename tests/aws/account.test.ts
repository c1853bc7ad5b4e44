import { AccountClient, ListRegionsCommand } from '@aws-sdk/client-account';
import { mockClient } from 'aws-sdk-client-mock';
import { createRegionsApi, globalRegionOf } from '../../lib/aws/account.ts';
import { AccountApiError } from '../../lib/errors.ts';

const accountMock = mockClient(AccountClient);

describe('Function: createRegionsApi', () => {
  beforeEach(() => {
    accountMock.reset();
  });

  it('lists enabled Regions across every page, asking only for ENABLED and ENABLED_BY_DEFAULT', async () => {
    // Prepare
    accountMock
      .on(ListRegionsCommand, { NextToken: undefined })
      .resolves({
        Regions: [
          { RegionName: 'us-east-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' },
          { RegionName: 'af-south-1', RegionOptStatus: 'ENABLED' },
        ],
        NextToken: 't1',
      })
      .on(ListRegionsCommand, { NextToken: 't1' })
      .resolves({ Regions: [{ RegionName: 'eu-west-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' }] });
    const api = createRegionsApi(new AccountClient({ region: 'us-east-1' }));

    // Act
    const regions = await api.listEnabledRegions();

    // Assess
    expect(regions).toEqual(['af-south-1', 'eu-west-1', 'us-east-1']);
    expect(accountMock.commandCalls(ListRegionsCommand).map((c) => c.args[0].input)).toEqual([
      { RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'], MaxResults: 50 },
      { RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'], MaxResults: 50, NextToken: 't1' },
    ]);
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
