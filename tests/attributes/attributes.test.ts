import { randomBytes, randomUUID } from 'node:crypto';
import { MAX_RESPONSE_BYTES } from '../../lib/constants.ts';
import { buildDesiredState } from '../../lib/desired/index.ts';
import { ValidationError } from '../../lib/errors.ts';
import { parseProperties } from '../../lib/properties/index.ts';
import {
  buildAttributes,
  familySizes,
  keyArnOf,
  matchesReturnAttributes,
  PLACEHOLDER_KEY_IDS,
  placeholderKeyIds,
  preflightResponseSize,
} from '../../lib/request/attributes.ts';
import type { DesiredState } from '../../lib/types.ts';
import { ACCOUNT_ID, CONTEXT, DEFAULT_REGIONS, measureResponse, referenceProperties } from '../properties/fixtures.ts';

const opts = { accountId: ACCOUNT_ID };
const MRK = 'mrk-1234abcd12ab34cd56ef1234567890ab';
const UUID = '1234abcd-12ab-34cd-56ef-1234567890ab';

function desiredOf(raw: Record<string, unknown>, enabledRegions = DEFAULT_REGIONS): DesiredState {
  return buildDesiredState({ properties: parseProperties(raw, opts), oldProperties: null, enabledRegions, context: CONTEXT });
}

const reference = () => desiredOf(referenceProperties('pascal'));

/** Three `Region: null` keys in the 17 default Regions (the case of docs/behaviour.md §7). */
const threePerRegionKeys = () => desiredOf({ AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: { 'cmk-app': {}, 'cmk-logs': {}, 'cmk-backup': {} } });

/** The issue preflightResponseSize throws, or undefined when it accepts. */
function preflightIssue(state: DesiredState, returnAttributes: string[]) {
  try {
    preflightResponseSize(state, CONTEXT, returnAttributes, measureResponse);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues;
  }
}

describe('Function: buildAttributes', () => {
  it('returns every attribute of the reference configuration with ReturnAttributes ["*"]', () => {
    // Act
    const data = buildAttributes(reference(), { 'cmk-prod': MRK, 'cmk-stage': UUID }, CONTEXT, ['*']);

    // Assess
    const arn = (region: string, id: string) => `arn:aws:kms:${region}:111122223333:key/${id}`;
    expect(data).toEqual({
      InvalidCmkInputs: '',
      SkippedRegions: '',
      'InvalidReplicaRegions.cmk-prod': '',
      'KeyAliases.eu-west-1.cmk-prod': 'alias/cmk-prod',
      'KeyAliases.us-east-1.cmk-prod': 'alias/cmk-prod',
      'KeyAliases.us-west-1.cmk-stage': 'alias/cmk-stage',
      'KeyAliases.us-west-2.cmk-prod': 'alias/cmk-prod',
      'KeyArns.eu-west-1.cmk-prod': arn('eu-west-1', MRK),
      'KeyArns.us-east-1.cmk-prod': arn('us-east-1', MRK),
      'KeyArns.us-west-1.cmk-stage': arn('us-west-1', UUID),
      'KeyArns.us-west-2.cmk-prod': arn('us-west-2', MRK),
      'KeyIds.eu-west-1.cmk-prod': MRK,
      'KeyIds.us-east-1.cmk-prod': MRK,
      'KeyIds.us-west-1.cmk-stage': UUID,
      'KeyIds.us-west-2.cmk-prod': MRK,
      'PrimaryKeyAliases.us-east-1.cmk-prod': 'alias/cmk-prod',
      'PrimaryKeyAliases.us-west-1.cmk-stage': 'alias/cmk-stage',
      'PrimaryKeyArns.us-east-1.cmk-prod': arn('us-east-1', MRK),
      'PrimaryKeyArns.us-west-1.cmk-stage': arn('us-west-1', UUID),
      'PrimaryKeyIds.us-east-1.cmk-prod': MRK,
      'PrimaryKeyIds.us-west-1.cmk-stage': UUID,
      'ReplicaKeyAliases.eu-west-1.cmk-prod': 'alias/cmk-prod',
      'ReplicaKeyAliases.us-west-2.cmk-prod': 'alias/cmk-prod',
      'ReplicaKeyArns.eu-west-1.cmk-prod': arn('eu-west-1', MRK),
      'ReplicaKeyArns.us-west-2.cmk-prod': arn('us-west-2', MRK),
      'ReplicaKeyIds.eu-west-1.cmk-prod': MRK,
      'ReplicaKeyIds.us-west-2.cmk-prod': MRK,
    });
  });

  it.each<[string[], string[]]>([
    [['KeyArns.*'], ['KeyArns.eu-west-1.cmk-prod', 'KeyArns.us-east-1.cmk-prod', 'KeyArns.us-west-1.cmk-stage', 'KeyArns.us-west-2.cmk-prod']],
    [
      ['*.eu-west-1.*'],
      [
        'KeyAliases.eu-west-1.cmk-prod',
        'KeyArns.eu-west-1.cmk-prod',
        'KeyIds.eu-west-1.cmk-prod',
        'ReplicaKeyAliases.eu-west-1.cmk-prod',
        'ReplicaKeyArns.eu-west-1.cmk-prod',
        'ReplicaKeyIds.eu-west-1.cmk-prod',
      ],
    ],
    [
      ['PrimaryKeyIds.*.cmk-stage', 'InvalidCmkInputs'],
      ['InvalidCmkInputs', 'PrimaryKeyIds.us-west-1.cmk-stage'],
    ],
    [['KeyArns.us-east-1.cmk-prod'], ['KeyArns.us-east-1.cmk-prod']],
    [['Key*.us-east-1.cmk-prod'], ['KeyAliases.us-east-1.cmk-prod', 'KeyArns.us-east-1.cmk-prod', 'KeyIds.us-east-1.cmk-prod']],
    [['KeyArns'], []],
    [[], []],
  ])('selects %j', (patterns, names) => {
    // Act
    const data = buildAttributes(reference(), { 'cmk-prod': MRK, 'cmk-stage': UUID }, CONTEXT, patterns);

    // Assess
    expect(Object.keys(data)).toEqual(names);
  });

  it('treats dots in a pattern literally', () => {
    expect(matchesReturnAttributes('KeyArnsXus-east-1.k', ['KeyArns.*'])).toBe(false);
    expect(matchesReturnAttributes('KeyArns.us-east-1.k', ['KeyArns.*'])).toBe(true);
  });

  it('counts each Region: null key as a primary in its Region', () => {
    // Prepare
    const state = desiredOf({ AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: { k: {} } }, ['eu-west-1', 'us-east-1']);

    // Act
    const data = buildAttributes(state, { 'k@eu-west-1': UUID, 'k@us-east-1': MRK }, CONTEXT, [
      'PrimaryKeyIds.*',
      'ReplicaKeyIds.*',
      'InvalidReplicaRegions.*',
    ]);

    // Assess
    expect(data).toEqual({ 'PrimaryKeyIds.eu-west-1.k': UUID, 'PrimaryKeyIds.us-east-1.k': MRK });
  });

  it('reports invalid inputs and replica Regions, and leaves out keys without a key id', () => {
    // Prepare
    const state = desiredOf({
      AwsAccountId: ACCOUNT_ID,
      CustomerMasterKeys: {
        a: { Region: 'me-south-1' },
        b: { Region: 'ap-east-1' },
        c: { Region: 'us-east-1', ReplicaRegions: ['il-central-1', 'us-west-2', 'me-south-1'] },
      },
    });

    // Act
    const data = buildAttributes(state, {}, CONTEXT, ['*']);

    // Assess
    expect(data).toEqual({ InvalidCmkInputs: 'a,b', 'InvalidReplicaRegions.c': 'il-central-1,me-south-1', SkippedRegions: '' });
  });

  it('uses the partition and account of the context in ARNs', () => {
    expect(keyArnOf({ ...CONTEXT, partition: 'aws-cn', accountId: '999988887777' }, 'cn-north-1', UUID)).toBe(
      `arn:aws-cn:kms:cn-north-1:999988887777:key/${UUID}`,
    );
  });
});

describe('Function: preflightResponseSize', () => {
  it('uses placeholder key ids of the exact length of real ones', () => {
    // Prepare
    const state = reference();
    const real = { 'cmk-prod': `mrk-${randomBytes(16).toString('hex')}`, 'cmk-stage': randomUUID() };

    // Act
    const placeholders = placeholderKeyIds(state);

    // Assess
    expect(PLACEHOLDER_KEY_IDS.singleRegion).toHaveLength(36);
    expect(PLACEHOLDER_KEY_IDS.multiRegion).toHaveLength(36);
    expect(placeholders).toEqual({ 'cmk-prod': PLACEHOLDER_KEY_IDS.multiRegion, 'cmk-stage': PLACEHOLDER_KEY_IDS.singleRegion });
    expect(measureResponse(buildAttributes(state, placeholders, CONTEXT, ['*']))).toBe(measureResponse(buildAttributes(state, real, CONTEXT, ['*'])));
  });

  it('accepts the reference configuration with every attribute', () => {
    expect(preflightIssue(reference(), ['*'])).toBeUndefined();
  });

  it('refuses 3 Region: null keys in 17 Regions with the default ReturnAttributes, giving family sizes and a selection that fits', () => {
    // Prepare
    const state = threePerRegionKeys();

    // Act
    const issues = preflightIssue(state, ['*']);

    // Assess
    expect(issues).toHaveLength(1);
    const [{ path, message }] = issues!;
    expect(path).toBe('ReturnAttributes');
    const size = measureResponse(buildAttributes(state, placeholderKeyIds(state), CONTEXT, ['*']));
    expect(message).toContain(`the response would be ${size} bytes`);
    for (const family of ['KeyArns', 'KeyIds', 'KeyAliases', 'PrimaryKeyArns', 'PrimaryKeyIds', 'PrimaryKeyAliases', 'InvalidCmkInputs']) {
      expect(message).toMatch(new RegExp(`\\b${family} \\d+`));
    }
    const suggested = JSON.parse(/set ReturnAttributes to (\[.*?\])/.exec(message)![1]!) as string[];
    expect(suggested.length).toBeGreaterThan(0);
    expect(measureResponse(buildAttributes(state, placeholderKeyIds(state), CONTEXT, suggested))).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
  });

  it('refuses 5,000 keys with a selection that fits, computed from one pass over the attributes', () => {
    // Prepare: found by the reliability suite, where the old search was cubic and never answered
    const keys = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${String(i).padStart(4, '0')}`, { Region: 'us-east-1' }]));
    const state = desiredOf({ AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: keys });

    // Act
    const issues = preflightIssue(state, ['*']);

    // Assess
    const suggested = JSON.parse(/set ReturnAttributes to (\[.*?\])/.exec(issues![0]!.message)![1]!) as string[];
    expect(suggested[0]).toBe('KeyArns.*.k0000');
    expect(measureResponse(buildAttributes(state, placeholderKeyIds(state), CONTEXT, suggested))).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
  });

  it('accepts the same keys with ReturnAttributes ["KeyArns.*.<one key>"]', () => {
    expect(preflightIssue(threePerRegionKeys(), ['KeyArns.*.cmk-app'])).toBeUndefined();
  });

  it('sizes each family as its share of the serialised Data', () => {
    // Prepare
    const data = { 'KeyIds.us-east-1.k': UUID, InvalidCmkInputs: '' };

    // Act
    const sizes = familySizes(data);

    // Assess
    expect(sizes).toEqual({ KeyIds: JSON.stringify('KeyIds.us-east-1.k').length + 1 + 38 + 1, InvalidCmkInputs: 18 + 1 + 2 + 1 });
    expect(Object.values(sizes).reduce((a, b) => a + b, 0) - 1).toBe(JSON.stringify(data).length - 2);
  });
});
