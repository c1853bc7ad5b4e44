import { comparableText, pathsNamed, toCfnValue } from '../../bench/reliability/cfnValue.ts';
import { regionTyposOnExistingKeys } from '../../bench/reliability/existingKeys.ts';
import { hostileCorpus, referenceCfn } from '../../bench/reliability/hostileCorpus.ts';

describe('Function: toCfnValue', () => {
  it('stringifies scalars as CloudFormation does and drops nulls', () => {
    // Act
    const value = toCfnValue({ n: 30, b: true, nil: null, list: [1, null, 'x'], nested: { f: false } });

    // Assess
    expect(value).toEqual({ n: '30', b: 'true', list: ['1', 'x'], nested: { f: 'false' } });
  });

  it('keeps a __proto__ key as a plain property', () => {
    // Prepare
    const raw = JSON.parse('{"__proto__": "polluted"}') as Record<string, unknown>;

    // Act
    const value = toCfnValue(raw) as Record<string, unknown>;

    // Assess
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });
});

describe('Function: pathsNamed', () => {
  it('matches paths the way the product sanitises a Reason (control characters and line breaks removed)', () => {
    // Prepare
    const reason = 'CustomerMasterKeys.cmkprod: a key name may hold only letters; CustomerMasterKeys.x y.Region: must be a string';

    // Act
    const named = pathsNamed(reason, ['CustomerMasterKeys.cmk\u0000prod', 'CustomerMasterKeys.x\ny.Region', 'GlobalTags']);

    // Assess
    expect(named).toEqual(['CustomerMasterKeys.cmk\u0000prod', 'CustomerMasterKeys.x\ny.Region']);
  });

  it('compares without white space and lone surrogates', () => {
    // Act & Assess
    expect(comparableText('a \t\uD800b\u0007')).toBe('ab');
  });
});

describe('Function: hostileCorpus', () => {
  const corpus = hostileCorpus();

  it('has well over a hundred inputs, each with a name and at least one expected path', () => {
    // Assess
    expect(corpus.length).toBeGreaterThan(150);
    for (const input of corpus) {
      expect(input.name).not.toBe('');
      expect(input.expectPaths.length).toBeGreaterThan(0);
    }
  });

  it('changes the reference in every input', () => {
    // Prepare
    const reference = JSON.stringify(referenceCfn());

    // Act
    const unchanged = corpus.filter((input) => JSON.stringify(input.properties) === reference);

    // Assess
    expect(unchanged.map((i) => i.name)).toEqual([]);
  });

  it('sends only what CloudFormation can send: strings, lists and maps', () => {
    // Prepare
    const offending: string[] = [];
    const visit = (value: unknown, name: string): void => {
      if (typeof value === 'string') return;
      if (value !== null && typeof value === 'object') {
        for (const member of Object.values(value)) visit(member, name);
        return;
      }
      offending.push(name);
    };

    // Act
    for (const input of corpus) visit(input.properties, input.name);

    // Assess
    expect(offending).toEqual([]);
  });

  it('covers the rules of docs/behaviour.md §3 it claims to', () => {
    // Prepare
    const paths = corpus.flatMap((i) => i.expectPaths).join('\n');

    // Assess
    for (const rule of [
      'AwsAccountId',
      'DefaultDeletionWindowInDays',
      'DefaultEnableKeyRotation',
      'GlobalTags.MultiRegionKmsKeys:Owner',
      'CmkUserIamArns[0]',
      'KeyUsage',
      'ReturnAttributes',
      'CustomerMasterKeys.aws/my-key',
      'OptInRegions',
    ]) {
      expect(paths).toContain(rule);
    }
    expect(corpus.some((i) => Object.keys((i.properties.CustomerMasterKeys ?? {}) as object).length >= 5000)).toBe(true);
    expect(corpus.some((i) => Object.hasOwn(i.properties, '__proto__'))).toBe(true);
  });
});

describe('Function: regionTyposOnExistingKeys', () => {
  it('mistypes or unplaces a Region of the deployed reference in every input, each with a path to name', () => {
    // Prepare
    const reference = JSON.stringify(referenceCfn());

    // Act
    const inputs = regionTyposOnExistingKeys();

    // Assess
    expect(inputs.length).toBeGreaterThanOrEqual(8);
    for (const input of inputs) {
      expect(JSON.stringify(input.properties)).not.toBe(reference);
      expect(input.expectPaths.length).toBeGreaterThan(0);
    }
    expect(inputs.map((i) => i.name)).toEqual(expect.arrayContaining(['cmk-prod Region us-eats-1', 'cmk-prod Region me-south-1 (exists, not enabled)']));
  });
});
