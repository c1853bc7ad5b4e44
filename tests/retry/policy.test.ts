import { AccessDeniedError, KmsError } from '../../lib/errors.ts';
import { notCaughtUp } from '../../lib/retry/messages.ts';
import {
  DEFAULT_RETRY_TIMINGS,
  type KmsRequestTraits,
  kmsRetryPolicy,
  MAX_ATTEMPTS,
  MAX_THROTTLED_ATTEMPTS,
  type RetryWindow,
} from '../../lib/retry/policy.ts';
import { withRetry } from '../../lib/retry/retry.ts';
import { VirtualClock } from '../support/virtualClock.ts';

const throttled = () => new KmsError('ThrottlingException', 'Rate exceeded', { retryable: true });
const serverError = () => new KmsError('KMSInternalException', 'internal', { retryable: true });
const notFound = () => new KmsError('NotFoundException', "Key 'k' does not exist", { context: { region: 'eu-west-1' } });
const invalidState = () => new KmsError('KMSInvalidStateException', 'key is Creating');
const invalidPrincipals = () => new KmsError('MalformedPolicyDocumentException', 'Policy contains a statement with one or more invalid principals.');

const denialBy = (clause: string) => () =>
  new KmsError(
    'AccessDeniedException',
    `User: arn:aws:sts::111122223333:assumed-role/Fn/f is not authorized to perform: kms:CreateKey on resource: * ${clause}`,
  );
const identityDenied = denialBy('because no identity-based policy allows the kms:CreateKey action');
const scpDenied = denialBy('with an explicit deny in a service control policy');
const createKeyIn = { region: 'eu-west-1', operation: 'CreateKey' };

const noDeadline: RetryWindow = { timings: DEFAULT_RETRY_TIMINGS };

/** Runs `fail` through the policy on virtual time until it stops; the attempts made, the error, the time spent. */
async function retried(traits: KmsRequestTraits, window: RetryWindow, fail: () => KmsError, clock = new VirtualClock(1_000_000)) {
  const startedAt = clock.now();
  let attempts = 0;
  const error = await withRetry(
    async () => {
      attempts++;
      throw fail();
    },
    { policy: kmsRetryPolicy(traits, window), clock, deadline: window.deadline, random: () => 0.5 },
  ).catch((e: unknown) => e as KmsError);
  return { attempts, error, spentMs: clock.now() - startedAt };
}

describe('Function: kmsRetryPolicy', () => {
  it('classifies each failure kind the same way for reads and writes', () => {
    // Prepare
    const read = kmsRetryPolicy({ idempotent: true, settling: 'listed' }, noDeadline);
    const createKey = kmsRetryPolicy({ idempotent: false, principals: () => [] }, noDeadline);
    const made = kmsRetryPolicy({ idempotent: true, settling: 'made' }, noDeadline);

    // Act & Assess
    expect([throttled, serverError, notFound, invalidState, invalidPrincipals].map((e) => read.classify(e()))).toEqual([
      'throttling',
      'transient',
      'settling',
      undefined,
      undefined,
    ]);
    expect([throttled, serverError, notFound, invalidState, invalidPrincipals].map((e) => createKey.classify(e()))).toEqual([
      'throttling',
      undefined,
      undefined,
      undefined,
      'principalPropagation',
    ]);
    expect([notFound, invalidState].map((e) => made.classify(e()))).toEqual(['settling', 'settling']);
  });

  it('gives up on throttling after MAX_THROTTLED_ATTEMPTS and on 5xx after MAX_ATTEMPTS', async () => {
    // Act
    const throttling = await retried({ idempotent: true }, noDeadline, throttled);
    const transient = await retried({ idempotent: true }, noDeadline, serverError);

    // Assess
    expect(throttling.attempts).toBe(MAX_THROTTLED_ATTEMPTS);
    expect(throttling.error.code).toBe('ThrottlingException');
    expect(transient.attempts).toBe(MAX_ATTEMPTS);
  });

  it('retries a key KMS has not caught up with until the deadline, whatever the time left, then says a retry finishes the work', async () => {
    // Act: 10 minutes left
    const clock = new VirtualClock(1_000_000);
    const { error, spentMs } = await retried(
      { idempotent: true, settling: 'listed', what: 'DescribeKey in eu-west-1' },
      { deadline: clock.now() + 600_000, timings: DEFAULT_RETRY_TIMINGS },
      notFound,
      clock,
    );

    // Assess
    expect(spentMs).toBeGreaterThan(590_000);
    expect(spentMs).toBeLessThanOrEqual(600_000);
    expect(error).toMatchObject({ code: 'NotFoundException', retryable: true, context: { region: 'eu-west-1' } });
    expect(error.message).toMatch(
      /^NotFoundException: DescribeKey in eu-west-1: Key 'k' does not exist \(still after (59\d|600) s of retries: KMS had not caught up with the key in the time the request had; a retry of the request finishes the work\)$/,
    );
  });

  it('without a deadline, retries settling for timings.settlingWithoutDeadlineMs', async () => {
    // Act
    const { error, spentMs } = await retried(
      { idempotent: true, settling: 'made' },
      { timings: { ...DEFAULT_RETRY_TIMINGS, settlingWithoutDeadlineMs: 10_000 } },
      invalidState,
    );

    // Assess
    expect(spentMs).toBeLessThanOrEqual(10_000);
    expect(spentMs).toBeGreaterThan(8_000);
    expect(error).toMatchObject({ code: 'KMSInvalidStateException', retryable: true });
  });

  it('waits for principals to propagate for timings.principalPropagationMs, then fails for good naming them', async () => {
    // Act
    const principals = () => ['arn:aws:iam::111122223333:role/New'];
    const { error, spentMs } = await retried(
      { idempotent: false, principals },
      { deadline: 1_000_000 + 900_000, timings: DEFAULT_RETRY_TIMINGS },
      invalidPrincipals,
    );

    // Assess
    expect(spentMs).toBeLessThanOrEqual(DEFAULT_RETRY_TIMINGS.principalPropagationMs);
    expect(spentMs).toBeGreaterThan(DEFAULT_RETRY_TIMINGS.principalPropagationMs - 15_000);
    expect(error).toMatchObject({ code: 'MalformedPolicyDocumentException', retryable: false });
    expect(error.message).toContain('check that they exist: arn:aws:iam::111122223333:role/New');
  });
});

describe('Function: kmsRetryPolicy (IAM propagation of the function role)', () => {
  it('retries an AccessDeniedException no SCP caused only where the request names its Region and operation', () => {
    // Prepare
    const write = kmsRetryPolicy({ idempotent: false, denied: createKeyIn }, noDeadline);
    const read = kmsRetryPolicy({ idempotent: true, denied: { region: 'eu-west-1', operation: 'ListKeys' } }, noDeadline);
    const keyRead = kmsRetryPolicy({ idempotent: true, settling: 'listed' }, noDeadline);

    // Act & Assess
    expect([identityDenied, scpDenied].map((e) => write.classify(e()))).toEqual(['iamPropagation', undefined]);
    expect([identityDenied, scpDenied].map((e) => read.classify(e()))).toEqual(['iamPropagation', undefined]);
    expect([identityDenied, scpDenied].map((e) => keyRead.classify(e()))).toEqual([undefined, undefined]);
  });

  it('retries a write for timings.iamPropagationMs, then fails naming action, Region and policy type', async () => {
    // Act
    const { attempts, error, spentMs } = await retried(
      { idempotent: false, denied: createKeyIn },
      { deadline: 1_000_000 + 900_000, timings: { ...DEFAULT_RETRY_TIMINGS, iamPropagationMs: 20_000 } },
      identityDenied,
    );

    // Assess
    expect(attempts).toBeGreaterThan(2);
    expect(spentMs).toBeLessThanOrEqual(20_000);
    expect(spentMs).toBeGreaterThan(20_000 - 8_000);
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error).toMatchObject({ retryable: false, context: { region: 'eu-west-1', action: 'kms:CreateKey' } });
    expect(error.message).toMatch(
      /^KMS denied kms:CreateKey in eu-west-1 because of no identity-based policy allowing it, still after \d+ s of retries \(IAM changes take a while to propagate\): User: .*Give the function's role kms:CreateKey/,
    );
  });

  it('stops at the deadline when the request has less time left than the window', async () => {
    // Act
    const { error, spentMs } = await retried(
      { idempotent: false, denied: createKeyIn },
      { deadline: 1_000_000 + 5_000, timings: DEFAULT_RETRY_TIMINGS },
      identityDenied,
    );

    // Assess
    expect(spentMs).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(AccessDeniedError);
  });

  it('never retries a service control policy denial', async () => {
    // Act
    const { attempts, error } = await retried({ idempotent: false, denied: createKeyIn }, noDeadline, scpDenied);

    // Assess
    expect(attempts).toBe(1);
    expect(error).not.toBeInstanceOf(AccessDeniedError);
    expect(error.message).toMatch(/explicit deny in a service control policy$/);
  });
});

describe('Function: notCaughtUp', () => {
  it("uses the service's own message, without its code written twice", () => {
    // Act
    const error = notCaughtUp(notFound(), 12_400);

    // Assess
    expect(error.message).toBe(
      "NotFoundException: Key 'k' does not exist (still after 12 s of retries: KMS had not caught up with the key in the time the request had; a retry of the request finishes the work)",
    );
  });
});
