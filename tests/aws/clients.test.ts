import { createKmsClient, KMS_MAX_SOCKETS, USER_AGENT_MIDDLEWARE } from '../../lib/aws/clients.ts';
import { createAwsDependencies } from '../../lib/aws/index.ts';

describe('Function: createKmsClient', () => {
  it("creates a Region's client, with a single attempt and no endpoint of its own", async () => {
    // Act
    const east = createKmsClient('us-east-1');
    const west = createKmsClient('eu-west-1');

    // Assess
    expect(await east.config.region()).toBe('us-east-1');
    expect(await west.config.region()).toBe('eu-west-1');
    expect(await east.config.maxAttempts()).toBe(1);
    expect(east.config.endpoint).toBeUndefined();
  });

  it('leaves out the User-Agent middleware (per-request CPU KMS does not need) and keeps signing', () => {
    // Prepare
    const client = createKmsClient('us-east-1');

    // Act
    const middleware = client.middlewareStack.identify().join('\n');

    // Assess
    expect(middleware).not.toContain(USER_AGENT_MIDDLEWARE);
    expect(middleware).toContain('httpSigningMiddleware');
    expect(middleware).toContain('retryMiddleware');
  });

  it("caps the sockets of each Region's client, over http (emulator) and https (AWS)", async () => {
    // Prepare
    const client = createKmsClient('us-east-1');
    // The handler resolves its options into agents lazily; this reads that (Smithy-internal) result.
    const handler = client.config.requestHandler as unknown as {
      configProvider: Promise<{ httpsAgent: { maxSockets: number }; httpAgentProvider: () => Promise<{ maxSockets: number }> }>;
    };

    // Act
    const config = await handler.configProvider;
    const httpAgent = await config.httpAgentProvider();

    // Assess
    expect(KMS_MAX_SOCKETS).toBe(8);
    expect(config.httpsAgent.maxSockets).toBe(KMS_MAX_SOCKETS);
    expect(httpAgent.maxSockets).toBe(KMS_MAX_SOCKETS);
  });
});

describe('Function: createAwsDependencies', () => {
  it('memoises the KmsApi per Region', () => {
    // Prepare
    const deps = createAwsDependencies();

    // Act
    const east = deps.kms('us-east-1');

    // Assess
    expect(deps.kms('us-east-1')).toBe(east);
    expect(east.region).toBe('us-east-1');
    expect(deps.kms('eu-west-1').region).toBe('eu-west-1');
  });
});
