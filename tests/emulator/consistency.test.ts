import {
  CreateAliasCommand,
  CreateGrantCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  ListAliasesCommand,
  ListGrantsCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  ReplicateKeyCommand,
  RevokeGrantCommand,
  TagResourceCommand,
} from '@aws-sdk/client-kms';
import { type Harness, startHarness } from './harness.ts';

/** Longer than any test: keys stay fresh and listings lag until the clock is advanced. */
const DELAY_MS = 600_000;

describe('Function: field realism — eventual consistency (consistencyDelayMs)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ regions: ['us-east-1', 'eu-west-1'], consistencyDelayMs: DELAY_MS });
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(async () => {
    await h.control('reset', {});
  });

  /** Every key settles once the emulator clock has moved past the delay. */
  const settle = () => h.control('advance-time', { days: 1 });

  /** Sends until the fresh key is found (each try has a ½ chance), counting the NotFounds. */
  async function untilFound<T>(send: () => Promise<T>): Promise<{ result: T; notFound: number }> {
    let notFound = 0;
    for (;;) {
      try {
        return { result: await send(), notFound };
      } catch (error) {
        if ((error as Error).name !== 'NotFoundException' || notFound >= 60) throw error;
        notFound += 1;
      }
    }
  }

  it('answers NotFoundException about half the time on a key younger than the delay, never after', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
    const keyId = KeyMetadata!.KeyId!;
    // Act
    const outcomes: string[] = [];
    for (let i = 0; i < 40; i++) {
      outcomes.push(
        await kms.send(new DescribeKeyCommand({ KeyId: keyId })).then(
          () => 'found',
          (error: Error) => error.name,
        ),
      );
    }
    await settle();
    const afterDelay: string[] = [];
    for (let i = 0; i < 20; i++) afterDelay.push((await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyId!);
    // Assess
    const notFound = outcomes.filter((o) => o === 'NotFoundException').length;
    expect(outcomes.filter((o) => o !== 'found' && o !== 'NotFoundException')).toEqual([]);
    expect(notFound).toBeGreaterThan(8);
    expect(notFound).toBeLessThan(32);
    expect(afterDelay).toEqual(Array(20).fill(keyId));
  });

  it('makes a new replica fresh in its Region too, and a seeded key never', async () => {
    // Prepare
    const { KeyMetadata } = await h.kms('us-east-1').send(new CreateKeyCommand({ MultiRegion: true }));
    const keyId = KeyMetadata!.KeyId!;
    const seeded = await h.control<{ keyId: string }>('seed-key', { region: 'eu-west-1' });
    // Act
    await untilFound(() => h.kms('us-east-1').send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'eu-west-1' })));
    const replicaTries = await Promise.all(
      Array.from({ length: 30 }, () =>
        h
          .kms('eu-west-1')
          .send(new DescribeKeyCommand({ KeyId: keyId }))
          .then(
            () => 'found',
            (error: Error) => error.name,
          ),
      ),
    );
    const seededTries = await Promise.all(Array.from({ length: 30 }, () => h.kms('eu-west-1').send(new DescribeKeyCommand({ KeyId: seeded.keyId }))));
    // Assess
    expect(replicaTries).toContain('NotFoundException');
    expect(replicaTries).toContain('found');
    expect(seededTries).toHaveLength(30);
  });

  it('lets ListKeys, ListAliases and ListResourceTags lag writes until the delay has passed', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const keyIds: string[] = [];
    for (let i = 0; i < 10; i++) keyIds.push((await kms.send(new CreateKeyCommand({ Tags: [{ TagKey: 'n', TagValue: String(i) }] }))).KeyMetadata!.KeyId!);
    for (const [i, keyId] of keyIds.entries()) {
      await untilFound(() => kms.send(new CreateAliasCommand({ AliasName: `alias/lag-${i}`, TargetKeyId: keyId })));
      await untilFound(() => kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'n', TagValue: `new-${i}` }] })));
    }
    // Act
    const listedKeys = async () => new Set(((await kms.send(new ListKeysCommand({ Limit: 1000 }))).Keys ?? []).map((k) => k.KeyId!));
    const listedAliases = async () =>
      ((await kms.send(new ListAliasesCommand({ Limit: 100 }))).Aliases ?? []).map((a) => a.AliasName!).filter((n) => n.startsWith('alias/lag-'));
    const listedTagValues = async () => {
      const values: string[] = [];
      for (const keyId of keyIds) values.push((await untilFound(() => kms.send(new ListResourceTagsCommand({ KeyId: keyId })))).result.Tags![0]!.TagValue!);
      return values;
    };
    const keysBefore = await listedKeys();
    const aliasesBefore = await listedAliases();
    const tagsBefore = await listedTagValues();
    await settle();
    const keysAfter = await listedKeys();
    const aliasesAfter = await listedAliases();
    const tagsAfter = await listedTagValues();
    // Assess
    expect(keyIds.filter((id) => !keysBefore.has(id)).length).toBeGreaterThan(0);
    expect(aliasesBefore.length).toBeLessThan(10);
    expect(tagsBefore.filter((v) => !v.startsWith('new-')).length).toBeGreaterThan(0);
    expect(keyIds.every((id) => keysAfter.has(id))).toBe(true);
    expect(aliasesAfter).toHaveLength(10);
    expect(tagsAfter).toEqual(keyIds.map((_, i) => `new-${i}`));
  });

  it('is off by default and can be switched through the control API', async () => {
    // Prepare
    await h.control('reset', { consistencyDelayMs: 0 });
    const kms = h.kms('us-east-1');
    const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    // Act
    const tries = await Promise.all(Array.from({ length: 30 }, () => kms.send(new DescribeKeyCommand({ KeyId: keyId }))));
    await h.control('config', { consistencyDelayMs: DELAY_MS });
    const fresh = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const freshTries = await Promise.all(
      Array.from({ length: 30 }, () =>
        kms.send(new DescribeKeyCommand({ KeyId: fresh })).then(
          () => 'found',
          (error: Error) => error.name,
        ),
      ),
    );
    // Assess
    expect(tries).toHaveLength(30);
    expect(freshTries).toContain('NotFoundException');
  });

  it('lags ListGrants behind CreateGrant and answers NotFound to RevokeGrant of a fresh grant, until the delay has passed', async () => {
    // Prepare: an old key (settled), then 20 grants made on it now
    const kms = h.kms('us-east-1');
    const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    await settle();
    const grantIds: string[] = [];
    for (let i = 0; i < 20; i++) {
      const made = await kms.send(
        new CreateGrantCommand({ KeyId: keyId, Name: `g${i}`, GranteePrincipal: 'arn:aws:iam::111122223333:role/app', Operations: ['Decrypt'] }),
      );
      grantIds.push(made.GrantId!);
    }
    // Act
    const listedAtOnce = (await kms.send(new ListGrantsCommand({ KeyId: keyId, Limit: 100 }))).Grants!.length;
    const revokeAnswers: string[] = [];
    for (const grantId of grantIds.slice(0, 10)) {
      revokeAnswers.push(
        await kms.send(new RevokeGrantCommand({ KeyId: keyId, GrantId: grantId })).then(
          () => 'ok',
          (error: Error) => error.name,
        ),
      );
    }
    await settle();
    const revokedLater = await Promise.all(
      grantIds.slice(10).map((grantId) => kms.send(new RevokeGrantCommand({ KeyId: keyId, GrantId: grantId })).then(() => 'ok')),
    );
    const listedLater = (await kms.send(new ListGrantsCommand({ KeyId: keyId, Limit: 100 }))).Grants!.length;
    // Assess
    expect(listedAtOnce).toBeLessThan(20);
    expect(revokeAnswers).toContain('NotFoundException');
    expect(revokedLater).toEqual(Array(10).fill('ok'));
    expect(listedLater).toBe(revokeAnswers.filter((answer) => answer !== 'ok').length);
  });

  it('answers the GrantId of a fresh grant not listed yet to a CreateGrant of the same name and parameters, a new grant to other parameters', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    await settle();
    const input = { KeyId: keyId, Name: 'same', GranteePrincipal: 'arn:aws:iam::111122223333:role/app', Operations: ['Decrypt' as const] };
    const first = (await kms.send(new CreateGrantCommand(input))).GrantId!;

    // Act
    const listed = (await kms.send(new ListGrantsCommand({ KeyId: keyId }))).Grants ?? [];
    const again = (await kms.send(new CreateGrantCommand(input))).GrantId!;
    const other = (await kms.send(new CreateGrantCommand({ ...input, Operations: ['Encrypt'] }))).GrantId!;

    // Assess: the listing may or may not show it yet; the name finds it either way
    expect(listed.length).toBeLessThanOrEqual(1);
    expect(again).toBe(first);
    expect(other).not.toBe(first);
  });

  it('misses every revocation of a fresh grant with freshGrantNotFoundRate 1, none with 0', async () => {
    // Prepare
    const kms = h.kms('us-east-1');
    const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    await settle();
    const grant = (name: string) =>
      kms.send(new CreateGrantCommand({ KeyId: keyId, Name: name, GranteePrincipal: 'arn:aws:iam::111122223333:role/app', Operations: ['Decrypt'] }));
    const revoke = (grantId: string) =>
      kms.send(new RevokeGrantCommand({ KeyId: keyId, GrantId: grantId })).then(
        () => 'ok',
        (error: Error) => error.name,
      );

    // Act
    await h.control('config', { freshGrantNotFoundRate: 1 });
    const missed = (await grant('missed')).GrantId!;
    const always = await Promise.all(Array.from({ length: 10 }, () => revoke(missed)));
    await h.control('config', { freshGrantNotFoundRate: 0 });
    const never = await revoke((await grant('found')).GrantId!);
    const refused = await h.control('config', { freshGrantNotFoundRate: 2 }).then(
      () => 'accepted',
      (error: Error) => error.message,
    );
    await h.control('config', { freshGrantNotFoundRate: 0.5 });

    // Assess
    expect(always).toEqual(Array(10).fill('NotFoundException'));
    expect(never).toBe('ok');
    expect(refused).toContain('freshGrantNotFoundRate must be a number from 0 to 1');
  });
});
