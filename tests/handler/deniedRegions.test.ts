/**
 * A Region whose KMS calls a service control policy denies (an organization's Region deny): skipped
 * and reported when no desired key lives there, FAILED naming it when one does, and named in a
 * stack deletion's Reason. Any other denial is no Region denial: it fails the request, Delete too.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { createHandler } from '../../handler/index.ts';
import { KmsError } from '../../lib/errors.ts';
import type { KmsApi, KmsApiFactory } from '../../lib/kmsApi.ts';
import { OWNERSHIP_TAGS, ownerOf } from '../../lib/ownership.ts';
import {
  ACCOUNT_ID,
  DIRECT_INVOCATION_ENV,
  EXECUTION_ROLE_ARN,
  expectCloudFormationFailed,
  expectCloudFormationSuccess,
  lambdaContext,
  type ResponseServer,
  STACK_ID,
  simulateEvent,
  singleResponse,
  startResponseServer,
  UNREAD_STACK_EVENTS,
} from '../support/cfn.ts';
import { FakeKms } from '../support/fakeKmsApi.ts';

const REGIONS = ['eu-west-1', 'sa-east-1', 'us-east-1'];
const DENIED = 'sa-east-1';
const OWNER_ID = ownerOf(STACK_ID, 'Keys').ownerId;

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

/** Every KMS call in `region` answers AccessDeniedException, as under a Region-deny SCP. */
function denying(region: string): KmsApiFactory {
  return (r) => {
    const api = kms.factory(r);
    if (r !== region) return api;
    const deny = async () => {
      throw new KmsError(
        'AccessDeniedException',
        `User: ${EXECUTION_ROLE_ARN} is not authorized to perform: kms:ListKeys with an explicit deny in a service control policy`,
      );
    };
    return Object.fromEntries(Object.entries(api).map(([name, value]) => [name, typeof value === 'function' ? deny : value])) as unknown as KmsApi;
  };
}

async function invoke(event: CloudFormationCustomResourceEvent) {
  const handler = createHandler({
    env: { AWS_REGION: 'us-east-1', EXECUTION_ROLE_ARN, LOG_LEVEL: 'info', ...DIRECT_INVOCATION_ENV },
    createAws: () => ({
      stackEvents: UNREAD_STACK_EVENTS,
      kms: denying(DENIED),
      regions: { listRegions: async () => REGIONS.map((name) => ({ name, status: 'ENABLED_BY_DEFAULT' as const })), listEnabledRegions: async () => REGIONS },
    }),
    writeLog: (line) => logLines.push(line),
  });
  return handler(event, lambdaContext());
}

const properties = (keys: Record<string, unknown>) => ({ AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: keys });

describe('Function: handler (Regions whose KMS calls are denied)', () => {
  it('skips a denied Region where no desired key lives, and reports it in SkippedRegions and the logs', async () => {
    // Prepare
    const event = simulateEvent({
      requestType: 'Create',
      properties: properties({ 'cmk-a': { Region: 'us-east-1', ReplicaRegions: ['eu-west-1'] } }),
      responseServer: server,
    });

    // Act
    await invoke(event);

    // Assess
    const body = expectCloudFormationSuccess(server, event);
    expect(body.Data).toMatchObject({ SkippedRegions: DENIED, 'KeyAliases.eu-west-1.cmk-a': 'alias/cmk-a' });
    const warning = logLines.map((line) => JSON.parse(line)).find((e) => e.message === 'skipping Regions whose KMS calls are denied');
    expect(warning.deniedRegions).toEqual([{ region: DENIED, message: expect.stringContaining('explicit deny') }]);
  });

  it.each([
    ['a primary', { Region: DENIED }, 'cmk-a (primary)'],
    ['a replica', { Region: 'us-east-1', ReplicaRegions: [DENIED] }, 'cmk-a (replica)'],
    ['a key in every Region', {}, 'cmk-a (a key in every Region)'],
  ])('answers FAILED naming the Region and the denial when %s lives there, changing nothing', async (_what, key, named) => {
    // Prepare
    const event = simulateEvent({ requestType: 'Create', properties: properties({ 'cmk-a': key }), responseServer: server });

    // Act
    await invoke(event);

    // Assess
    const body = expectCloudFormationFailed(server, event, new RegExp(`KMS denies access in ${DENIED}, where ${named.replace(/[()]/g, '\\$&')} must live`));
    expect(body.Reason).toMatch(/explicit deny in a service control policy.*OptInRegions.*Nothing was changed/);
    expect(kms.calls.filter((c) => c.operation === 'createKey')).toEqual([]);
  });

  it('deletes the stack: the keys it can reach are removed, the denied Region is skipped and named in the Reason and logs', async () => {
    // Prepare
    const create = simulateEvent({ requestType: 'Create', properties: properties({ 'cmk-a': { Region: 'us-east-1' } }), responseServer: server });
    await invoke(create);
    const event = simulateEvent({
      requestType: 'Delete',
      properties: properties({ 'cmk-a': { Region: 'us-east-1' } }),
      physicalResourceId: OWNER_ID,
      responseServer: server,
    });

    // Act
    await invoke(event);

    // Assess
    const body = singleResponse(server, event).body;
    expect(body.Status).toBe('SUCCESS');
    expect(body.Reason).toMatch(new RegExp(`^Skipped ${DENIED}: a service control policy denies KMS there`));
    const warnings = logLines.map((line) => JSON.parse(line)).filter((e) => e.message === 'skipping Regions whose KMS calls are denied');
    expect(warnings.at(-1).deniedRegions).toEqual([{ region: DENIED, message: expect.stringContaining('service control policy') }]);
    const ours = kms.keys.filter((k) => k.tags[OWNERSHIP_TAGS.owner] === OWNER_ID);
    expect(ours.map((k) => k.state)).toEqual(['PendingDeletion']);
  });

  it('fails a Delete whose listings are denied by anything but an SCP, naming the Region, the action and the policy type', async () => {
    // Prepare
    const notAllowed = (action: string) => () =>
      new KmsError(
        'AccessDeniedException',
        `User: ${EXECUTION_ROLE_ARN} is not authorized to perform: ${action} on resource: * because no identity-based policy allows the ${action} action`,
      );
    kms.fail('listAliases', notAllowed('kms:ListAliases'), { region: 'eu-west-1', times: 100 });
    kms.fail('listKeys', notAllowed('kms:ListKeys'), { region: 'eu-west-1', times: 100 });
    const handler = createHandler({
      env: { AWS_REGION: 'us-east-1', EXECUTION_ROLE_ARN, LOG_LEVEL: 'info', IAM_PROPAGATION_MS: '0', ...DIRECT_INVOCATION_ENV },
      createAws: () => ({
        stackEvents: UNREAD_STACK_EVENTS,
        kms: kms.factory,
        regions: { listRegions: async () => REGIONS.map((name) => ({ name, status: 'ENABLED_BY_DEFAULT' as const })), listEnabledRegions: async () => REGIONS },
      }),
      writeLog: (line) => logLines.push(line),
    });
    const event = simulateEvent({
      requestType: 'Delete',
      properties: properties({ 'cmk-a': { Region: 'us-east-1' } }),
      physicalResourceId: OWNER_ID,
      responseServer: server,
    });

    // Act
    await handler(event, lambdaContext());

    // Assess
    expectCloudFormationFailed(
      server,
      event,
      /^KMS denied kms:List(Aliases|Keys) in eu-west-1 because of no identity-based policy allowing it[,:] .*Nothing was changed\.$/,
    );
    expect(logLines.map((line) => JSON.parse(line)).some((e) => e.message === 'KMS denies the function access' && e.region === 'eu-west-1')).toBe(true);
  });

  it('fails a Delete that finds an alias of its name on a key whose tags it may not read, naming key, Region and what to do', async () => {
    // Prepare: a key under alias/cmk-a whose policy no longer lets the function in (its role was recreated)
    const lost = kms.seedKey('us-east-1', { tags: { [OWNERSHIP_TAGS.owner]: OWNER_ID } });
    kms.seedAlias('us-east-1', 'alias/cmk-a', lost.keyId);
    const notAllowed = () =>
      new KmsError(
        'AccessDeniedException',
        `User: ${EXECUTION_ROLE_ARN} is not authorized to perform: kms:ListResourceTags on resource: ${lost.arn} because no resource-based policy allows the kms:ListResourceTags action`,
      );
    kms.fail('listResourceTags', notAllowed, { region: 'us-east-1', times: 100 });
    const event = simulateEvent({
      requestType: 'Delete',
      properties: properties({ 'cmk-a': { Region: 'us-east-1' } }),
      physicalResourceId: OWNER_ID,
      responseServer: server,
    });

    // Act
    await invoke(event);

    // Assess
    const body = expectCloudFormationFailed(server, event, new RegExp(`${lost.keyId} in us-east-1 \\(alias/cmk-a\\)`));
    expect(body.Reason).toMatch(/lost access to them.*put-key-policy.*update-alias.*Nothing was changed\.$/);
    const logged = logLines.map((line) => JSON.parse(line)).find((e) => e.message === 'keys under aliases of this resource whose tags cannot be read');
    expect(logged.keys).toEqual([
      { region: 'us-east-1', keyId: lost.keyId, aliasName: 'alias/cmk-a', message: expect.stringContaining('AccessDeniedException') },
    ]);
    expect(kms.keys.find((k) => k.keyId === lost.keyId)?.state).toBe('Enabled');
  });
});
