import { buildDesiredState } from '../../lib/desired/index.ts';
import { placementWarnings } from '../../lib/desired/warnings.ts';
import { parseProperties } from '../../lib/properties/index.ts';
import { ACCOUNT_ID, CONTEXT, DEFAULT_REGIONS } from '../properties/fixtures.ts';

function warningsOf(raw: Record<string, unknown>): string[] {
  const properties = parseProperties({ AwsAccountId: ACCOUNT_ID, ...raw }, { accountId: ACCOUNT_ID });
  return placementWarnings(properties, buildDesiredState({ properties, oldProperties: null, enabledRegions: DEFAULT_REGIONS, context: CONTEXT }));
}

describe('Function: placementWarnings', () => {
  it("names a replica Region equal to the key's own, one outside OptInRegions and a key whose Region is outside them", () => {
    // Act
    const warnings = warningsOf({
      OptInRegions: ['us-east-1', 'eu-west-1'],
      CustomerMasterKeys: { app: { Region: 'us-east-1', ReplicaRegions: ['us-east-1', 'us-west-2', 'eu-west-1'] }, far: { Region: 'us-west-2' } },
    });

    // Assess
    expect(warnings).toEqual([
      'CustomerMasterKeys.far.Region: "us-west-2" is not an enabled Region of OptInRegions: the key is not created (InvalidCmkInputs)',
      "CustomerMasterKeys.app.ReplicaRegions: us-east-1 is the key's own Region, and a key is never its own replica: left out (InvalidReplicaRegions)",
      'CustomerMasterKeys.app.ReplicaRegions: "us-west-2" is not an enabled Region of OptInRegions: no replica there (InvalidReplicaRegions)',
    ]);
  });

  it('says nothing when every input is used', () => {
    expect(warningsOf({ CustomerMasterKeys: { app: { Region: 'us-east-1', ReplicaRegions: ['eu-west-1'] }, every: { Region: '' } } })).toEqual([]);
  });
});
