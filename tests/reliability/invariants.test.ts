import { checkInvariants } from '../../bench/reliability/invariants.ts';
import { key, OWNER } from './fixtures.ts';

describe('Function: checkInvariants', () => {
  it('finds nothing wrong with one aliased key per name and Region', () => {
    // Prepare
    const cmk = key('us-east-1', 'cmk', { keyId: 'k1' });

    // Act
    const report = checkInvariants({ keys: [cmk], aliases: [{ region: 'us-east-1', aliasName: 'alias/cmk', targetKeyId: 'k1' }] }, OWNER);

    // Assess
    expect(report).toEqual({ duplicates: [], orphans: [], missingAliases: [] });
  });

  it('reports two live owned keys with the same KeyName in one Region as a duplicate, and the unaliased one as an orphan', () => {
    // Prepare
    const first = key('us-east-1', 'cmk', { keyId: 'k1' });
    const second = key('us-east-1', 'cmk', { keyId: 'k2' });

    // Act
    const report = checkInvariants({ keys: [first, second], aliases: [{ region: 'us-east-1', aliasName: 'alias/cmk', targetKeyId: 'k1' }] }, OWNER);

    // Assess
    expect(report.duplicates).toHaveLength(1);
    expect(report.orphans).toEqual([expect.stringContaining('k2')]);
    expect(report.missingAliases).toEqual([expect.stringContaining('targets k1, not the live key k2')]);
  });

  it('ignores keys pending deletion, keys of other owners and the same name in another Region', () => {
    // Prepare
    const pending = key('us-east-1', 'cmk', { keyState: 'PendingDeletion' });
    const replicaPending = key('us-east-1', 'cmk', { keyState: 'PendingReplicaDeletion' });
    const foreign = key('us-east-1', 'cmk', { tags: { 'MultiRegionKmsKeys:Owner': 'mrkk-other', 'MultiRegionKmsKeys:KeyName': 'cmk' } });
    const west = key('us-west-2', 'cmk', { keyId: 'w1' });

    // Act
    const report = checkInvariants(
      { keys: [pending, replicaPending, foreign, west], aliases: [{ region: 'us-west-2', aliasName: 'alias/cmk', targetKeyId: 'w1' }] },
      OWNER,
    );

    // Assess
    expect(report).toEqual({ duplicates: [], orphans: [], missingAliases: [] });
  });

  it('reports an owned key whose alias is gone', () => {
    // Prepare
    const cmk = key('eu-west-1', 'cmk', { keyId: 'k1' });

    // Act
    const report = checkInvariants({ keys: [cmk], aliases: [] }, OWNER);

    // Assess
    expect(report.orphans).toHaveLength(1);
    expect(report.missingAliases).toEqual(['eu-west-1/alias/cmk: absent, not the live key k1']);
  });
});
