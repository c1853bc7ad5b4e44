/**
 * Convergence against the emulator with default quotas and injected latency (issue 6's "done
 * when"): the handler runs a Create, then the actual state is read again through the real SDK and
 * planned against the same desired state — the plan must be empty, and no request may have failed.
 */
import { createHandler } from '../../handler/index.ts';
import { createAwsDependencies } from '../../lib/aws/index.ts';
import { buildDesiredState } from '../../lib/desired/index.ts';
import { plan } from '../../lib/planner/index.ts';
import { parseProperties } from '../../lib/properties/index.ts';
import { readActualState } from '../../lib/reader/index.ts';
import { partitionOf } from '../../lib/regions.ts';
import type { ResourceContext } from '../../lib/types.ts';
import { emulatorControl } from '../../local/emulator/client.ts';
import { DEFAULT_ENABLED_REGIONS, startEmulator } from '../../local/emulator/index.ts';
import { referenceProperties } from '../properties/fixtures.ts';
import {
  ACCOUNT_ID,
  DIRECT_INVOCATION_ENV,
  EXECUTION_ROLE_ARN,
  expectCloudFormationSuccess,
  lambdaContext,
  type ResponseServer,
  STACK_ID,
  simulateEvent,
  startResponseServer,
} from '../support/cfn.ts';

const REFERENCE_PRINCIPALS = ['user/admin', 'user/dev', 'user/qa', 'role/prod-app'].map((p) => `arn:aws:iam::${ACCOUNT_ID}:${p}`);
const CONTEXT: ResourceContext = {
  stackId: STACK_ID,
  stackName: 'baseline',
  logicalResourceId: 'Keys',
  accountId: ACCOUNT_ID,
  partition: partitionOf('us-east-1'),
  region: 'us-east-1',
  executionRoleArn: EXECUTION_ROLE_ARN,
};

describe('Integration: Create converges and plans nothing afterwards', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let server: ResponseServer;
  const savedEnv = { ...process.env };

  const control = () => emulatorControl(emulator.url);

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, principals: REFERENCE_PRINCIPALS, replicaCreatingMs: 500 });
    server = await startResponseServer();
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: emulator.url,
      AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTEST',
      AWS_SECRET_ACCESS_KEY: 'test-secret',
      AWS_REGION: 'us-east-1',
      EXECUTION_ROLE_ARN,
      LOG_LEVEL: 'warn',
      ...DIRECT_INVOCATION_ENV,
    });
    for (const name of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'KMS_QUOTAS', 'DEADLINE_MARGIN_MS']) delete process.env[name];
  });
  afterAll(async () => {
    process.env = savedEnv;
    await server?.close();
    await emulator?.close();
  });

  const cases: [string, () => Record<string, unknown>][] = [
    ['the reference configuration', () => referenceProperties('pascal')],
    [
      '20 keys in each of 17 Regions',
      () => ({
        AwsAccountId: ACCOUNT_ID,
        CustomerMasterKeys: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`cmk-${i}`, {}])),
        ReturnAttributes: ['KeyArns.us-east-1.*'],
      }),
    ],
  ];

  it.each(cases)('%s', async (_name, properties) => {
    // Prepare
    await control().reset({ accountId: ACCOUNT_ID, replicaCreatingMs: 500 });
    await control().principals(REFERENCE_PRINCIPALS);
    await control().config({ latencyMs: 10, latencyJitterMs: 10 });
    const event = simulateEvent({ requestType: 'Create', properties: properties(), responseServer: server });

    // Act
    await createHandler({ writeLog: () => undefined })(event, lambdaContext({ remainingMs: 120_000 }));

    // Assess: one SUCCESS, nothing failed at the KMS side, and a second plan is empty
    expectCloudFormationSuccess(server, event);
    const desired = buildDesiredState({
      properties: parseProperties(properties(), { accountId: ACCOUNT_ID }),
      oldProperties: null,
      enabledRegions: [...DEFAULT_ENABLED_REGIONS],
      context: CONTEXT,
    });
    const actual = await readActualState({
      regions: desired.regions,
      owner: desired.owner,
      aliasNames: desired.keys.map((k) => k.aliasName),
      kms: createAwsDependencies().kms,
    });
    const again = plan(desired, actual);
    expect(again.refusals).toEqual([]);
    expect(again.actions).toEqual([]);
    expect(Object.keys(again.bindings).sort()).toEqual(desired.keys.map((k) => k.id).sort());
  });
});
