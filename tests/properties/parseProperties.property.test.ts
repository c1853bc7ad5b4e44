import fc from 'fast-check';
import { ValidationError } from '../../lib/errors.ts';
import { parseProperties } from '../../lib/properties/index.ts';
import { ACCOUNT_ID, referenceProperties, stringifyScalars } from './fixtures.ts';

const opts = { accountId: ACCOUNT_ID };

/** Parses; returns 'ok' or 'invalid', and lets anything other than a ValidationError escape. */
function outcome(raw: unknown): 'ok' | 'invalid' {
  try {
    parseProperties(raw, opts);
    return 'ok';
  } catch (error) {
    if (error instanceof ValidationError && error.issues.length > 0) return 'invalid';
    throw error;
  }
}

/** Replaces (or deletes) the value at one path of a JSON document, chosen by `choice`. */
function mutate(document: unknown, choice: number, replacement: unknown, remove: boolean): unknown {
  const paths: (string | number)[][] = [];
  const walk = (node: unknown, path: (string | number)[]) => {
    paths.push(path);
    if (Array.isArray(node)) {
      node.forEach((child, i) => {
        walk(child, [...path, i]);
      });
    } else if (node !== null && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) walk(v, [...path, k]);
    }
  };
  walk(document, []);
  const target = paths[choice % paths.length]!;
  if (target.length === 0) return replacement;
  const copy = structuredClone(document) as Record<string | number, unknown>;
  let parent = copy;
  for (const step of target.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const last = target[target.length - 1]!;
  if (remove && !Array.isArray(parent)) delete parent[last];
  else parent[last] = replacement;
  return copy;
}

const scalarish = fc.oneof(
  fc.constantFrom(
    'true',
    'false',
    'yes',
    '30',
    ' 30',
    '1e1',
    '',
    '*',
    'us-east-1',
    'us-east1',
    'SYMMETRIC_DEFAULT',
    'HMAC_256',
    'SIGN_VERIFY',
    '__proto__',
    'constructor',
  ),
  fc.constantFrom('arn:aws:iam::111122223333:root', 'arn:aws:iam::111122223333:role/a/b', 'MultiRegionKmsKeys:Owner', 'aws:x', 'kms:Encrypt'),
  fc.jsonValue({ maxDepth: 3 }),
);

describe('Function: parseProperties (property-based)', () => {
  it('returns or throws a ValidationError for arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => expect(['ok', 'invalid']).toContain(outcome(raw))),
      { numRuns: 500 },
    );
  });

  it('returns or throws a ValidationError for arbitrary JavaScript values', () => {
    fc.assert(
      fc.property(fc.anything(), (raw) => expect(['ok', 'invalid']).toContain(outcome(raw))),
      { numRuns: 500 },
    );
  });

  it('returns or throws a ValidationError for mutated valid inputs', () => {
    // Prepare
    const seeds = [referenceProperties('pascal'), referenceProperties('terraform'), stringifyScalars(referenceProperties('pascal'))];

    // Act & Assess
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), scalarish, fc.boolean()), { minLength: 1, maxLength: 4 }), (seed, mutations) => {
        const raw = mutations.reduce((doc, [choice, value, remove]) => mutate(doc, choice, value, remove), seed as unknown);
        expect(['ok', 'invalid']).toContain(outcome(raw));
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps a tag named __proto__ as a plain tag', () => {
    // Act
    const parsed = parseProperties(JSON.parse(`{"AwsAccountId":"${ACCOUNT_ID}","CustomerMasterKeys":{"k":{"Tags":{"__proto__":"x"}}}}`), opts);

    // Assess
    expect(Object.keys(parsed.keys[0]!.tags)).toEqual(['__proto__']);
  });
});
