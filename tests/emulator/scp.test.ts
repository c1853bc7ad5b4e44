import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListRegionsCommand } from '@aws-sdk/client-account';
import { CreateKeyCommand, DescribeKeyCommand, ListAliasesCommand, ListKeysCommand, ReplicateKeyCommand } from '@aws-sdk/client-kms';
import { realismFromArgv } from '../../local/emulator/realism.ts';
import { expectKmsError, type Harness, startHarness } from './harness.ts';

/**
 * An organization's own Region deny: everything outside the allowed Regions, except global services.
 * (Control Tower's landing-zone GRREGIONDENY has this shape but also exempts `kms:*`: it never denies KMS.)
 */
const REGION_DENY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DenyOutsideAllowedRegions',
      Effect: 'Deny',
      NotAction: ['a4b:*', 'account:*', 'iam:*', 'organizations:*', 'sts:*', 'support:*'],
      Resource: '*',
      Condition: {
        StringNotEquals: { 'aws:RequestedRegion': ['us-east-1'] },
        ArnNotLike: { 'aws:PrincipalARN': ['arn:*:iam::*:role/AWSControlTowerExecution'] },
      },
    },
  ],
};

describe('Function: field realism — service control policy (scp)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ regions: ['us-east-1', 'eu-west-1'], scp: REGION_DENY });
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(async () => {
    await h.control('reset', {});
  });

  it('denies every KMS call in a Region outside the SCP while ListRegions still reports it enabled', async () => {
    // Prepare
    const eu = h.kms('eu-west-1');
    // Act
    const denials = [
      await expectKmsError(eu.send(new ListKeysCommand({})), 'AccessDeniedException', /explicit deny in a service control policy/),
      await expectKmsError(eu.send(new ListAliasesCommand({})), 'AccessDeniedException'),
      await expectKmsError(eu.send(new CreateKeyCommand({})), 'AccessDeniedException'),
    ];
    const regions = await h.account().send(new ListRegionsCommand({}));
    const allowedKey = await h.kms('us-east-1').send(new CreateKeyCommand({}));
    // Assess
    expect(denials).toHaveLength(3);
    expect(denials[0]!.message).toBe(
      'User: arn:aws:iam::111122223333:role/multi-region-kms-keys-function is not authorized to perform: kms:ListKeys on resource: * with an explicit deny in a service control policy',
    );
    expect(regions.Regions!.find((r) => r.RegionName === 'eu-west-1')!.RegionOptStatus).toMatch(/ENABLED/);
    expect(allowedKey.KeyMetadata!.KeyId).toBeDefined();
  });

  it('denies ReplicateKey into a denied Region (its replica-side CreateKey is requested there)', async () => {
    // Prepare
    const keyId = (await h.kms('us-east-1').send(new CreateKeyCommand({ MultiRegion: true }))).KeyMetadata!.KeyId!;
    // Act
    const denied = await expectKmsError(
      h.kms('us-east-1').send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'eu-west-1' })),
      'AccessDeniedException',
    );
    // Assess
    expect(denied.message).toContain('kms:CreateKey');
  });

  it('is lifted through the control API', async () => {
    // Prepare
    const seeded = await h.control<{ keyId: string }>('seed-key', { region: 'eu-west-1' });
    // Act
    await h.control('config', { scp: null });
    const described = await h.kms('eu-west-1').send(new DescribeKeyCommand({ KeyId: seeded.keyId }));
    // Assess
    expect(described.KeyMetadata!.KeyId).toBe(seeded.keyId);
  });
});

describe('Function: realismFromArgv', () => {
  it('reads the realism flags, policies from files, and leaves the other arguments alone', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'realism-'));
    const file = join(dir, 'scp.json');
    writeFileSync(file, JSON.stringify(REGION_DENY));
    // Act
    const options = realismFromArgv(['--out', 'x.json', '--scp', file, '--consistency-delay-ms', '1500', '--updating-ms', '3000'], (path) =>
      readFileSync(path, 'utf8'),
    );
    // Assess
    expect(options).toEqual({ scp: REGION_DENY, consistencyDelayMs: 1500, updatingMs: 3000 });
    expect(() => realismFromArgv(['--updating-ms', '-1'], () => '')).toThrow('updatingMs must be a number ≥ 0');
    expect(() => realismFromArgv(['--identity-policy', file.replace('scp', 'missing')], (path) => readFileSync(path, 'utf8'))).toThrow(/--identity-policy/);
  });
});

describe('Function: field realism settings through the control API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ regions: ['us-east-1'] });
  });
  afterAll(async () => {
    await h.close();
  });

  it('refuses malformed settings with the field named, and reports accepted ones in the config', async () => {
    // Act
    const refusal = (path: string, body: object) =>
      h.control(path, body).then(
        () => 'accepted',
        (error: Error) => error.message,
      );
    const badDelay = await refusal('config', { consistencyDelayMs: -5 });
    const badPolicy = await refusal('reset', { scp: { Effect: 'Deny' } });
    const accepted = await h.control<{ config: Record<string, unknown> }>('config', { updatingMs: 2500, tagPropagationMs: 1000, scp: REGION_DENY });
    // Assess
    expect(badDelay).toMatch(/400.*consistencyDelayMs must be a number ≥ 0/);
    expect(badPolicy).toMatch(/400.*scp must be a policy document/);
    expect(accepted.config).toMatchObject({ updatingMs: 2500, tagPropagationMs: 1000, scp: REGION_DENY, consistencyDelayMs: 0, identityPolicy: null });
  });
});
