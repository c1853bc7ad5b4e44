import { buildDesiredState, deletionDesiredState } from '../../lib/desired/index.ts';
import { ValidationError } from '../../lib/errors.ts';
import { parseProperties } from '../../lib/properties/index.ts';
import type { AccountRegion } from '../../lib/regions.ts';
import { ACCOUNT_ID, CONTEXT } from '../properties/fixtures.ts';

const ACCOUNT_REGIONS: AccountRegion[] = [
  { name: 'eu-west-1', status: 'ENABLED_BY_DEFAULT' },
  { name: 'me-south-1', status: 'DISABLED' },
  { name: 'us-east-1', status: 'ENABLED_BY_DEFAULT' },
];
const ENABLED = ['eu-west-1', 'us-east-1'];

const build = (keys: Record<string, unknown>, top: Record<string, unknown> = {}) =>
  buildDesiredState({
    properties: parseProperties({ AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: keys, ...top }, { accountId: ACCOUNT_ID }),
    oldProperties: null,
    enabledRegions: ENABLED,
    accountRegions: ACCOUNT_REGIONS,
    requestId: 'request-1',
    context: CONTEXT,
  });

describe('Function: buildDesiredState (Regions checked against ListRegions)', () => {
  it('throws a ValidationError naming the property path for a name that is no Region at all', () => {
    // Act
    const error = (() => {
      try {
        build({ 'cmk-prod': { Region: 'us-eats-1' } });
      } catch (e) {
        return e;
      }
      return undefined;
    })();

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['CustomerMasterKeys.cmk-prod.Region']);
  });

  it('reports a Region that exists but is not enabled in InvalidCmkInputs and holds the key, so an existing one is kept', () => {
    // Act
    const state = build({ 'cmk-prod': { Region: 'me-south-1' }, 'cmk-ok': { Region: 'us-east-1', ReplicaRegions: ['me-south-1'] } });

    // Assess
    expect(state.keys.map((k) => k.id)).toEqual(['cmk-ok']);
    expect(state.invalidCmkInputs).toEqual(['cmk-prod']);
    expect(state.invalidReplicaRegions).toEqual({ 'cmk-ok': ['me-south-1'] });
    expect(state.held).toEqual([
      { keyName: 'cmk-ok', region: 'me-south-1', property: 'ReplicaRegions', cause: 'me-south-1 is not enabled in this account (ListRegions: DISABLED)' },
      { keyName: 'cmk-prod', region: null, property: 'Region', cause: 'me-south-1 is not enabled in this account (ListRegions: DISABLED)' },
    ]);
    expect(state.requestId).toBe('request-1');
  });
});

describe('Function: deletionDesiredState (garbage OptInRegions)', () => {
  it('scans every enabled Region when OptInRegions names a Region the partition does not have', () => {
    // Act
    const state = deletionDesiredState({
      rawProperties: { OptInRegions: ['us-eats-1'] },
      enabledRegions: ENABLED,
      accountRegions: ACCOUNT_REGIONS,
      context: CONTEXT,
    });

    // Assess
    expect(state.regions).toEqual(ENABLED);
  });
});
