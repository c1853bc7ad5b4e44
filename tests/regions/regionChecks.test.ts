import { heldInstancesOf, unknownRegionIssues } from '../../lib/desired/regionChecks.ts';
import { parseProperties } from '../../lib/properties/index.ts';
import { type AccountRegion, placeKey, usableRegions } from '../../lib/regions.ts';

const ACCOUNT_ID = '111122223333';
const REGIONS: AccountRegion[] = [
  { name: 'eu-west-1', status: 'ENABLED_BY_DEFAULT' },
  { name: 'eu-west-2', status: 'ENABLED_BY_DEFAULT' },
  { name: 'me-south-1', status: 'DISABLED' },
  { name: 'ap-east-1', status: 'ENABLING' },
  { name: 'us-east-1', status: 'ENABLED_BY_DEFAULT' },
];
const ENABLED = ['eu-west-1', 'eu-west-2', 'us-east-1'];

const parse = (raw: Record<string, unknown>) => parseProperties({ AwsAccountId: ACCOUNT_ID, ...raw }, { accountId: ACCOUNT_ID });

describe('Function: unknownRegionIssues', () => {
  it('names every Region that ListRegions reports under no status, with its property path and the likely Region', () => {
    // Prepare
    const properties = parse({
      CustomerMasterKeys: { 'cmk-prod': { Region: 'us-eats-1', ReplicaRegions: ['eu-wset-1', '*'] } },
      OptInRegions: ['us-east-1', 'xx-nowhere-9'],
    });

    // Act
    const issues = unknownRegionIssues(properties, REGIONS);

    // Assess
    expect(issues).toEqual([
      {
        path: 'CustomerMasterKeys.cmk-prod.Region',
        message: 'us-eats-1 is not a Region of this partition (ListRegions reports no such Region under any status); did you mean us-east-1?',
      },
      {
        path: 'CustomerMasterKeys.cmk-prod.ReplicaRegions',
        message: 'eu-wset-1 is not a Region of this partition (ListRegions reports no such Region under any status); did you mean eu-west-1?',
      },
      { path: 'OptInRegions', message: 'xx-nowhere-9 is not a Region of this partition (ListRegions reports no such Region under any status)' },
    ]);
  });

  it('accepts Regions that exist under any status (a disabled or enabling Region is not a typo)', () => {
    // Prepare
    const properties = parse({ CustomerMasterKeys: { a: { Region: 'me-south-1' }, b: { Region: 'us-east-1', ReplicaRegions: ['ap-east-1'] } } });

    // Act & Assess
    expect(unknownRegionIssues(properties, REGIONS)).toEqual([]);
  });
});

describe('Function: heldInstancesOf', () => {
  const heldOf = (raw: Record<string, unknown>, optIn: string[] | null = null) => {
    const properties = parse({ CustomerMasterKeys: { k: raw }, ...(optIn === null ? {} : { OptInRegions: optIn }) });
    const key = properties.keys[0]!;
    return heldInstancesOf(key, placeKey(key.region, key.replicaRegions, usableRegions(ENABLED, optIn)), REGIONS, optIn);
  };

  it('holds the whole key when its Region exists but is not enabled, with the status', () => {
    expect(heldOf({ Region: 'me-south-1' })).toEqual([
      { keyName: 'k', region: null, property: 'Region', cause: 'me-south-1 is not enabled in this account (ListRegions: DISABLED)' },
    ]);
  });

  it('holds the whole key when its fixed Region is outside OptInRegions', () => {
    expect(heldOf({ Region: 'eu-west-2' }, ['us-east-1'])).toEqual([
      { keyName: 'k', region: null, property: 'Region', cause: 'eu-west-2 is not in OptInRegions' },
    ]);
  });

  it('holds each listed replica Region that is not usable, and every enabled Region "*" no longer covers', () => {
    expect(heldOf({ Region: 'us-east-1', ReplicaRegions: ['ap-east-1'] })).toEqual([
      { keyName: 'k', region: 'ap-east-1', property: 'ReplicaRegions', cause: 'ap-east-1 is not enabled in this account (ListRegions: ENABLING)' },
    ]);
    expect(heldOf({ Region: 'us-east-1', ReplicaRegions: ['*'] }, ['us-east-1', 'eu-west-1'])).toEqual([
      { keyName: 'k', region: 'eu-west-2', property: 'ReplicaRegions', cause: '"*" no longer covers it: eu-west-2 is not in OptInRegions' },
    ]);
  });

  it('holds nothing for a key in every Region: a Region leaving OptInRegions removes its key by configuration', () => {
    expect(heldOf({}, ['us-east-1'])).toEqual([]);
  });
});
