import { MadeKeys } from '../../lib/executor/madeKeys.ts';

describe('Class: MadeKeys', () => {
  it('knows a key per Region: a multi-Region key made in one Region is not made in another', () => {
    // Prepare
    const made = new MadeKeys();
    // Act
    made.add('mrk-1', 'us-east-1').add('key-2', 'eu-west-1');
    // Assess
    expect(made.has('us-east-1', 'mrk-1')).toBe(true);
    expect(made.has('eu-west-1', 'mrk-1')).toBe(false);
    expect(made.inRegion('eu-west-1')).toEqual(['key-2']);
    expect(made.inRegion('ap-south-1')).toEqual([]);
  });

  it('records a key in every Region it is given once, in the order made', () => {
    // Prepare
    const made = new MadeKeys();
    // Act: an UpdatePrimaryRegion changes the key in both Regions; a replay adds it again
    made.add('mrk-1', 'us-east-1', 'eu-west-1').add('mrk-1', 'us-east-1').add('mrk-2', 'us-east-1');
    // Assess
    expect(made.inRegion('us-east-1')).toEqual(['mrk-1', 'mrk-2']);
    expect(made.inRegion('eu-west-1')).toEqual(['mrk-1']);
  });
});
