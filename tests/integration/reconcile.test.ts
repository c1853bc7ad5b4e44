/**
 * The reader and the executor through the real AWS SDK against the local emulator
 * (local/emulator): request shapes, error codes and translation as the product meets them.
 * The endpoint comes from AWS_ENDPOINT_URL only, as in production.
 */

import { createAwsDependencies } from '../../lib/aws/index.ts';
import { execute } from '../../lib/executor/index.ts';
import { OWNERSHIP_TAGS, ownerOf, ownershipTags } from '../../lib/ownership.ts';
import { readActualState } from '../../lib/reader/index.ts';
import { Pacer } from '../../lib/retry/pacer.ts';
import { canonicalizeJsonText } from '../../lib/text/canonicalJson.ts';
import type { Action, Plan } from '../../lib/types.ts';
import { startEmulator } from '../../local/emulator/index.ts';

const ACCOUNT = '111122223333';
const REGIONS = ['eu-west-1', 'us-east-1'];
const STACK_ID = `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/base/0a1b2c3d-0000-0000-0000-000000000000`;
const owner = ownerOf(STACK_ID, 'Keys');
const tags = { ...ownershipTags(owner, 'cmk', { removalPolicy: 'Delete', deletionWindowInDays: 7 }), team: 'platform' };
const NEW_ROLE = `arn:aws:iam::${ACCOUNT}:role/brand-new`;

function policy(...extraPrincipals: string[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
      ...extraPrincipals.map((p, i) => ({ Sid: `User${i}`, Effect: 'Allow', Principal: { AWS: p }, Action: 'kms:Decrypt', Resource: '*' })),
    ],
  });
}

function createKeyAction(id: string, region: string, keyPolicy = policy()): Action {
  return {
    id,
    kind: 'CreateKey',
    region,
    keyName: 'cmk',
    dependsOn: [],
    spec: 'SYMMETRIC_DEFAULT',
    keyUsage: 'ENCRYPT_DECRYPT',
    multiRegion: true,
    policy: keyPolicy,
    description: 'integration key',
    tags,
  };
}

function plan(...actions: Action[]): Plan {
  return { actions, refusals: [], bindings: {} };
}

describe('Integration: executor and reader against the emulator', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  const savedEnv = { ...process.env };

  const control = async (path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${emulator.url}/__emulator/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`emulator ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    process.env.AWS_ENDPOINT_URL = emulator.url;
    process.env.AWS_ACCESS_KEY_ID = 'AKIDTESTTESTTEST';
    process.env.AWS_SECRET_ACCESS_KEY = 'test-secret';
    process.env.AWS_REGION = 'us-east-1';
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_SESSION_TOKEN;
  });

  afterAll(async () => {
    process.env = savedEnv;
    await emulator?.close();
  });

  beforeEach(async () => {
    await control('reset', { accountId: ACCOUNT, regions: REGIONS, replicaCreatingMs: 300 });
  });

  it('creates a tagged multi-Region key, replicates it, and reads both back', async () => {
    // Prepare
    const aws = createAwsDependencies();
    const pacer = new Pacer();
    const keyPolicy = policy();
    const p = plan(
      createKeyAction('ck', 'us-east-1', keyPolicy),
      { id: 'al-us', kind: 'CreateAlias', region: 'us-east-1', keyName: 'cmk', dependsOn: ['ck'], aliasName: 'alias/cmk', key: { created: 'ck' } },
      {
        id: 'rk',
        kind: 'ReplicateKey',
        region: 'us-east-1',
        keyName: 'cmk',
        dependsOn: ['ck'],
        key: { created: 'ck' },
        replicaRegion: 'eu-west-1',
        policy: keyPolicy,
        description: 'integration key',
        tags,
      },
      { id: 'al-eu', kind: 'CreateAlias', region: 'eu-west-1', keyName: 'cmk', dependsOn: ['rk'], aliasName: 'alias/cmk', key: { created: 'ck' } },
      { id: 'rot', kind: 'EnableKeyRotation', region: 'us-east-1', keyName: 'cmk', dependsOn: ['ck'], key: { created: 'ck' }, rotationPeriodInDays: 180 },
    );

    // Act
    const result = await execute(p, { kms: aws.kms, pacer });
    const state = await readActualState({ regions: REGIONS, owner, aliasNames: ['alias/cmk'], kms: aws.kms, pacer });

    // Assess
    expect(result.outcomes.map((o) => [o.actionId, o.status, o.error])).toEqual([
      ['ck', 'done', undefined],
      ['al-us', 'done', undefined],
      ['rk', 'done', undefined],
      ['al-eu', 'done', undefined],
      ['rot', 'done', undefined],
    ]);
    const keyId = result.outcomes[0]!.keyId!;
    expect(keyId).toMatch(/^mrk-/);
    expect(result.outcomes[2]?.arn).toBe(`arn:aws:kms:eu-west-1:${ACCOUNT}:key/${keyId}`);
    expect(state.keys.map((k) => [k.region, k.keyId, k.role, k.primaryRegion, k.state])).toEqual([
      ['eu-west-1', keyId, 'REPLICA', 'us-east-1', 'Enabled'],
      ['us-east-1', keyId, 'PRIMARY', 'us-east-1', 'Enabled'],
    ]);
    const primary = state.keys.find((k) => k.role === 'PRIMARY')!;
    expect(primary).toMatchObject({
      arn: result.outcomes[0]?.arn,
      spec: 'SYMMETRIC_DEFAULT',
      keyUsage: 'ENCRYPT_DECRYPT',
      multiRegion: true,
      replicaRegions: ['eu-west-1'],
      description: 'integration key',
      tags,
      rotation: { enabled: true, periodInDays: 180 },
      deletionDate: null,
    });
    expect(canonicalizeJsonText(primary.policy ?? '')).toBe(canonicalizeJsonText(keyPolicy));
    expect(state.keys[0]?.tags).toEqual(tags);
    expect(state.aliases).toEqual([
      { region: 'eu-west-1', aliasName: 'alias/cmk', targetKeyId: keyId },
      { region: 'us-east-1', aliasName: 'alias/cmk', targetKeyId: keyId },
    ]);
  });

  it('ignores foreign keys and reports a wanted alias that a foreign key holds', async () => {
    // Prepare
    const aws = createAwsDependencies();
    const foreign = (await control('seed-key', { region: 'us-east-1', aliasName: 'alias/cmk', tags: { team: 'other' } })) as { keyId: string };
    await control('seed-key', { region: 'us-east-1', aliasName: 'alias/unrelated' });

    // Act
    const state = await readActualState({ regions: REGIONS, owner, aliasNames: ['alias/cmk'], kms: aws.kms });

    // Assess
    expect(state.keys.map((k) => [k.keyId, k.tags])).toEqual([[foreign.keyId, { team: 'other' }]]);
    expect(state.aliases).toEqual([{ region: 'us-east-1', aliasName: 'alias/cmk', targetKeyId: foreign.keyId }]);
  });

  it('treats repeated work as done and removes replicas before their primary', async () => {
    // Prepare
    const aws = createAwsDependencies();
    const created = await execute(
      plan(
        createKeyAction('ck', 'us-east-1'),
        {
          id: 'rk',
          kind: 'ReplicateKey',
          region: 'us-east-1',
          keyName: 'cmk',
          dependsOn: ['ck'],
          key: { created: 'ck' },
          replicaRegion: 'eu-west-1',
          policy: policy(),
          description: 'd',
          tags,
        },
        { id: 'al', kind: 'CreateAlias', region: 'us-east-1', keyName: 'cmk', dependsOn: ['ck'], aliasName: 'alias/cmk', key: { created: 'ck' } },
      ),
      { kms: aws.kms },
    );
    const keyId = created.outcomes[0]!.keyId!;
    const ref = { keyId };

    // Act: a replay of the same work, then the removal
    const replay = await execute(
      plan(
        {
          id: 'rk',
          kind: 'ReplicateKey',
          region: 'us-east-1',
          keyName: 'cmk',
          dependsOn: [],
          key: ref,
          replicaRegion: 'eu-west-1',
          policy: policy(),
          description: 'd',
          tags,
        },
        { id: 'al', kind: 'CreateAlias', region: 'us-east-1', keyName: 'cmk', dependsOn: [], aliasName: 'alias/cmk', key: ref },
      ),
      { kms: aws.kms },
    );
    const removal = await execute(
      plan(
        { id: 'da', kind: 'DeleteAlias', region: 'us-east-1', keyName: 'cmk', dependsOn: [], aliasName: 'alias/cmk' },
        { id: 'da2', kind: 'DeleteAlias', region: 'eu-west-1', keyName: 'cmk', dependsOn: [], aliasName: 'alias/cmk' },
        { id: 'sr', kind: 'ScheduleKeyDeletion', region: 'eu-west-1', keyName: 'cmk', dependsOn: ['da2'], key: ref, pendingWindowInDays: 7 },
        { id: 'sp', kind: 'ScheduleKeyDeletion', region: 'us-east-1', keyName: 'cmk', dependsOn: ['da', 'sr'], key: ref, pendingWindowInDays: 7 },
        { id: 'sp-again', kind: 'ScheduleKeyDeletion', region: 'us-east-1', keyName: 'cmk', dependsOn: ['sp'], key: ref, pendingWindowInDays: 7 },
      ),
      { kms: aws.kms },
    );
    const state = await readActualState({ regions: REGIONS, owner, aliasNames: ['alias/cmk'], kms: aws.kms });

    // Assess
    expect(replay.outcomes.map((o) => [o.actionId, o.status, o.error])).toEqual([
      ['rk', 'done', undefined],
      ['al', 'done', undefined],
    ]);
    expect(removal.outcomes.map((o) => [o.actionId, o.status, o.error])).toEqual([
      ['da', 'done', undefined],
      ['da2', 'done', undefined],
      ['sr', 'done', undefined],
      ['sp', 'done', undefined],
      ['sp-again', 'done', undefined],
    ]);
    expect(state.aliases).toEqual([]);
    expect(state.keys.map((k) => [k.region, k.state])).toEqual([
      ['eu-west-1', 'PendingDeletion'],
      ['us-east-1', 'PendingReplicaDeletion'],
    ]);
    // KMS dates the primary's deletion only once its replicas are gone.
    expect(state.keys.map((k) => k.deletionDate !== null)).toEqual([true, false]);
  });

  it('translates the emulator throttling into retries that succeed', async () => {
    // Prepare: the account's real quota is lower than the Pacer believes
    const aws = createAwsDependencies();
    await control('config', { quotas: { CreateKey: 2 } });
    const p = plan(...Array.from({ length: 6 }, (_, i) => createKeyAction(`ck${i}`, 'us-east-1')));

    // Act
    const result = await execute(p, { kms: aws.kms });

    // Assess
    expect(result.outcomes.every((o) => o.status === 'done')).toBe(true);
    expect(result.retries).toBeGreaterThan(0);
    const counts = (await control('counts')) as { throttled: number };
    expect(counts.throttled).toBe(result.retries);
  });

  it('fails a CreateKey whose connection drops as retryable, without repeating it', async () => {
    // Prepare
    const aws = createAwsDependencies();
    await control('config', { dropRate: 1 });

    // Act
    const result = await execute(plan(createKeyAction('ck', 'us-east-1')), { kms: aws.kms });
    await control('config', { dropRate: 0 });
    const state = await readActualState({ regions: REGIONS, owner, aliasNames: [], kms: aws.kms });

    // Assess: the key was made; the ownership tags make it findable
    expect(result.outcomes[0]).toMatchObject({ status: 'failed', retryable: true });
    expect(state.keys).toHaveLength(1);
    expect(state.keys[0]?.tags[OWNERSHIP_TAGS.owner]).toBe(owner.ownerId);
  });

  it('waits for a new principal to propagate before the policy is accepted', async () => {
    // Prepare
    const aws = createAwsDependencies();
    await control('principals', { arns: [NEW_ROLE], propagationMs: 1_500 });

    // Act
    const result = await execute(plan(createKeyAction('ck', 'us-east-1', policy(NEW_ROLE))), { kms: aws.kms });

    // Assess
    expect(result.outcomes[0]?.status).toBe('done');
    expect(result.retries).toBeGreaterThan(0);
  });

  it('gives up on a principal that never propagates, naming it', async () => {
    // Prepare
    const aws = createAwsDependencies();

    // Act
    const result = await execute(plan(createKeyAction('ck', 'us-east-1', policy(`arn:aws:iam::${ACCOUNT}:role/does-not-exist`))), {
      kms: aws.kms,
      timings: { principalPropagationMs: 2_000 },
    });

    // Assess
    expect(result.outcomes[0]).toMatchObject({ status: 'failed', retryable: false });
    expect(result.outcomes[0]?.error).toContain(`arn:aws:iam::${ACCOUNT}:role/does-not-exist`);
  });

  it('lists the enabled Regions through the Account API', async () => {
    // Act
    const regions = await createAwsDependencies().regions.listEnabledRegions();

    // Assess
    expect(regions).toEqual(REGIONS);
  });
});
