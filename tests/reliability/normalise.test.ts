import { diffStates, normaliseState } from '../../bench/reliability/normalise.ts';
import { key, OWNER } from './fixtures.ts';

describe('Function: normaliseState', () => {
  it('gives two runs that reached the same state equal results, whatever their ids and dates', () => {
    // Prepare
    const runA = key('us-east-1', 'cmk', {
      keyId: 'aaaa',
      policy: '{"Resource":"arn:aws:kms:us-east-1:111122223333:key/aaaa"}',
      creationDate: '2026-01-01T00:00:00.000Z',
    });
    const runB = key('us-east-1', 'cmk', {
      keyId: 'bbbb',
      policy: '{"Resource":"arn:aws:kms:us-east-1:111122223333:key/bbbb"}',
      creationDate: '2027-05-05T00:00:00.000Z',
    });

    // Act
    const a = normaliseState({ keys: [runA], aliases: [{ region: 'us-east-1', aliasName: 'alias/cmk', targetKeyId: 'aaaa' }] }, OWNER);
    const b = normaliseState({ keys: [runB], aliases: [{ region: 'us-east-1', aliasName: 'alias/cmk', targetKeyId: 'bbbb' }] }, OWNER);

    // Assess
    expect(a).toEqual(b);
    expect(a.aliases).toEqual({ 'us-east-1/alias/cmk': 'us-east-1/owned:cmk' });
    expect(a.keys['us-east-1/owned:cmk']!.policy).toBe('{"Resource":"<us-east-1/owned:cmk>"}');
  });

  it('numbers keys that share a name, live ones first', () => {
    // Prepare
    const pending = key('eu-west-1', 'cmk', { keyState: 'PendingDeletion', deletionDate: '2026-02-01T00:00:00.000Z', pendingWindowInDays: 7 });
    const live = key('eu-west-1', 'cmk');

    // Act
    const state = normaliseState({ keys: [pending, live], aliases: [] }, OWNER);

    // Assess
    expect(state.keys['eu-west-1/owned:cmk']!.keyState).toBe('Enabled');
    expect(state.keys['eu-west-1/owned:cmk#2']).toMatchObject({ keyState: 'PendingDeletion', deletionScheduled: true, pendingWindowInDays: 7 });
  });

  it('names keys of other owners and unowned keys by their description', () => {
    // Prepare
    const other = key('us-east-1', 'cmk', { tags: { 'MultiRegionKmsKeys:Owner': 'mrkk-other', 'MultiRegionKmsKeys:KeyName': 'cmk' }, description: 'theirs' });
    const loose = key('us-east-1', null, { description: 'loose' });
    const managed = key('us-east-1', null, { keyManager: 'AWS' });

    // Act
    const state = normaliseState({ keys: [other, loose, managed], aliases: [{ region: 'us-east-1', aliasName: 'alias/x', targetKeyId: 'missing' }] }, OWNER);

    // Assess
    expect(Object.keys(state.keys)).toEqual(['us-east-1/aws-managed', 'us-east-1/other-owner:cmk:theirs', 'us-east-1/unowned:loose']);
    expect(state.aliases['us-east-1/alias/x']).toBe('?');
  });
});

describe('Function: diffStates', () => {
  it('is empty for equal states', () => {
    // Prepare
    const state = normaliseState({ keys: [key('us-east-1', 'cmk')], aliases: [] }, OWNER);

    // Act & Assess
    expect(diffStates(state, state)).toEqual([]);
  });

  it('reports extra and missing keys, changed fields and aliases', () => {
    // Prepare
    const expected = normaliseState(
      {
        keys: [key('us-east-1', 'cmk', { keyId: 'k1' }), key('us-west-2', 'gone')],
        aliases: [{ region: 'us-east-1', aliasName: 'alias/cmk', targetKeyId: 'k1' }],
      },
      OWNER,
    );
    const actual = normaliseState(
      { keys: [key('us-east-1', 'cmk', { keyId: 'k2', keyState: 'Disabled' }), key('us-east-1', 'cmk', { keyId: 'k3' })], aliases: [] },
      OWNER,
    );

    // Act
    const diffs = diffStates(expected, actual);

    // Assess
    expect(diffs).toEqual([
      expect.stringMatching(/^key us-east-1\/owned:cmk: keyState expected "Enabled", got "Disabled"$/),
      'extra key us-east-1/owned:cmk#2 (Enabled)',
      'missing key us-west-2/owned:gone (Enabled)',
      'alias us-east-1/alias/cmk: expected us-east-1/owned:cmk, got absent',
    ]);
  });
});
