import { request } from 'node:http';
import { startResponseServer } from '../../local/driver/index.ts';
import { FUNCTION_NAME, SERVICE_TOKEN, stackOver } from './helpers.ts';

describe('Function: Driver.deliver', () => {
  it('passes a well-behaved handler, with a Lambda-like context and environment', async () => {
    // Prepare
    // No emulator behind the endpoint: the driver does not play CloudFormation's stack events.
    const { driver, stack } = await stackOver('good', { endpointUrl: 'http://127.0.0.1:1', playCloudFormation: false, env: { FIXTURE_EXTRA: 'x' } });

    // Act
    const result = await stack.create({ Value: 42, Enabled: true });
    await driver.close();

    // Assess
    expect(result.violations).toEqual([]);
    expect(result).toMatchObject({ status: 'SUCCESS', putCount: 1, exit: { outcome: 'returned', code: 0, signal: null } });
    expect(result.bodyBytes).toBe(result.puts[0]!.bodyBytes);
    expect(result.event.ResourceProperties).toEqual({ ServiceToken: SERVICE_TOKEN, Value: '42', Enabled: 'true' });
    expect(result.data).toEqual({
      Value: '42',
      FunctionArn: `arn:aws:lambda:us-east-1:111122223333:function:${FUNCTION_NAME}`,
      FunctionName: FUNCTION_NAME,
      HasTimeLeft: 'true',
      Endpoint: 'http://127.0.0.1:1',
      Region: 'us-east-1',
      Role: 'arn:aws:iam::111122223333:role/multi-region-kms-keys-function',
      Extra: 'x',
    });
    expect(result.initMs).toBeGreaterThanOrEqual(0);
    // The handler's CPU (init excluded), as the bench's CPU figures use it.
    expect(result.handlerCpuMs).toBeGreaterThanOrEqual(0);
  });

  it('sends the events CloudFormation sends for Create, Update and Delete', async () => {
    // Prepare
    const { driver, stack } = await stackOver('good');

    // Act
    const created = await stack.create({ Value: 'a' });
    const updated = await stack.update({ Value: 'b' });
    const deleted = await stack.delete();
    await driver.close();

    // Assess
    expect(created.event).toEqual({
      RequestType: 'Create',
      ServiceToken: SERVICE_TOKEN,
      ResponseURL: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/arn%3Aaws%3Acloudformation%3A.*%7CKeys%7C[0-9a-f-]{36}\?.*X-Amz-Signature=[0-9a-f]{64}/),
      StackId: expect.stringMatching(/^arn:aws:cloudformation:us-east-1:111122223333:stack\/test-good\/[0-9a-f-]{36}$/),
      RequestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      LogicalResourceId: 'Keys',
      ResourceType: 'Custom::MultiRegionKmsKeys',
      ResourceProperties: { ServiceToken: SERVICE_TOKEN, Value: 'a' },
    });
    expect(updated.event).toMatchObject({
      RequestType: 'Update',
      PhysicalResourceId: created.physicalResourceId,
      ResourceProperties: { Value: 'b' },
      OldResourceProperties: { Value: 'a' },
    });
    expect(deleted.event).toMatchObject({ RequestType: 'Delete', PhysicalResourceId: created.physicalResourceId, ResourceProperties: { Value: 'b' } });
    expect(new Set([created.event.RequestId, updated.event.RequestId, deleted.event.RequestId]).size).toBe(3);
    expect([created, updated, deleted].every((r) => r.violations.length === 0)).toBe(true);
    expect(stack.physicalResourceId).toBeNull();
  });

  it('hands the pid to onSpawn before the event is sent', async () => {
    // Prepare
    const { driver, stack } = await stackOver('good');
    let seen: { pid: number; putsSoFar: number } | undefined;
    const event = stack.nextEvent('Create', {});

    // Act
    const result = await stack.deliver(event, {
      onSpawn: (pid) => {
        seen = { pid, putsSoFar: driver.responses.putsFor(event.ResponseURL).length };
      },
    });
    await driver.close();

    // Assess
    expect(seen).toEqual({ pid: result.pid, putsSoFar: 0 });
  });

  it('reports a child killed before the event reached it', async () => {
    // Prepare
    const { driver, stack } = await stackOver('good');

    // Act
    const result = await stack.create({}, { onSpawn: (pid) => void process.kill(pid, 'SIGKILL') });
    await driver.close();

    // Assess
    expect(result.exit).toMatchObject({ outcome: 'crashed', signal: 'SIGKILL' });
    expect(result.putCount).toBe(0);
  });

  it('waits for the callback of a callback-style handler', async () => {
    // Prepare
    const { driver, stack } = await stackOver('callbackStyle');

    // Act
    const result = await stack.create({});
    await driver.close();

    // Assess
    expect(result).toMatchObject({ status: 'SUCCESS', violations: [], putCount: 1 });
  });

  it('retries past PUTs that failed with 500 or a dropped connection without counting them as answers', async () => {
    // Prepare
    const { driver, stack } = await stackOver('good');
    driver.responses.failNextPuts(2, 'status500');
    driver.responses.failNextPuts(1, 'drop');

    // Act
    const result = await stack.create({});
    await driver.close();

    // Assess
    expect(result.violations).toEqual([]);
    expect(result.putCount).toBe(1);
    expect(result.puts.map((p) => p.rejection ?? 'stored')).toEqual([
      'injected fault: 500',
      'injected fault: 500',
      'injected fault: connection dropped',
      'stored',
    ]);
  });
});

describe('Function: checkAnswer (through misbehaving handlers)', () => {
  it('catches a second answer to the same request', async () => {
    // Prepare
    const { driver, stack } = await stackOver('answersTwice');

    // Act
    const result = await stack.create({});
    await driver.close();

    // Assess
    expect(result.putCount).toBe(2);
    expect(result.violations).toEqual(['answered 2 times: one request must get exactly one answer', 'the answers to the same request disagree']);
  });

  it('catches an answer over 4,096 bytes', async () => {
    // Prepare
    const { driver, stack } = await stackOver('tooLarge');

    // Act
    const result = await stack.create({});
    await driver.close();

    // Assess
    expect(result.bodyBytes).toBeGreaterThan(4096);
    expect(result.status).toBeNull();
    expect(result.violations).toEqual([expect.stringMatching(/^body is \d+ bytes: CloudFormation refuses more than 4096/)]);
  });

  it('kills a handler that never answers at the timeout', async () => {
    // Prepare
    const { driver, stack } = await stackOver('neverAnswers', { timeoutMs: 400 });

    // Act
    const result = await stack.create({});
    await driver.close();

    // Assess
    expect(result.exit).toMatchObject({ outcome: 'timeout', signal: 'SIGKILL', error: 'Task timed out after 0.40 seconds' });
    expect(result.putCount).toBe(0);
    expect(result.violations).toEqual([expect.stringMatching(/^the function timed out/), expect.stringMatching(/^no answer/)]);
  });

  it('catches a PhysicalResourceId changed on Update', async () => {
    // Prepare
    const { driver, stack } = await stackOver('changesPhysicalId');

    // Act
    const created = await stack.create({ Value: 'a' });
    const updated = await stack.update({ Value: 'b' });
    await driver.close();

    // Assess
    expect(created.violations).toEqual([]);
    expect(updated.violations).toEqual([expect.stringMatching(/^PhysicalResourceId changed on Update: the request had "id-.*", the answer "id-.*"$/)]);
  });

  it('catches a body that is not JSON', async () => {
    // Prepare
    const { driver, stack } = await stackOver('nonJson');

    // Act
    const result = await stack.create({});
    await driver.close();

    // Assess
    expect(result.status).toBeNull();
    expect(result.violations).toEqual([expect.stringMatching(/^body is not JSON/)]);
  });

  it('catches a process that exits without answering', async () => {
    // Prepare
    const { driver, stack } = await stackOver('crashes');

    // Act
    const result = await stack.create({});
    await driver.close();

    // Assess
    expect(result.exit).toMatchObject({ outcome: 'crashed', code: 1, signal: null });
    expect(result.violations).toEqual(['the function process died (exited with code 1)', expect.stringMatching(/^no answer/)]);
  });

  it('catches a missing Reason, ids not echoed, nested Data, a JSON content-type and a throw after answering', async () => {
    // Prepare
    const { driver, stack } = await stackOver('badFields');

    // Act
    const result = await stack.create({});
    await driver.close();

    // Assess
    expect(result.exit.outcome).toBe('threw');
    expect(result.violations).toEqual([
      'the handler threw (Error: boom after answering) after answering: Lambda retries a failed asynchronous invocation',
      `content-type must be '' for the presigned S3 URL, got "application/json"`,
      'Reason is required when Status is FAILED',
      expect.stringMatching(/^RequestId must echo the request's \(".*"\), got "not-the-request"$/),
      'Data must be a flat map of strings: Data.Nested is object, Data.Count is number',
    ]);
  });

  it('reports a bundle that fails to initialise', async () => {
    // Prepare
    const { driver, stack } = await stackOver('initFails');

    // Act
    const result = await stack.create({});
    await driver.close();

    // Assess
    expect(result.exit).toMatchObject({ outcome: 'initError', error: 'Error: cannot initialise' });
    expect(result.violations).toContain('the function failed to initialise (Error: cannot initialise)');
  });
});

describe('Function: startResponseServer', () => {
  it('refuses, like S3, a PUT with another signature, to an unknown key, or without Content-Length', async () => {
    // Prepare
    const server = await startResponseServer();
    const url = server.issueUrl('arn:aws:cloudformation:us-east-1:111122223333:stack/s/1', 'Keys', 'r1');
    const send = (target: string, chunked = false) =>
      new Promise<number>((resolve, reject) => {
        const u = new URL(target);
        const req = request(
          {
            host: u.hostname,
            port: u.port,
            path: u.pathname + u.search,
            method: 'PUT',
            headers: chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': 2 },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end('{}');
      });

    // Act
    const statuses = [
      await send(url.replace(/X-Amz-Signature=[0-9a-f]+/, 'X-Amz-Signature=00')),
      await send(`${server.url}/elsewhere`),
      await send(url, true),
      await send(url),
    ];
    await server.close();

    // Assess
    expect(statuses).toEqual([403, 403, 411, 200]);
    expect(server.putsFor(url).map((p) => p.accepted)).toEqual([false, false, true]);
    expect(server.strayPuts()).toHaveLength(1);
  });
});
