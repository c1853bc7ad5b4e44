import { parseKmsQuotas } from '../../handler/index.ts';

describe('Function: parseKmsQuotas', () => {
  it('reads raised quotas', () => {
    // Act & Assess
    expect(parseKmsQuotas('{"CreateKey": 50, "ReplicateKey": 25}')).toEqual({ CreateKey: 50, ReplicateKey: 25 });
  });

  it('means the defaults when unset', () => {
    // Act & Assess
    expect(parseKmsQuotas(undefined)).toEqual({});
    expect(parseKmsQuotas('  ')).toEqual({});
  });

  it.each([
    ['{CreateKey: 5', /not valid JSON/],
    ['[1]', /must be a JSON object/],
    ['{"CreatKey": 5}', /unknown operation "CreatKey"/],
    ['{"CreateKey": "50"}', /CreateKey must be a positive number/],
    ['{"CreateKey": 0}', /CreateKey must be a positive number/],
  ])('refuses %s', (text, message) => {
    // Act & Assess
    expect(() => parseKmsQuotas(text)).toThrow(message);
  });
});
