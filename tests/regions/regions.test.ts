import { isRegionName, partitionOf, placeKey, regionsToScan, usableRegions } from '../../lib/regions.ts';

describe('Function: isRegionName', () => {
  it.each(['us-east-1', 'eu-central-2', 'ap-southeast-5', 'us-gov-west-1', 'cn-northwest-1', 'us-iso-east-1', 'us-isob-east-1', 'eu-isoe-west-1'])(
    'accepts %s',
    (region) => expect(isRegionName(region)).toBe(true),
  );

  it.each(['us-east1', 'US-EAST-1', 'useast-1', 'us-east-10', ' us-east-1', 'us-east-1 ', '*', '', 'global'])('refuses %j', (region) =>
    expect(isRegionName(region)).toBe(false),
  );
});

describe('Function: partitionOf', () => {
  it.each([
    ['us-east-1', 'aws'],
    ['eu-west-1', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-iso-east-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
  ])('maps %s to %s', (region, partition) => expect(partitionOf(region)).toBe(partition));
});

describe('Function: usableRegions', () => {
  it('is every enabled Region without OptInRegions, sorted', () => {
    expect(usableRegions(['us-west-2', 'us-east-1'], null)).toEqual(['us-east-1', 'us-west-2']);
  });

  it('intersects with OptInRegions', () => {
    expect(usableRegions(['us-west-2', 'us-east-1', 'eu-west-1'], ['eu-west-1', 'ap-south-2'])).toEqual(['eu-west-1']);
  });
});

describe('Function: regionsToScan', () => {
  const enabled = ['eu-west-1', 'us-east-1', 'us-west-2'];

  it('scans the current opt-in Regions on Create', () => {
    expect(regionsToScan(enabled, ['us-east-1'])).toEqual(['us-east-1']);
  });

  it('adds the Regions the previous properties could use', () => {
    expect(regionsToScan(enabled, ['us-east-1'], ['us-west-2', 'ap-south-1'])).toEqual(['us-east-1', 'us-west-2']);
  });

  it('scans every enabled Region when either side has no OptInRegions', () => {
    expect(regionsToScan(enabled, null, ['us-east-1'])).toEqual(enabled);
    expect(regionsToScan(enabled, ['us-east-1'], null)).toEqual(enabled);
  });
});

describe('Function: placeKey', () => {
  const usable = ['eu-west-1', 'us-east-1', 'us-west-2'];

  it('places a Region: null key in every usable Region', () => {
    expect(placeKey(null, [], usable)).toEqual({ kind: 'perRegion', regions: usable });
  });

  it('refuses a primary Region that is not usable', () => {
    expect(placeKey('ap-south-1', ['us-east-1'], usable)).toEqual({ kind: 'invalid' });
  });

  it('expands "*" to every usable Region but the primary', () => {
    expect(placeKey('us-east-1', ['*'], usable)).toEqual({
      kind: 'fixed',
      primaryRegion: 'us-east-1',
      replicaRegions: ['eu-west-1', 'us-west-2'],
      invalidReplicaRegions: [],
    });
  });

  it('skips and reports replica Regions that are not usable or are the primary', () => {
    expect(placeKey('us-east-1', ['us-west-2', 'ap-south-1', 'us-east-1'], usable)).toEqual({
      kind: 'fixed',
      primaryRegion: 'us-east-1',
      replicaRegions: ['us-west-2'],
      invalidReplicaRegions: ['ap-south-1', 'us-east-1'],
    });
  });

  it('does not report an explicit Region that "*" also covers', () => {
    expect(placeKey('us-east-1', ['*', 'eu-west-1'], usable)).toMatchObject({ replicaRegions: ['eu-west-1', 'us-west-2'], invalidReplicaRegions: [] });
  });
});
