import { plan } from '../../lib/planner/index.ts';
import { desiredKey, desiredState, ownedTags, POLICY } from './fixtures.ts';

const empty = { keys: [], aliases: [] };

describe('Function: plan', () => {
  it('creates a single-Region key with rotation and its alias', () => {
    // Prepare
    const key = desiredKey('cmk-prod');

    // Act
    const result = plan(desiredState([key]), empty);

    // Assess
    expect(result).toEqual({
      actions: [
        {
          kind: 'CreateAlias',
          id: 'CreateAlias:us-east-1:alias/cmk-prod',
          region: 'us-east-1',
          keyName: 'cmk-prod',
          dependsOn: ['CreateKey:us-east-1:cmk-prod'],
          aliasName: 'alias/cmk-prod',
          key: { created: 'CreateKey:us-east-1:cmk-prod' },
        },
        {
          kind: 'CreateKey',
          id: 'CreateKey:us-east-1:cmk-prod',
          region: 'us-east-1',
          keyName: 'cmk-prod',
          dependsOn: [],
          spec: 'SYMMETRIC_DEFAULT',
          keyUsage: 'ENCRYPT_DECRYPT',
          multiRegion: false,
          policy: POLICY,
          description: 'cmk-prod of baseline/Keys',
          tags: ownedTags(key),
        },
        {
          kind: 'EnableKeyRotation',
          id: 'EnableKeyRotation:us-east-1:cmk-prod',
          region: 'us-east-1',
          keyName: 'cmk-prod',
          dependsOn: ['CreateKey:us-east-1:cmk-prod'],
          key: { created: 'CreateKey:us-east-1:cmk-prod' },
          rotationPeriodInDays: 365,
        },
      ],
      refusals: [],
      bindings: { 'cmk-prod': { created: 'CreateKey:us-east-1:cmk-prod' } },
    });
  });

  it('creates a disabled multi-Region key, its replicas and an alias in every Region', () => {
    // Prepare
    const key = desiredKey('cmk-mr', { replicaRegions: ['eu-west-1'], enabled: false, rotation: { enabled: true, periodInDays: 90 } });
    const created = { created: 'CreateKey:us-east-1:cmk-mr' };
    const base = { keyName: 'cmk-mr' };

    // Act
    const result = plan(desiredState([key]), empty);

    // Assess
    expect(result.actions).toEqual([
      {
        ...base,
        kind: 'CreateAlias',
        id: 'CreateAlias:eu-west-1:alias/cmk-mr',
        region: 'eu-west-1',
        dependsOn: ['ReplicateKey:us-east-1:cmk-mr:eu-west-1'],
        aliasName: 'alias/cmk-mr',
        key: created,
      },
      {
        ...base,
        kind: 'CreateAlias',
        id: 'CreateAlias:us-east-1:alias/cmk-mr',
        region: 'us-east-1',
        dependsOn: ['CreateKey:us-east-1:cmk-mr'],
        aliasName: 'alias/cmk-mr',
        key: created,
      },
      {
        ...base,
        kind: 'CreateKey',
        id: 'CreateKey:us-east-1:cmk-mr',
        region: 'us-east-1',
        dependsOn: [],
        spec: 'SYMMETRIC_DEFAULT',
        keyUsage: 'ENCRYPT_DECRYPT',
        multiRegion: true,
        policy: POLICY,
        description: 'cmk-mr of baseline/Keys',
        tags: ownedTags(key),
      },
      {
        ...base,
        kind: 'DisableKey',
        id: 'DisableKey:eu-west-1:cmk-mr',
        region: 'eu-west-1',
        dependsOn: ['ReplicateKey:us-east-1:cmk-mr:eu-west-1'],
        key: created,
      },
      // Rotation changes and ReplicateKey need an enabled primary: DisableKey waits for them.
      {
        ...base,
        kind: 'DisableKey',
        id: 'DisableKey:us-east-1:cmk-mr',
        region: 'us-east-1',
        dependsOn: ['CreateKey:us-east-1:cmk-mr', 'EnableKeyRotation:us-east-1:cmk-mr', 'ReplicateKey:us-east-1:cmk-mr:eu-west-1'],
        key: created,
      },
      {
        ...base,
        kind: 'EnableKeyRotation',
        id: 'EnableKeyRotation:us-east-1:cmk-mr',
        region: 'us-east-1',
        dependsOn: ['CreateKey:us-east-1:cmk-mr'],
        key: created,
        rotationPeriodInDays: 90,
      },
      {
        ...base,
        kind: 'ReplicateKey',
        id: 'ReplicateKey:us-east-1:cmk-mr:eu-west-1',
        region: 'us-east-1',
        dependsOn: ['CreateKey:us-east-1:cmk-mr'],
        key: created,
        replicaRegion: 'eu-west-1',
        policy: POLICY,
        description: 'cmk-mr of baseline/Keys',
        tags: ownedTags(key),
      },
    ]);
    expect(result.bindings).toEqual({ 'cmk-mr': created });
  });

  it('creates an independent key per Region for a Region: null key', () => {
    // Prepare
    const keys = ['eu-west-1', 'us-east-1'].map((region) =>
      desiredKey('cmk-each', { id: `cmk-each@${region}`, perRegion: true, primaryRegion: region, spec: 'HMAC_256', rotation: null }),
    );

    // Act
    const result = plan(desiredState(keys), empty);

    // Assess
    expect(result.actions.map((a) => a.id)).toEqual([
      'CreateAlias:eu-west-1:alias/cmk-each',
      'CreateAlias:us-east-1:alias/cmk-each',
      'CreateKey:eu-west-1:cmk-each',
      'CreateKey:us-east-1:cmk-each',
    ]);
    expect(result.actions.find((a) => a.id === 'CreateKey:eu-west-1:cmk-each')).toMatchObject({
      spec: 'HMAC_256',
      keyUsage: 'GENERATE_VERIFY_MAC',
      multiRegion: false,
    });
    expect(result.bindings).toEqual({
      'cmk-each@eu-west-1': { created: 'CreateKey:eu-west-1:cmk-each' },
      'cmk-each@us-east-1': { created: 'CreateKey:us-east-1:cmk-each' },
    });
  });

  it('plans nothing for an empty configuration and no keys', () => {
    // Act
    const result = plan(desiredState([]), empty);

    // Assess
    expect(result).toEqual({ actions: [], refusals: [], bindings: {} });
  });
});
