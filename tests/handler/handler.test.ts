/**
 * The handler in-process against an in-memory KMS (tests/support/fakeKmsApi.ts): every path ends in
 * exactly one PUT to the ResponseURL, which never appears in the logs.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { createHandler, type HandlerOptions } from '../../handler/index.ts';
import type { AwsDependencies } from '../../lib/aws/index.ts';
import type { KmsApi } from '../../lib/kmsApi.ts';
import { OWNERSHIP_TAGS, ownerOf } from '../../lib/ownership.ts';
import { DEFAULT_REGIONS } from '../properties/fixtures.ts';
import {
  ACCOUNT_ID,
  DIRECT_INVOCATION_ENV,
  EXECUTION_ROLE_ARN,
  expectCloudFormationFailed,
  expectCloudFormationSuccess,
  lambdaContext,
  RESPONSE_URL_SECRET,
  type ResponseServer,
  STACK_ID,
  simulateEvent,
  startResponseServer,
  UNREAD_STACK_EVENTS,
} from '../support/cfn.ts';
import { FakeKms, kmsErrors } from '../support/fakeKmsApi.ts';

const REGIONS = ['eu-west-1', 'us-east-1'];
const OWNER_ID = ownerOf(STACK_ID, 'Keys').ownerId;
const MUTATIONS = new Set([
  'createKey',
  'replicateKey',
  'createAlias',
  'updateAlias',
  'deleteAlias',
  'putKeyPolicy',
  'tagResource',
  'untagResource',
  'updateKeyDescription',
  'enableKey',
  'disableKey',
  'enableKeyRotation',
  'disableKeyRotation',
  'updatePrimaryRegion',
  'scheduleKeyDeletion',
  'cancelKeyDeletion',
]);

let server: ResponseServer;
let kms: FakeKms;
let logLines: string[];

beforeAll(async () => {
  server = await startResponseServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  kms = new FakeKms();
  logLines = [];
});
afterEach(() => {
  // The pre-signed URL lets anyone answer for the stack: it must never be logged.
  expect(logLines.join('\n')).not.toContain(RESPONSE_URL_SECRET);
});

function properties(keys: Record<string, unknown> = { 'cmk-a': { Region: 'us-east-1', ReplicaRegions: ['eu-west-1'] } }, extra: Record<string, unknown> = {}) {
  return { AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: keys, ...extra };
}

/** A RegionsApi whose enabled Regions are `enabled()`; every other Region is reported DISABLED, like the opt-in ones. */
function regionsApiOf(enabled: () => Promise<string[]>): AwsDependencies['regions'] {
  const listRegions = async () => {
    const names = await enabled();
    const others = ['me-south-1', 'af-south-1'].filter((n) => !names.includes(n));
    return [...names.map((name) => ({ name, status: 'ENABLED_BY_DEFAULT' as const })), ...others.map((name) => ({ name, status: 'DISABLED' as const }))];
  };
  return { listRegions, listEnabledRegions: enabled };
}

function handlerWith(overrides: { kms?: (region: string) => KmsApi; regions?: () => Promise<string[]>; env?: Record<string, string> } = {}) {
  const aws: AwsDependencies = {
    kms: overrides.kms ?? kms.factory,
    regions: regionsApiOf(overrides.regions ?? (async () => REGIONS)),
    stackEvents: UNREAD_STACK_EVENTS,
  };
  const options: HandlerOptions = {
    env: { AWS_REGION: 'us-east-1', EXECUTION_ROLE_ARN, LOG_LEVEL: 'debug', ...DIRECT_INVOCATION_ENV, ...overrides.env },
    createAws: () => aws,
    writeLog: (line) => logLines.push(line),
  };
  return createHandler(options);
}

async function invoke(event: CloudFormationCustomResourceEvent, options: Parameters<typeof handlerWith>[0] = {}, remainingMs?: number) {
  return handlerWith(options)(event, lambdaContext({ remainingMs }));
}

function mutationCount(): number {
  return kms.calls.filter((c) => MUTATIONS.has(c.operation)).length;
}

describe('Function: handler', () => {
  it('creates the keys and answers SUCCESS with the attributes and the owner id', async () => {
    // Prepare
    const event = simulateEvent({ requestType: 'Create', properties: properties(), responseServer: server });

    // Act
    const result = await invoke(event);

    // Assess
    const body = expectCloudFormationSuccess(server, event);
    expect(body.PhysicalResourceId).toBe(OWNER_ID);
    expect(result).toEqual({ Status: 'SUCCESS', PhysicalResourceId: OWNER_ID });
    const primary = kms.keys.find((k) => k.region === 'us-east-1' && k.tags[OWNERSHIP_TAGS.owner] === OWNER_ID)!;
    expect(body.Data).toMatchObject({
      'KeyArns.us-east-1.cmk-a': primary.arn,
      'KeyIds.us-east-1.cmk-a': primary.keyId,
      'ReplicaKeyArns.eu-west-1.cmk-a': `arn:aws:kms:eu-west-1:${ACCOUNT_ID}:key/${primary.keyId}`,
      'KeyAliases.eu-west-1.cmk-a': 'alias/cmk-a',
      InvalidCmkInputs: '',
    });
    expect(kms.aliasTarget('eu-west-1', 'alias/cmk-a')).toBe(primary.keyId);
  });

  it('logs per Region what was planned and done, as JSON', async () => {
    // Prepare
    const event = simulateEvent({ requestType: 'Create', properties: properties(), responseServer: server });

    // Act
    await invoke(event);

    // Assess
    const entries = logLines.map((line) => JSON.parse(line));
    const planned = entries.find((e) => e.message === 'plan');
    const executed = entries.find((e) => e.message === 'executed');
    expect(planned.planned['us-east-1']).toMatchObject({ CreateKey: 1, CreateAlias: 1, ReplicateKey: 1 });
    expect(executed.done['eu-west-1']).toMatchObject({ CreateAlias: 1 });
    expect(entries.every((e) => e.requestId === event.RequestId)).toBe(true);
  });

  it('warns on every request while REQUEST_VERIFICATION is off, and still refuses an untrusted ResponseURL without a PUT or a KMS call', async () => {
    // Prepare
    const first = simulateEvent({ requestType: 'Create', properties: properties(), responseServer: server });
    const second = simulateEvent({ requestType: 'Create', properties: properties(), responseServer: server });
    const untrusted = { ...simulateEvent({ requestType: 'Create', properties: properties(), responseServer: server }) };
    untrusted.ResponseURL = untrusted.ResponseURL.replace('http://127.0.0.1:', 'http://localhost:');

    // Act
    await invoke(first);
    await invoke(second);
    const warnings = logLines.filter((line) => line.includes('REQUEST_VERIFICATION is off')).length;
    const callsBefore = kms.calls.length;
    logLines = [];
    const refused = await invoke(untrusted);

    // Assess
    expect(warnings).toBe(2);
    expect(refused).toMatchObject({ Status: 'FAILED', Reason: 'Request refused, nothing was changed: the ResponseURL uses http, not https.' });
    expect(server.responsesFor(untrusted.RequestId)).toEqual([]);
    expect(kms.calls.length).toBe(callsBefore);
    expect(logLines).toHaveLength(1);
    expect(JSON.parse(logLines[0]!)).toMatchObject({ level: 'WARN', message: 'request refused', answer: 'none: the ResponseURL is not trusted' });
  });

  it('updates in place and keeps the PhysicalResourceId', async () => {
    // Prepare
    const create = simulateEvent({ requestType: 'Create', properties: properties(), responseServer: server });
    await invoke(create);
    const keyId = expectCloudFormationSuccess(server, create).Data!['KeyIds.us-east-1.cmk-a'];
    const changed = properties({ 'cmk-a': { Region: 'us-east-1', ReplicaRegions: ['eu-west-1'], Description: 'payments' } });
    const event = simulateEvent({
      requestType: 'Update',
      properties: changed,
      oldProperties: properties(),
      physicalResourceId: OWNER_ID,
      responseServer: server,
    });

    // Act
    await invoke(event);

    // Assess
    const body = expectCloudFormationSuccess(server, event);
    expect(body.PhysicalResourceId).toBe(OWNER_ID);
    expect(body.Data!['KeyIds.us-east-1.cmk-a']).toBe(keyId);
    expect(kms.key('us-east-1', keyId!)!.description).toBe('payments');
    expect(kms.callsOf('createKey')).toHaveLength(1);
  });

  it('treats old properties that no longer parse as absent on Update', async () => {
    // Prepare
    const event = simulateEvent({
      requestType: 'Update',
      properties: properties(),
      oldProperties: { Garbage: true },
      physicalResourceId: OWNER_ID,
      responseServer: server,
    });

    // Act
    await invoke(event);

    // Assess
    expectCloudFormationSuccess(server, event);
  });

  it('deletes what it owns on Delete, replicas first, and echoes the PhysicalResourceId', async () => {
    // Prepare
    const create = simulateEvent({ requestType: 'Create', properties: properties(), responseServer: server });
    await invoke(create);
    const event = simulateEvent({ requestType: 'Delete', properties: properties(), physicalResourceId: OWNER_ID, responseServer: server });

    // Act
    await invoke(event);

    // Assess
    const body = expectCloudFormationSuccess(server, event);
    expect(body.PhysicalResourceId).toBe(OWNER_ID);
    expect(kms.keys.map((k) => k.state).sort()).toEqual(['PendingDeletion', 'PendingDeletion']);
    expect(kms.aliasTarget('us-east-1', 'alias/cmk-a')).toBeUndefined();
  });

  it('deletes with garbage properties', async () => {
    // Prepare
    const create = simulateEvent({ requestType: 'Create', properties: properties(), responseServer: server });
    await invoke(create);
    const event = simulateEvent({
      requestType: 'Delete',
      properties: { CustomerMasterKeys: 'not a map', Typo: ['x'], OptInRegions: 42 },
      physicalResourceId: OWNER_ID,
      responseServer: server,
    });

    // Act
    await invoke(event);

    // Assess
    expectCloudFormationSuccess(server, event);
    expect(kms.keys.every((k) => k.state === 'PendingDeletion')).toBe(true);
  });

  it('answers FAILED naming the property path, before any KMS call', async () => {
    // Prepare
    const event = simulateEvent({
      requestType: 'Create',
      properties: properties({ 'cmk-a': { Region: 'us-east-1', DeletionWindowInDays: '3' } }),
      responseServer: server,
    });

    // Act
    await invoke(event);

    // Assess
    const body = expectCloudFormationFailed(server, event, /CustomerMasterKeys\.cmk-a\.DeletionWindowInDays/);
    expect(body.PhysicalResourceId).toBe(OWNER_ID);
    expect(kms.calls).toHaveLength(0);
  });

  it('refuses an AwsAccountId other than the running account, touching nothing', async () => {
    // Prepare
    const event = simulateEvent({ requestType: 'Create', properties: { ...properties(), AwsAccountId: '999999999999' }, responseServer: server });

    // Act
    await invoke(event);

    // Assess
    expectCloudFormationFailed(server, event, /AwsAccountId/);
    expect(kms.calls).toHaveLength(0);
  });

  it('refuses a response that would exceed 4,096 bytes, before any KMS call', async () => {
    // Prepare: ten per-Region keys in 17 Regions
    const many = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`key-${i}`, {}]));
    const regions = [...DEFAULT_REGIONS];
    const event = simulateEvent({ requestType: 'Create', properties: properties(many), responseServer: server });

    // Act
    await invoke(event, { regions: async () => regions });

    // Assess
    expectCloudFormationFailed(server, event, /ReturnAttributes.*4096/);
    expect(kms.calls).toHaveLength(0);
  });

  it('refuses to take over a foreign alias, changing nothing', async () => {
    // Prepare
    const foreign = kms.seedKey('us-east-1');
    kms.seedAlias('us-east-1', 'alias/cmk-a', foreign.keyId);
    const event = simulateEvent({ requestType: 'Create', properties: properties(), responseServer: server });

    // Act
    await invoke(event);

    // Assess
    expectCloudFormationFailed(server, event, /Refused, nothing was changed: cmk-a/);
    expect(mutationCount()).toBe(0);
  });

  it('reads and plans again after a transient failure whose effect is unknown', async () => {
    // Prepare: the first CreateKey makes its key but the answer is lost
    kms.fail('createKey', kmsErrors.network, { applied: true });
    const event = simulateEvent({ requestType: 'Create', properties: properties({ 'cmk-a': { Region: 'us-east-1' } }), responseServer: server });

    // Act
    await invoke(event);

    // Assess: no duplicate key, the alias points at the key made by the lost call
    const body = expectCloudFormationSuccess(server, event);
    expect(kms.keys).toHaveLength(1);
    expect(body.Data!['KeyIds.us-east-1.cmk-a']).toBe(kms.keys[0]!.keyId);
    expect(kms.callsOf('createKey')).toHaveLength(1);
  });

  it('stops after three reconcile passes when the failure persists', async () => {
    // Prepare: every CreateKey connection drops before KMS sees it
    kms.fail('createKey', kmsErrors.network, { times: 10 });
    const event = simulateEvent({ requestType: 'Create', properties: properties({ 'cmk-a': { Region: 'us-east-1' } }), responseServer: server });

    // Act
    await invoke(event);

    // Assess
    expectCloudFormationFailed(server, event, /us-east-1 CreateKey cmk-a: ECONNRESET.*resumes/);
    expect(kms.callsOf('createKey')).toHaveLength(3);
    expect(kms.keys).toHaveLength(0);
  });

  it('answers FAILED per Region and says that re-running resumes when KMS refuses', async () => {
    // Prepare
    kms.fail('createAlias', kmsErrors.accessDenied, { region: 'eu-west-1', times: 10 });
    const event = simulateEvent({ requestType: 'Create', properties: properties(), responseServer: server });

    // Act: no IAM propagation window, so the denial is final at once
    await invoke(event, { env: { IAM_PROPAGATION_MS: '0' } });

    // Assess
    const body = expectCloudFormationFailed(
      server,
      event,
      /^1 of 5 KMS actions failed\. eu-west-1 CreateAlias cmk-a: KMS denied kms:CreateAlias in eu-west-1 because of a denial whose policy type the message does not name: not authorized\. Give the function's role kms:CreateAlias .*Re-running/,
    );
    expect(body.Reason).toMatch(/Re-running the stack operation \(or a retry\) resumes/);
    expect(body.Reason).toMatch(/us-east-1: done CreateAlias 1, CreateKey 1, EnableKeyRotation 1, ReplicateKey 1/);
    expect(body.Reason).toMatch(/eu-west-1: failed CreateAlias 1/);
  });

  it('fails a Delete only when KMS fails, saying that re-running resumes', async () => {
    // Prepare
    const create = simulateEvent({ requestType: 'Create', properties: properties({ 'cmk-a': { Region: 'us-east-1' } }), responseServer: server });
    await invoke(create);
    kms.fail('scheduleKeyDeletion', kmsErrors.accessDenied, { times: 10 });
    const event = simulateEvent({ requestType: 'Delete', properties: properties(), physicalResourceId: OWNER_ID, responseServer: server });

    // Act: no IAM propagation window, so the denial is final at once
    await invoke(event, { env: { IAM_PROPAGATION_MS: '0' } });

    // Assess
    expectCloudFormationFailed(server, event, /ScheduleKeyDeletion.*resumes/);
  });

  it('answers FAILED on an unexpected exception', async () => {
    // Prepare
    const event = simulateEvent({ requestType: 'Create', properties: properties(), responseServer: server });

    // Act
    const result = await invoke(event, {
      regions: async () => {
        throw new TypeError('boom');
      },
    });

    // Assess
    expectCloudFormationFailed(server, event, /Unexpected error while listing the Regions: boom/);
    expect(result.Status).toBe('FAILED');
  });

  it('answers FAILED before the deadline when a KMS call never returns', async () => {
    // Prepare: CreateKey hangs; 3 s left, so the answer is due after ~2.25 s
    const hanging = (region: string): KmsApi => ({ ...kms.factory(region), createKey: () => new Promise(() => {}) });
    const event = simulateEvent({ requestType: 'Create', properties: properties(), responseServer: server });
    const startedAt = Date.now();

    // Act
    await invoke(event, { kms: hanging }, 3_000);

    // Assess
    const elapsed = Date.now() - startedAt;
    expectCloudFormationFailed(server, event, /about to time out \(while executing the plan \(pass 1\)\).*resumes/);
    expect(elapsed).toBeLessThan(3_000);
    expect(elapsed).toBeGreaterThanOrEqual(2_000);
  });

  it('answers before a ServiceTimeout shorter than the Lambda timeout', async () => {
    // Prepare: CloudFormation waits 3 s, Lambda would give 300 s; CreateKey hangs
    const hanging = (region: string): KmsApi => ({ ...kms.factory(region), createKey: () => new Promise(() => {}) });
    const event = simulateEvent({ requestType: 'Create', properties: { ...properties(), ServiceTimeout: '3' }, responseServer: server });
    const startedAt = Date.now();

    // Act
    await invoke(event, { kms: hanging });

    // Assess
    expect(Date.now() - startedAt).toBeLessThan(3_000);
    expectCloudFormationFailed(server, event, /about to time out/);
  });

  it('answers FAILED when KMS_QUOTAS is not valid JSON', async () => {
    // Prepare
    const event = simulateEvent({ requestType: 'Create', properties: properties(), responseServer: server });

    // Act
    await invoke(event, { env: { KMS_QUOTAS: '{CreateKey: 50' } });

    // Assess
    expectCloudFormationFailed(server, event, /Function configuration: KMS_QUOTAS is not valid JSON/);
    expect(kms.calls).toHaveLength(0);
  });

  it('answers FAILED when the invoked function ARN names no account', async () => {
    // Prepare
    const event = simulateEvent({ requestType: 'Create', properties: properties(), responseServer: server });

    // Act
    await handlerWith()(event, lambdaContext({ functionArn: 'not-an-arn' }));

    // Assess
    expectCloudFormationFailed(server, event, /cannot tell the account/);
  });

  it('returns normally when the ResponseURL refuses the answer', async () => {
    // Prepare: a ResponseURL without the server's path answers 404... use a closed port instead
    const event = {
      ...simulateEvent({ requestType: 'Create', properties: { Bad: 1 }, responseServer: server }),
      ResponseURL: 'http://127.0.0.1:9/x?X-Amz-Signature=0123456789abcdef-secret',
    };

    // Act
    const result = await invoke(event);

    // Assess
    expect(result.Status).toBe('FAILED');
    expect(logLines.some((l) => l.includes('could not answer CloudFormation'))).toBe(true);
  });
});
