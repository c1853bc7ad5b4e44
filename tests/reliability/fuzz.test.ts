import { applyMutation, fuzzInputs } from '../../bench/reliability/fuzz.ts';
import { referenceCfn } from '../../bench/reliability/hostileCorpus.ts';

describe('Function: fuzzInputs', () => {
  it('is deterministic for a seed', () => {
    // Act
    const first = fuzzInputs(50, 7);
    const second = fuzzInputs(50, 7);

    // Assess
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });

  it('makes the number asked for, each changed from the reference and naming a path', () => {
    // Prepare
    const reference = JSON.stringify(referenceCfn());

    // Act
    const inputs = fuzzInputs(300, 11);

    // Assess
    expect(inputs).toHaveLength(300);
    for (const input of inputs) {
      expect(JSON.stringify(input.properties)).not.toBe(reference);
      expect(input.expectPaths.length).toBeGreaterThan(0);
    }
  });

  it('also makes arbitrary JSON inputs', () => {
    // Act
    const inputs = fuzzInputs(300, 3);

    // Assess
    expect(inputs.some((i) => i.name.startsWith('fuzz json'))).toBe(true);
    expect(inputs.some((i) => i.name.startsWith('fuzz: '))).toBe(true);
  });

  it('returns nothing for a count of zero', () => {
    // Act & Assess
    expect(fuzzInputs(0, 1)).toEqual([]);
  });
});

describe('Function: applyMutation', () => {
  it('sets a value deep inside, creating maps on the way', () => {
    // Prepare
    const props = referenceCfn();

    // Act
    applyMutation(props, { at: ['CustomerMasterKeys', 'cmk-stage', 'Tags', 'aws:x'], value: 'v', path: 'CustomerMasterKeys.cmk-stage.Tags.aws:x' });

    // Assess
    expect((props.CustomerMasterKeys as Record<string, Record<string, unknown>>)['cmk-stage']!.Tags).toEqual({ 'aws:x': 'v' });
  });

  it('leaves the input alone when an earlier mutation replaced a map by a string', () => {
    // Prepare
    const props = referenceCfn();
    applyMutation(props, { at: ['CustomerMasterKeys'], value: 'garbage', path: 'CustomerMasterKeys' });

    // Act
    applyMutation(props, { at: ['CustomerMasterKeys', 'cmk-prod', 'Spec'], value: 'x', path: 'CustomerMasterKeys.cmk-prod.Spec' });

    // Assess
    expect(props.CustomerMasterKeys).toBe('garbage');
  });

  it('sets a __proto__ key as data', () => {
    // Prepare
    const props = referenceCfn();

    // Act
    applyMutation(props, { at: ['__proto__'], value: 'x', path: '__proto__' });

    // Assess
    expect(Object.hasOwn(props, '__proto__')).toBe(true);
  });
});
