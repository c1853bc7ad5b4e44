import { CreateKeyCommand, TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-kms';
import { GetResourcesCommand, type GetResourcesCommandInput, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { ACCOUNT, CREDENTIALS, expectKmsError, type Harness, startHarness } from './harness.ts';

/** Longer than any test: a tag change stays out of the index until the clock is advanced. */
const LAG_MS = 600_000;

describe('Function: the Resource Groups Tagging API (GetResources) through the real SDK', () => {
  let h: Harness;
  const clients: ResourceGroupsTaggingAPIClient[] = [];
  const tagging = (region: string) => {
    const client = new ResourceGroupsTaggingAPIClient({ region, endpoint: h.emulator.url, credentials: CREDENTIALS, maxAttempts: 1 });
    clients.push(client);
    return client;
  };
  /** Every page, with the number of requests it took. */
  async function allResources(region: string, input: GetResourcesCommandInput = {}) {
    const mappings: { arn: string; tags: Record<string, string> }[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const out = await tagging(region).send(new GetResourcesCommand({ ...input, PaginationToken: token }));
      pages += 1;
      for (const m of out.ResourceTagMappingList ?? [])
        mappings.push({ arn: m.ResourceARN!, tags: Object.fromEntries((m.Tags ?? []).map((t) => [t.Key!, t.Value!])) });
      token = out.PaginationToken === '' ? undefined : out.PaginationToken;
    } while (token !== undefined);
    return { mappings, pages };
  }
  const seed = (region: string, tags: Record<string, string>, extra: Record<string, unknown> = {}) =>
    h.control<{ keyId: string; arn: string }>('seed-key', { region, tags, ...extra });

  beforeAll(async () => {
    h = await startHarness({ regions: ['us-east-1', 'eu-west-1'] });
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await h.close();
  });
  beforeEach(async () => {
    await h.control('reset', {});
  });

  it('lists tagged kms:key resources of the Region with their tags, page by page, ending with an empty token', async () => {
    // Prepare
    for (let i = 0; i < 7; i++) await seed('us-east-1', { team: `t${i}` });
    await seed('eu-west-1', { team: 'elsewhere' });
    await seed('us-east-1', {});

    // Act
    const { mappings, pages } = await allResources('us-east-1', { ResourceTypeFilters: ['kms:key'], ResourcesPerPage: 3 });

    // Assess
    expect(pages).toBe(3);
    expect(mappings).toHaveLength(7);
    expect(mappings.every((m) => m.arn.startsWith(`arn:aws:kms:us-east-1:${ACCOUNT}:key/`))).toBe(true);
    expect(mappings.map((m) => m.tags.team).sort()).toEqual(['t0', 't1', 't2', 't3', 't4', 't5', 't6']);
  });

  it('filters by tag key and values, and by resource type; AWS managed keys never appear', async () => {
    // Prepare
    await seed('us-east-1', { owner: 'a', env: 'prod' });
    await seed('us-east-1', { owner: 'b' });
    await seed('us-east-1', { env: 'dev' });

    // Act
    const byKey = await allResources('us-east-1', { TagFilters: [{ Key: 'owner' }] });
    const byValue = await allResources('us-east-1', { TagFilters: [{ Key: 'owner', Values: ['b'] }] });
    const both = await allResources('us-east-1', { TagFilters: [{ Key: 'owner' }, { Key: 'env', Values: ['prod', 'dev'] }] });
    const otherType = await allResources('us-east-1', { ResourceTypeFilters: ['s3:bucket'] });
    const all = await allResources('us-east-1', { ResourceTypeFilters: ['kms'] });

    // Assess
    expect(byKey.mappings.map((m) => m.tags.owner).sort()).toEqual(['a', 'b']);
    expect(byValue.mappings.map((m) => m.tags.owner)).toEqual(['b']);
    expect(both.mappings.map((m) => m.tags.owner)).toEqual(['a']);
    expect(otherType.mappings).toEqual([]);
    expect(all.mappings).toHaveLength(3); // not alias/aws/s3's AWS managed key
  });

  it('refuses ResourcesPerPage outside 1–100 and a forged PaginationToken', async () => {
    await expectKmsError(tagging('us-east-1').send(new GetResourcesCommand({ ResourcesPerPage: 101 })), 'InvalidParameterException');
    await expectKmsError(tagging('us-east-1').send(new GetResourcesCommand({ ResourcesPerPage: 0 })), 'InvalidParameterException');
    await expectKmsError(tagging('us-east-1').send(new GetResourcesCommand({ PaginationToken: 'bm9wZQ==' })), 'InvalidParameterException');
  });

  it('keeps a key that lost all its tags, with an empty tag list; a key never tagged is absent', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const tagged = await kms.send(new CreateKeyCommand({ Tags: [{ TagKey: 'team', TagValue: 'a' }] }));
    await kms.send(new CreateKeyCommand({}));
    await kms.send(new UntagResourceCommand({ KeyId: tagged.KeyMetadata!.KeyId!, TagKeys: ['team'] }));

    // Act
    const { mappings } = await allResources('us-east-1');

    // Assess
    expect(mappings).toEqual([{ arn: tagged.KeyMetadata!.Arn!, tags: {} }]);
  });

  it('shows a tag change, CreateKey’s tags included, only tagIndexLagMs after it', async () => {
    // Prepare
    await h.control('config', { tagIndexLagMs: LAG_MS });
    const kms = h.kms('us-east-1');
    const old = await seed('us-east-1', { team: 'old' });
    const made = await kms.send(new CreateKeyCommand({ Tags: [{ TagKey: 'MultiRegionKmsKeys:Owner', TagValue: 'mrkk-x' }] }));
    await kms.send(new TagResourceCommand({ KeyId: old.keyId, Tags: [{ TagKey: 'team', TagValue: 'new' }] }));

    // Act
    const lagging = await allResources('us-east-1');
    await h.control('advance-time', { days: 1 });
    const caughtUp = await allResources('us-east-1');

    // Assess
    expect(lagging.mappings).toEqual([{ arn: old.arn, tags: { team: 'old' } }]);
    expect(caughtUp.mappings.sort((a, b) => (a.arn < b.arn ? -1 : 1))).toEqual(
      [
        { arn: old.arn, tags: { team: 'new' } },
        { arn: made.KeyMetadata!.Arn!, tags: { 'MultiRegionKmsKeys:Owner': 'mrkk-x' } },
      ].sort((a, b) => (a.arn < b.arn ? -1 : 1)),
    );
  });

  it('throttles above its quota with ThrottledException and counts the requests per Region', async () => {
    // Prepare
    await h.control('config', { quotas: { GetResources: 1 } });
    await h.control('counts/reset', {});

    // Act
    await tagging('eu-west-1').send(new GetResourcesCommand({}));
    const second = tagging('eu-west-1').send(new GetResourcesCommand({}));

    // Assess
    await expectKmsError(second, 'ThrottledException');
    const counts = await h.control<{ byRegionOperation: Record<string, Record<string, number>> }>('counts');
    expect(counts.byRegionOperation['eu-west-1']?.GetResources).toBe(2);
  });

  it('authorises tag:GetResources on * when IAM evaluation is on', async () => {
    // Prepare
    const kmsOnly = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };
    const withTagging = { Version: '2012-10-17', Statement: [...kmsOnly.Statement, { Effect: 'Allow', Action: 'tag:GetResources', Resource: '*' }] };

    // Act
    await h.control('config', { identityPolicy: kmsOnly });
    const denied = tagging('us-east-1').send(new GetResourcesCommand({}));
    await expectKmsError(denied, 'AccessDeniedException', /tag:GetResources/);
    await h.control('config', { identityPolicy: withTagging });
    const allowed = await tagging('us-east-1').send(new GetResourcesCommand({}));

    // Assess
    expect(allowed.PaginationToken).toBe('');
  });
});
