import fc from 'fast-check';
import { buildDesiredState, deletionDesiredState } from '../../lib/desired/index.ts';
import { ValidationError } from '../../lib/errors.ts';
import { ownerOf } from '../../lib/ownership.ts';
import { parseProperties } from '../../lib/properties/index.ts';
import type { ResourceProperties } from '../../lib/types.ts';
import { ACCOUNT_ID, CONTEXT, DEFAULT_REGIONS, referenceProperties, stringifyScalars } from '../properties/fixtures.ts';

const opts = { accountId: ACCOUNT_ID };

function parse(keys: Record<string, unknown>, top: Record<string, unknown> = {}): ResourceProperties {
  return parseProperties({ AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: keys, ...top }, opts);
}

function desired(properties: ResourceProperties, enabledRegions = DEFAULT_REGIONS, oldProperties: ResourceProperties | null = null) {
  return buildDesiredState({ properties, oldProperties, enabledRegions, context: CONTEXT });
}

describe('Function: buildDesiredState (reference configurations)', () => {
  it('gives identical desired states for the PascalCase, Terraform and stringified spellings', () => {
    // Prepare
    const pascal = parseProperties(referenceProperties('pascal'), opts);
    const terraform = parseProperties(referenceProperties('terraform'), opts);
    const stringified = parseProperties(stringifyScalars(referenceProperties('terraform')), opts);

    // Act
    const fromPascal = desired(pascal);

    // Assess
    expect(desired(terraform)).toEqual(fromPascal);
    expect(desired(stringified)).toEqual(fromPascal);
  });

  it('resolves the reference configuration key by key', () => {
    // Act
    const state = desired(parseProperties(referenceProperties('pascal'), opts));

    // Assess
    expect(state.owner).toEqual(ownerOf(CONTEXT.stackId, CONTEXT.logicalResourceId));
    expect(state.regions).toEqual(DEFAULT_REGIONS);
    expect(state.invalidCmkInputs).toEqual([]);
    expect(state.invalidReplicaRegions).toEqual({});
    expect(state.adoptExistingKeys).toBe(false);
    expect(state.defaultDeletionWindowInDays).toBe(30);
    expect(state.keys.map(({ policy, ...rest }) => rest)).toEqual([
      {
        id: 'cmk-prod',
        keyName: 'cmk-prod',
        aliasName: 'alias/cmk-prod',
        perRegion: false,
        primaryRegion: 'us-east-1',
        replicaRegions: ['eu-west-1', 'us-west-2'],
        multiRegion: true,
        spec: 'SYMMETRIC_DEFAULT',
        keyUsage: 'ENCRYPT_DECRYPT',
        description: 'KMS key cmk-prod managed by stack baseline (Keys)',
        enabled: true,
        rotation: { enabled: true, periodInDays: 365 },
        tags: { Owner: 'platform-team', Environment: 'prod' },
        deletionWindowInDays: 7,
        removalPolicy: 'Delete',
        allowReplacement: false,
        extraAliasNames: [],
        retiredAliasNames: [],
      },
      {
        id: 'cmk-stage',
        keyName: 'cmk-stage',
        aliasName: 'alias/cmk-stage',
        perRegion: false,
        primaryRegion: 'us-west-1',
        replicaRegions: [],
        multiRegion: false,
        spec: 'SYMMETRIC_DEFAULT',
        keyUsage: 'ENCRYPT_DECRYPT',
        description: 'KMS key cmk-stage managed by stack baseline (Keys)',
        enabled: true,
        rotation: { enabled: true, periodInDays: 365 },
        tags: { Owner: 'platform-team' },
        deletionWindowInDays: 30,
        removalPolicy: 'Delete',
        allowReplacement: false,
        extraAliasNames: [],
        retiredAliasNames: [],
      },
    ]);
    for (const key of state.keys) expect(JSON.parse(key.policy)).toHaveProperty('Statement');
  });
});

describe('Function: buildDesiredState (Regions)', () => {
  it('reports a key whose Region is not enabled or outside OptInRegions and does not create it', () => {
    // Prepare
    const properties = parse(
      { far: { Region: 'af-south-1' }, out: { Region: 'eu-west-1' }, ok: { Region: 'us-east-1' } },
      { OptInRegions: ['us-east-1', 'us-west-2', 'af-south-1'] },
    );

    // Act
    const state = desired(properties);

    // Assess
    expect(state.invalidCmkInputs).toEqual(['far', 'out']);
    expect(state.keys.map((k) => k.id)).toEqual(['ok']);
    expect(state.regions).toEqual(['us-east-1', 'us-west-2']);
  });

  it('skips and reports invalid replica Regions', () => {
    // Act
    const state = desired(parse({ k: { Region: 'us-east-1', ReplicaRegions: ['us-west-2', 'me-central-1', 'us-east-1'] } }));

    // Assess
    expect(state.keys[0]!.replicaRegions).toEqual(['us-west-2']);
    expect(state.invalidReplicaRegions).toEqual({ k: ['me-central-1', 'us-east-1'] });
  });

  it('expands "*" to every usable Region but the primary', () => {
    // Act
    const state = desired(parse({ k: { Region: 'us-east-1', ReplicaRegions: ['*'] } }, { OptInRegions: ['us-east-1', 'eu-west-1', 'us-west-2'] }));

    // Assess
    expect(state.keys[0]).toMatchObject({ primaryRegion: 'us-east-1', replicaRegions: ['eu-west-1', 'us-west-2'], multiRegion: true });
    expect(state.invalidReplicaRegions).toEqual({});
  });

  it('makes a Region: null key an independent key in every usable Region', () => {
    // Act
    const state = desired(parse({ k: { Region: null }, a: { Region: 'us-east-1' } }, { OptInRegions: ['us-west-2', 'eu-west-1'] }));

    // Assess
    expect(state.keys.map((k) => [k.id, k.primaryRegion, k.perRegion, k.replicaRegions, k.aliasName])).toEqual([
      ['k@eu-west-1', 'eu-west-1', true, [], 'alias/k'],
      ['k@us-west-2', 'us-west-2', true, [], 'alias/k'],
    ]);
    expect(state.invalidCmkInputs).toEqual(['a']);
  });

  it('scans the Regions of the old OptInRegions too on Update, and every enabled Region when either is unrestricted', () => {
    // Prepare
    const current = parse({}, { OptInRegions: ['us-east-1'] });
    const old = parse({}, { OptInRegions: ['eu-west-1', 'xx-none-1'] });
    const unrestricted = parse({});

    // Act & Assess
    expect(desired(current, DEFAULT_REGIONS, old).regions).toEqual(['eu-west-1', 'us-east-1']);
    expect(desired(current, DEFAULT_REGIONS, unrestricted).regions).toEqual(DEFAULT_REGIONS);
    expect(desired(unrestricted, DEFAULT_REGIONS, current).regions).toEqual(DEFAULT_REGIONS);
  });
});

describe('Function: buildDesiredState (key settings)', () => {
  it('has no rotation for keys that cannot rotate and keeps rotation off where switched off', () => {
    // Act
    const state = desired(
      parse({ mac: { Region: 'us-east-1', Spec: 'HMAC_256' }, sym: { Region: 'us-east-1', EnableKeyRotation: 'false', RotationPeriodInDays: '90' } }),
    );

    // Assess
    expect(state.keys.map((k) => [k.id, k.rotation])).toEqual([
      ['mac', null],
      ['sym', { enabled: false, periodInDays: 90 }],
    ]);
  });

  it('keeps an explicit description, Retain and AllowReplacement, and the top-level window', () => {
    // Act
    const state = desired(
      parse(
        { k: { Region: 'us-east-1', Description: 'Payments', RemovalPolicy: 'Retain', AllowReplacement: 'true', Enabled: 'false' } },
        { DefaultDeletionWindowInDays: '10' },
      ),
    );

    // Assess
    expect(state.keys[0]).toMatchObject({ description: 'Payments', removalPolicy: 'Retain', allowReplacement: true, enabled: false, deletionWindowInDays: 10 });
    expect(state.defaultDeletionWindowInDays).toBe(10);
  });

  it('refuses a key whose generated policy is over 32 KB, naming the key and the size', () => {
    // Prepare
    const users = Array.from({ length: 800 }, (_, i) => `arn:aws:iam::111122223333:role/application-role-number-${i}`);
    const properties = parse({ big: { Region: 'us-east-1', CmkUserIamArns: users }, small: { Region: 'us-east-1' } });

    // Act
    const act = () => desired(properties);

    // Assess
    expect(act).toThrow(ValidationError);
    try {
      act();
    } catch (error) {
      const issues = (error as ValidationError).issues;
      expect(issues).toHaveLength(1);
      expect(issues[0]!.path).toBe('CustomerMasterKeys.big');
      expect(issues[0]!.message).toMatch(/policy is \d+ bytes, over KMS's limit of 32768/);
    }
  });
});

describe('Function: deletionDesiredState', () => {
  const enabledRegions = ['eu-west-1', 'us-east-1', 'us-west-2'];
  const of = (rawProperties: unknown) => deletionDesiredState({ rawProperties, enabledRegions, context: CONTEXT });

  it('wants nothing, in the opted-in Regions, with the configured default window', () => {
    // Act
    const state = of({ OptInRegions: ['us-east-1', 'ap-south-1'], DefaultDeletionWindowInDays: '7', CustomerMasterKeys: 'garbage' });

    // Assess
    expect(state).toEqual({
      owner: ownerOf(CONTEXT.stackId, CONTEXT.logicalResourceId),
      regions: ['us-east-1'],
      keys: [],
      adoptExistingKeys: false,
      invalidCmkInputs: [],
      invalidReplicaRegions: {},
      defaultDeletionWindowInDays: 7,
    });
  });

  it('reads the Terraform spelling', () => {
    expect(of({ opt_in_regions: ['us-west-2'], default_deletion_window_in_days: 8 })).toMatchObject({ regions: ['us-west-2'], defaultDeletionWindowInDays: 8 });
  });

  it.each<[string, unknown]>([
    ['no properties', undefined],
    ['a string', 'x'],
    ['an invalid OptInRegions entry', { OptInRegions: ['us-east-1', 'nope'], DefaultDeletionWindowInDays: '3' }],
    ['OptInRegions as a string', { OptInRegions: 'us-east-1', DefaultDeletionWindowInDays: 'thirty' }],
    ['both spellings', { OptInRegions: ['us-east-1'], opt_in_regions: ['us-east-1'], DefaultDeletionWindowInDays: '7', default_deletion_window_in_days: '7' }],
  ])('falls back to every enabled Region and 30 days for %s', (_label, raw) => {
    expect(of(raw)).toMatchObject({ regions: enabledRegions, defaultDeletionWindowInDays: 30, keys: [] });
  });

  it('never throws', () => {
    fc.assert(
      fc.property(fc.anything(), (raw) => {
        expect(of(raw).keys).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
