import { CreateKeyCommand, GetKeyPolicyCommand, PutKeyPolicyCommand, ReplicateKeyCommand } from '@aws-sdk/client-kms';
import { checkKeyPolicy } from '../../local/emulator/policy.ts';
import { ACCOUNT, expectKmsError, type Harness, rootPolicy, sleep, startHarness } from './harness.ts';

const CALLER = `arn:aws:iam::${ACCOUNT}:role/multi-region-kms-keys-function`;
const INVALID_PRINCIPALS = 'Policy contains a statement with one or more invalid principals.';
const LOCKOUT = 'The new key policy will not allow you to update the key policy in the future.';

function policy(statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

function allow(principal: unknown, action: string | string[] = 'kms:*'): object {
  return { Effect: 'Allow', Principal: principal, Action: action, Resource: '*' };
}

describe('Function: key policy checks (CreateKey / PutKeyPolicy / ReplicateKey)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ regions: ['us-east-1', 'eu-west-1'], principals: [`arn:aws:iam::${ACCOUNT}:role/admin`] });
  });
  afterAll(async () => {
    await h.close();
  });

  it('accepts account roots, bare account ids, services, the caller and registered principals', async () => {
    // Prepare
    const document = policy([
      allow({ AWS: [`arn:aws:iam::${ACCOUNT}:root`, '444455556666', `arn:aws:iam::${ACCOUNT}:role/admin`, CALLER] }),
      allow({ Service: 's3.amazonaws.com' }, 'kms:Decrypt'),
    ]);
    // Act
    const { KeyMetadata: m } = await h.kms('us-east-1').send(new CreateKeyCommand({ Policy: document }));
    // Assess
    expect((await h.kms('us-east-1').send(new GetKeyPolicyCommand({ KeyId: m!.KeyId }))).Policy).toBe(document);
  });

  it('refuses an unknown IAM principal with MalformedPolicyDocumentException', async () => {
    // Act & Assess
    await expectKmsError(
      h
        .kms('us-east-1')
        .send(new CreateKeyCommand({ Policy: policy([allow({ AWS: CALLER }), allow({ AWS: `arn:aws:iam::${ACCOUNT}:role/ghost` }, 'kms:Decrypt')]) })),
      'MalformedPolicyDocumentException',
      INVALID_PRINCIPALS,
    );
  });

  it('treats a principal as unknown until its propagation delay has passed', async () => {
    // Prepare
    const late = `arn:aws:iam::${ACCOUNT}:user/late`;
    await h.control('principals', { arns: [late], propagationMs: 300 });
    const document = policy([allow({ AWS: CALLER }), allow({ AWS: late }, 'kms:Decrypt')]);
    // Act
    await expectKmsError(h.kms('us-east-1').send(new CreateKeyCommand({ Policy: document })), 'MalformedPolicyDocumentException', INVALID_PRINCIPALS);
    await sleep(350);
    const created = await h.kms('us-east-1').send(new CreateKeyCommand({ Policy: document }));
    // Assess
    expect(created.KeyMetadata!.KeyState).toBe('Enabled');
  });

  it('applies principalPropagationMs from config to principals registered without a delay', async () => {
    // Prepare
    const late = `arn:aws:iam::${ACCOUNT}:role/configured-late`;
    await h.control('config', { principalPropagationMs: 60_000 });
    await h.control('principals', { arns: [late] });
    await h.control('config', { principalPropagationMs: 0 });
    // Act & Assess
    await expectKmsError(
      h.kms('us-east-1').send(new CreateKeyCommand({ Policy: policy([allow({ AWS: CALLER }), allow({ AWS: late }, 'kms:Decrypt')]) })),
      'MalformedPolicyDocumentException',
      INVALID_PRINCIPALS,
    );
  });

  it('refuses a policy that locks the caller out, unless the check is bypassed', async () => {
    // Prepare
    const lockout = policy([allow({ AWS: `arn:aws:iam::${ACCOUNT}:role/admin` })]);
    // Act & Assess
    await expectKmsError(h.kms('us-east-1').send(new CreateKeyCommand({ Policy: lockout })), 'MalformedPolicyDocumentException', LOCKOUT);
    const bypassed = await h.kms('us-east-1').send(new CreateKeyCommand({ Policy: lockout, BypassPolicyLockoutSafetyCheck: true }));
    expect(bypassed.KeyMetadata!.KeyId).toBeDefined();
  });

  it('accepts the caller directly with kms:PutKeyPolicy or kms:Put*, or through the account root', async () => {
    // Act
    for (const document of [
      policy([allow({ AWS: CALLER }, 'kms:PutKeyPolicy')]),
      policy([allow({ AWS: CALLER }, ['kms:Describe*', 'kms:Put*'])]),
      rootPolicy(),
    ]) {
      await h.kms('us-east-1').send(new CreateKeyCommand({ Policy: document }));
    }
    // Assess
    await expectKmsError(
      h.kms('us-east-1').send(new CreateKeyCommand({ Policy: policy([allow({ AWS: CALLER }, 'kms:Describe*')]) })),
      'MalformedPolicyDocumentException',
      LOCKOUT,
    );
  });

  it('runs the lockout check for the callerArn set through config', async () => {
    // Prepare
    const other = `arn:aws:iam::${ACCOUNT}:role/other-deployer`;
    await h.control('config', { callerArn: other });
    // Act & Assess
    try {
      await expectKmsError(
        h.kms('us-east-1').send(new CreateKeyCommand({ Policy: policy([allow({ AWS: `arn:aws:iam::${ACCOUNT}:role/admin` })]) })),
        'MalformedPolicyDocumentException',
        LOCKOUT,
      );
      await h.kms('us-east-1').send(new CreateKeyCommand({ Policy: policy([allow({ AWS: other }, 'kms:PutKeyPolicy')]) }));
    } finally {
      await h.control('config', { callerArn: CALLER });
    }
  });

  it('refuses invalid JSON and a policy over 32 KB', async () => {
    // Prepare
    const padding = {
      Sid: 'Pad',
      Effect: 'Allow',
      Principal: { Service: 's3.amazonaws.com' },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': 'x'.repeat(33_000) } },
    };
    // Act & Assess
    await expectKmsError(h.kms('us-east-1').send(new CreateKeyCommand({ Policy: '{not json' })), 'MalformedPolicyDocumentException');
    await expectKmsError(h.kms('us-east-1').send(new CreateKeyCommand({ Policy: rootPolicy([padding]) })), 'LimitExceededException');
  });

  it('checks PutKeyPolicy and ReplicateKey policies the same way', async () => {
    // Prepare
    const { KeyMetadata: m } = await h.kms('us-east-1').send(new CreateKeyCommand({ MultiRegion: true }));
    const ghost = policy([allow({ AWS: CALLER }), allow({ AWS: `arn:aws:iam::${ACCOUNT}:user/ghost` }, 'kms:Decrypt')]);
    // Act
    await expectKmsError(
      h.kms('us-east-1').send(new PutKeyPolicyCommand({ KeyId: m!.KeyId, Policy: ghost })),
      'MalformedPolicyDocumentException',
      INVALID_PRINCIPALS,
    );
    await expectKmsError(
      h.kms('us-east-1').send(new ReplicateKeyCommand({ KeyId: m!.KeyId, ReplicaRegion: 'eu-west-1', Policy: ghost })),
      'MalformedPolicyDocumentException',
    );
    const replacement = rootPolicy();
    await h.kms('us-east-1').send(new PutKeyPolicyCommand({ KeyId: m!.KeyId, Policy: replacement, PolicyName: 'default' }));
    // Assess
    expect((await h.kms('us-east-1').send(new GetKeyPolicyCommand({ KeyId: m!.KeyId, PolicyName: 'default' }))).Policy).toBe(replacement);
    await expectKmsError(h.kms('us-east-1').send(new GetKeyPolicyCommand({ KeyId: m!.KeyId, PolicyName: 'other' })), 'NotFoundException');
  });
});

describe('Function: checkKeyPolicy', () => {
  const ctx = { callerArn: CALLER, isKnownPrincipal: (p: string) => p === '*' || p === CALLER || /:root$/.test(p), bypassLockoutSafetyCheck: false };

  it('refuses an unconditional Deny of PutKeyPolicy to the caller', () => {
    // Prepare
    const document = policy([allow({ AWS: CALLER }), { Effect: 'Deny', Principal: '*', Action: 'kms:PutKeyPolicy', Resource: '*' }]);
    // Act & Assess
    expect(() => checkKeyPolicy(document, ctx)).toThrow(LOCKOUT);
  });

  it('accepts a Principal of * for the lockout check', () => {
    // Act & Assess
    expect(() => checkKeyPolicy(policy([allow('*')]), ctx)).not.toThrow();
  });

  it('refuses statements without Effect, Action or Principal', () => {
    // Act & Assess
    expect(() => checkKeyPolicy(policy([{ Principal: '*', Action: 'kms:*' }]), ctx)).toThrow(/Effect/);
    expect(() => checkKeyPolicy(policy([{ Effect: 'Allow', Principal: '*' }]), ctx)).toThrow(/Action/);
    expect(() => checkKeyPolicy(policy([{ Effect: 'Allow', Action: 'kms:*' }]), ctx)).toThrow(/Principal/);
  });
});
