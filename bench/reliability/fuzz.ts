/**
 * A fast-check fuzzer over `ResourceProperties`: the reference configuration with one to three
 * invalid mutations drawn from the rules of docs/behaviour.md §3 (each knowing the path a Reason must name), and
 * arbitrary JSON maps that lack the required properties. Inputs are sampled with a fixed seed, so a
 * failing input can be regenerated.
 */
import fc from 'fast-check';
import {
  CLOUDFORMATION_FIELDS,
  CMK_USER_FIELDS,
  CONDITION_FIELDS,
  GRANT_CONSTRAINT_FIELDS,
  GRANT_FIELDS,
  KEY_FIELDS,
  SERVICE_PRINCIPAL_FIELDS,
  STATEMENT_FIELDS,
  STATEMENT_PRINCIPAL_FIELDS,
  TOP_LEVEL_FIELDS,
} from '../../lib/properties/synonyms.ts';
import { KEY_SPECS, KEY_USAGES } from '../../lib/types.ts';
import { type CfnMap, type CfnValue, cloneCfn, comparableText, toCfnValue } from './cfnValue.ts';
import type { HostileInput } from './hostileCorpus.ts';
import { referenceCfn } from './hostileCorpus.ts';

function snakeCase(pascal: string): string {
  return pascal.replace(/(?<=[a-z0-9])([A-Z])/g, '_$1').toLowerCase();
}

/** Every spelling the product accepts anywhere (the product's own field lists, so a new property is never fuzzed as unknown), and CloudFormation's own properties. */
const KNOWN_NAMES = new Set(
  [
    ...TOP_LEVEL_FIELDS,
    ...KEY_FIELDS,
    ...GRANT_FIELDS,
    ...GRANT_CONSTRAINT_FIELDS,
    ...CMK_USER_FIELDS,
    ...CONDITION_FIELDS,
    ...SERVICE_PRINCIPAL_FIELDS,
    ...STATEMENT_FIELDS,
    ...STATEMENT_PRINCIPAL_FIELDS,
  ]
    .flatMap((f) => [f, snakeCase(f)])
    .concat(CLOUDFORMATION_FIELDS),
);

/** One invalid change: set `value` at `at` (segments from the root); the Reason must name `path`. */
export interface Mutation {
  at: (string | number)[];
  value: CfnValue;
  path: string;
}

const KEYS = ['cmk-prod', 'cmk-stage'] as const;
const INTEGER_TEXT = /^-?(0|[1-9][0-9]*)$/;
const K = 'CustomerMasterKeys';

/** Text with at least one visible character, from all of Unicode (control characters and lone surrogates included). */
const anyText = (maxLength = 24) =>
  fc
    .oneof(
      fc.string({ minLength: 1, maxLength }),
      fc.string({ minLength: 1, maxLength, unit: 'binary' }),
      fc.string({ minLength: 1, maxLength, unit: 'grapheme' }),
    )
    .filter((s) => comparableText(s) !== '');

const wrongShape = fc.oneof(fc.array(anyText(), { maxLength: 3 }), fc.dictionary(anyText(8), anyText(8), { minKeys: 1, maxKeys: 3 }));

function badInteger(min: number, max: number): fc.Arbitrary<CfnValue> {
  return fc.oneof(
    fc.integer({ min: -1_000_000, max: min - 1 }).map(String),
    fc.integer({ min: max + 1, max: 2_000_000_000 }).map(String),
    anyText().filter((s) => !INTEGER_TEXT.test(s)),
    fc
      .double({ noNaN: false })
      .map(String)
      .filter((s) => !INTEGER_TEXT.test(s)),
    fc.constantFrom('1e1', '30 days', ' 30', '30.0', '+30', '0x1E', '030'),
    wrongShape,
  );
}

const badBoolean: fc.Arbitrary<CfnValue> = fc.oneof(
  anyText().filter((s) => s !== 'true' && s !== 'false'),
  fc.constantFrom('yes', 'no', 'True', '1', '0', 'on'),
  wrongShape,
);

function badChoice(choices: readonly string[]): fc.Arbitrary<CfnValue> {
  return fc.oneof(
    anyText().filter((s) => !choices.includes(s)),
    fc.constantFrom(...choices.map((c) => c.toLowerCase()), ...choices.map((c) => ` ${c}`)),
    wrongShape,
  );
}

const keyField = (field: string, value: fc.Arbitrary<CfnValue>): fc.Arbitrary<Mutation> =>
  fc.tuple(fc.constantFrom(...KEYS), value).map(([key, v]) => ({ at: [K, key, field], value: v, path: `${K}.${key}.${field}` }));
const topField = (field: string, value: fc.Arbitrary<CfnValue>): fc.Arbitrary<Mutation> => value.map((v) => ({ at: [field], value: v, path: field }));

const unknownName = anyText(20).filter((s) => !KNOWN_NAMES.has(s));

/** Parents whose unknown property names must be refused, as [segments, path]. */
const OBJECT_PARENTS: [(string | number)[], string][] = [
  [[], ''],
  [[K, 'cmk-prod'], `${K}.cmk-prod`],
  [[K, 'cmk-stage'], `${K}.cmk-stage`],
  [[K, 'cmk-prod', 'CmkUserIamArns', 0], `${K}.cmk-prod.CmkUserIamArns[0]`],
  [[K, 'cmk-prod', 'CmkUserIamArns', 0, 'Conditions', 0], `${K}.cmk-prod.CmkUserIamArns[0].Conditions[0]`],
  [[K, 'cmk-stage', 'CmkServicePrincipals', 0], `${K}.cmk-stage.CmkServicePrincipals[0]`],
];

const tagKeyWithPrefix = fc
  .tuple(fc.constantFrom('MultiRegionKmsKeys:', 'multiregionkmskeys:', 'aws:', 'AWS:'), fc.string({ maxLength: 20, unit: 'grapheme' }))
  .map(([p, s]) => p + s);
const tagsParent = fc.constantFrom<[(string | number)[], string]>(
  [['GlobalTags'], 'GlobalTags'],
  [[K, 'cmk-prod', 'Tags'], `${K}.cmk-prod.Tags`],
  [[K, 'cmk-stage', 'Tags'], `${K}.cmk-stage.Tags`],
);

const badArn = fc.oneof(
  anyText(40).filter((s) => !s.startsWith('arn:') && !/^\d{12}$/.test(s)),
  fc
    .tuple(
      fc.constantFrom('aws', 'aws-cn', 'aws-us-gov', 'aws-moon', ''),
      fc.oneof(fc.stringMatching(/^\d{1,11}$/), fc.stringMatching(/^\d{13,16}$/)),
      fc.constantFrom('root', 'user/x', 'role/y'),
    )
    .map(([p, account, resource]) => `arn:${p}:iam::${account}:${resource}`),
  fc.constantFrom('arn:aws:iam::111122223333:group/g', 'arn:aws:s3:::bucket', 'arn:aws:iam::111122223333:', '*'),
);
const arnList = fc.constantFrom('CmkAdministratorIamArns', 'CmkExternalUserIamArns', 'CmkUserIamArns', 'CmkReadOnlyUserIamArns', 'CmkDescribeOnlyUserIamArns');

/** Every kind of invalid mutation. */
export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  topField(
    'AwsAccountId',
    fc.oneof(
      anyText(14).filter((s) => s !== '111122223333'),
      fc.stringMatching(/^\d{12}$/).filter((s) => s !== '111122223333'),
      wrongShape,
    ),
  ),
  topField('DefaultDeletionWindowInDays', badInteger(7, 30)),
  topField('DefaultRotationPeriodInDays', badInteger(90, 2560)),
  topField('DefaultEnableKeyRotation', badBoolean),
  topField('AdoptExistingKeys', badBoolean),
  topField('DefaultCustomerMasterKeySpec', badChoice(KEY_SPECS)),
  topField('GlobalTags', fc.oneof(anyText(), fc.array(anyText(), { minLength: 1, maxLength: 3 }))),
  topField(K, fc.oneof(anyText(), fc.array(anyText(), { maxLength: 3 }))),
  topField('OptInRegions', fc.dictionary(anyText(8), anyText(8), { minKeys: 1, maxKeys: 3 })),
  topField('ReturnAttributes', fc.dictionary(anyText(8), anyText(8), { minKeys: 1, maxKeys: 3 })),
  keyField('DeletionWindowInDays', badInteger(7, 30)),
  keyField('RotationPeriodInDays', badInteger(90, 2560)),
  ...['Enabled', 'EnableKeyRotation', 'AllowManageKeyPermissionsWithIam', 'AllowReplacement', 'MultiRegion'].map((f) => keyField(f, badBoolean)),
  keyField('Spec', badChoice(KEY_SPECS)),
  keyField('KeyUsage', badChoice(KEY_USAGES)),
  keyField('RemovalPolicy', badChoice(['Delete', 'Retain'])),
  keyField('Region', wrongShape),
  keyField('ReplicaRegions', fc.dictionary(anyText(8), anyText(8), { minKeys: 1, maxKeys: 3 })),
  keyField('Tags', fc.oneof(anyText(), fc.array(anyText(), { minLength: 1, maxLength: 3 }))),
  keyField('Description', fc.string({ minLength: 8193, maxLength: 8300 })),
  fc.tuple(arnList, fc.constantFrom(...KEYS), badArn).map(([field, key, arn]) => ({ at: [K, key, field], value: [arn], path: `${K}.${key}.${field}[0]` })),
  anyText(40)
    .filter((s) => !/^[A-Za-z0-9/_-]+$/.test(s))
    .map((name) => ({ at: [K, name], value: { Region: 'us-east-1' }, path: `${K}.${name}` })),
  fc.stringMatching(/^[A-Za-z0-9/_-]{1,20}$/).map((rest) => ({ at: [K, `aws/${rest}`], value: { Region: 'us-east-1' }, path: `${K}.aws/${rest}` })),
  fc
    .tuple(fc.constantFrom(...OBJECT_PARENTS), unknownName, anyText())
    .map(([[at, path], name, value]) => ({ at: [...at, name], value, path: path === '' ? name : `${path}.${name}` })),
  fc.tuple(tagsParent, tagKeyWithPrefix, anyText()).map(([[at, path], key, value]) => ({ at: [...at, key], value, path: `${path}.${key}` })),
  fc
    .tuple(tagsParent, fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,10}$/), wrongShape)
    .map(([[at, path], key, value]) => ({ at: [...at, key], value, path: `${path}.${key}` })),
  fc
    .tuple(
      tagsParent,
      fc.string({ minLength: 129, maxLength: 140 }).filter((s) => comparableText(s) !== ''),
    )
    .map(([[at, path], key]) => ({ at: [...at, key], value: 'v', path: `${path}.${key}` })),
);

/** Sets `value` at `at` inside `root`, creating maps on the way; own properties even for `__proto__`. */
export function applyMutation(root: CfnMap, mutation: Mutation): void {
  let node: CfnValue = root;
  for (const [i, segment] of mutation.at.entries()) {
    const last = i === mutation.at.length - 1;
    const container = node as Record<string | number, CfnValue>;
    if (last) {
      Object.defineProperty(container, segment, { value: mutation.value, enumerable: true, writable: true, configurable: true });
      return;
    }
    const next: CfnValue | undefined = Object.hasOwn(container, segment) ? container[segment] : undefined;
    if (next === undefined || typeof next !== 'object') {
      // The way is blocked by an earlier mutation (a map replaced by a string): that one's path is named instead.
      if (next !== undefined) return;
      const created: CfnMap = {};
      Object.defineProperty(container, segment, { value: created, enumerable: true, writable: true, configurable: true });
      node = created;
    } else node = next;
  }
}

const referenceMutated: fc.Arbitrary<HostileInput> = fc.array(mutationArbitrary, { minLength: 1, maxLength: 3 }).map((mutations) => {
  const properties = cloneCfn(referenceCfn());
  for (const mutation of mutations) applyMutation(properties, mutation);
  return { name: `fuzz: ${mutations.map((m) => m.path).join(', ')}`, properties, expectPaths: mutations.map((m) => m.path) };
});

/** Arbitrary JSON maps without the required properties (stringified as CloudFormation would). */
const arbitraryJson: fc.Arbitrary<HostileInput> = fc
  .dictionary(
    unknownName.filter((s) => !KNOWN_NAMES.has(s)),
    fc.jsonValue({ maxDepth: 4 }),
    { maxKeys: 8 },
  )
  .map((value) => {
    const properties = (toCfnValue(value) ?? {}) as CfnMap;
    return {
      name: `fuzz json: ${Object.keys(properties).length} unknown properties`,
      properties,
      expectPaths: ['AwsAccountId', 'CustomerMasterKeys', ...Object.keys(properties)],
    };
  });

/** `count` fuzz inputs, 4 of 5 mutations of the reference, 1 of 5 arbitrary JSON. */
export function fuzzInputs(count: number, seed: number): HostileInput[] {
  if (count <= 0) return [];
  return fc.sample(fc.oneof({ arbitrary: referenceMutated, weight: 4 }, { arbitrary: arbitraryJson, weight: 1 }), { numRuns: count, seed });
}
