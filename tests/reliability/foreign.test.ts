import { diffForeign, foreignSeeds, foreignView } from '../../bench/reliability/foreign.ts';
import { key } from './fixtures.ts';

describe('Function: foreignSeeds', () => {
  it('seeds aliased, unaliased and reserved-prefix keys of another owner in every Region', () => {
    // Act
    const seeds = foreignSeeds('us-west-2');

    // Assess
    expect(seeds.some((s) => s.aliasName === 'alias/foreign-app')).toBe(true);
    expect(seeds.some((s) => s.aliasName === undefined && s.tags?.['MultiRegionKmsKeys:KeyName'] === 'cmk-prod')).toBe(true);
    expect(seeds.every((s) => s.region === 'us-west-2')).toBe(true);
  });

  it('puts a reference key alias name where the reference does not use it', () => {
    // Act & Assess
    expect(foreignSeeds('eu-central-1').map((s) => s.aliasName)).toContain('alias/cmk-stage');
  });
});

describe('Function: diffForeign', () => {
  it('finds nothing when the foreign keys are unchanged', () => {
    // Prepare
    const foreign = key('us-east-1', null, { keyId: 'f1' });
    const before = foreignView({ keys: [foreign], aliases: [{ region: 'us-east-1', aliasName: 'alias/x', targetKeyId: 'f1' }] }, ['f1']);

    // Act & Assess
    expect(diffForeign(before, before)).toEqual([]);
  });

  it('reports changed tags, a moved alias and a deleted key, ignoring keys that are not foreign', () => {
    // Prepare
    const f1 = key('us-east-1', null, { keyId: 'f1' });
    const f2 = key('us-east-1', null, { keyId: 'f2' });
    const ours = key('us-east-1', 'cmk', { keyId: 'o1' });
    const before = foreignView({ keys: [f1, f2, ours], aliases: [{ region: 'us-east-1', aliasName: 'alias/x', targetKeyId: 'f1' }] }, ['f1', 'f2']);
    const tagged = { ...f1, tags: { team: 'changed' } };
    const after = foreignView(
      { keys: [tagged, { ...ours, keyState: 'Disabled' }], aliases: [{ region: 'us-east-1', aliasName: 'alias/x', targetKeyId: 'o1' }] },
      ['f1', 'f2'],
    );

    // Act
    const touched = diffForeign(before, after);

    // Assess
    expect(touched).toEqual([
      expect.stringMatching(/^us-east-1\/f1: tags \{\} -> \{"team":"changed"\}; aliases \["alias\/x"\] -> \[\]$/),
      'us-east-1/f2: deleted',
    ]);
  });

  it('treats AWS managed keys as foreign', () => {
    // Prepare
    const managed = key('us-east-1', null, { keyId: 'aws1', keyManager: 'AWS' });

    // Act
    const view = foreignView({ keys: [managed], aliases: [] }, []);

    // Assess
    expect(Object.keys(view)).toEqual(['us-east-1/aws1']);
  });
});
