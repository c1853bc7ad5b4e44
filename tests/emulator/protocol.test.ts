import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ListRegionsCommand, paginateListRegions } from '@aws-sdk/client-account';
import { DescribeKeyCommand, KMSServiceException, ListKeysCommand, NotFoundException } from '@aws-sdk/client-kms';
import { ACCOUNT, expectKmsError, type Harness, startHarness } from './harness.ts';

describe('Function: startEmulator (protocol)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('listens on 127.0.0.1 with an ephemeral port', () => {
    // Assess
    expect(h.emulator.url).toBe(`http://127.0.0.1:${h.emulator.port}`);
    expect(h.emulator.port).toBeGreaterThan(0);
  });

  it('makes the SDK throw the modeled exception class with KMS name and message', async () => {
    // Act
    const error = await expectKmsError(h.kms('us-east-1').send(new DescribeKeyCommand({ KeyId: 'alias/missing' })), 'NotFoundException');
    // Assess
    expect(error).toBeInstanceOf(NotFoundException);
    expect(error.message).toBe(`Alias arn:aws:kms:us-east-1:${ACCOUNT}:alias/missing is not found.`);
    expect((error as NotFoundException).$metadata.httpStatusCode).toBe(400);
  });

  it('answers raw KMS JSON 1.1 with __type and message', async () => {
    // Act
    const response = await fetch(`${h.emulator.url}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'TrentService.DescribeKey',
        authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/eu-west-1/kms/aws4_request, SignedHeaders=host, Signature=x',
      },
      body: JSON.stringify({ KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' }),
    });
    // Assess
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(await response.json()).toEqual({
      __type: 'NotFoundException',
      message: `Key 'arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab' does not exist`,
    });
  });

  it('takes the Region from the SigV4 credential scope', async () => {
    // Prepare
    await h.control('counts/reset', {});
    // Act
    await h.kms('ap-northeast-3').send(new ListKeysCommand({}));
    // Assess
    const counts = await h.control<{ byRegionOperation: Record<string, Record<string, number>> }>('counts');
    expect(counts.byRegionOperation['ap-northeast-3']).toEqual({ ListKeys: 1 });
  });

  it('refuses a Region that is not enabled with UnrecognizedClientException', async () => {
    // Act
    const error = await expectKmsError(
      h.kms('af-south-1').send(new ListKeysCommand({})),
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
    );
    // Assess
    expect(error).toBeInstanceOf(KMSServiceException);
  });

  it('answers an unknown operation with UnknownOperationException', async () => {
    // Act
    const response = await fetch(`${h.emulator.url}/`, {
      method: 'POST',
      headers: { 'x-amz-target': 'TrentService.Frobnicate', authorization: 'AWS4-HMAC-SHA256 Credential=t/20260101/us-east-1/kms/aws4_request' },
      body: '{}',
    });
    // Assess
    expect(response.status).toBe(400);
    expect(((await response.json()) as { __type: string }).__type).toBe('UnknownOperationException');
  });

  it('answers malformed JSON with SerializationException', async () => {
    // Act
    const response = await fetch(`${h.emulator.url}/`, {
      method: 'POST',
      headers: { 'x-amz-target': 'TrentService.ListKeys', authorization: 'AWS4-HMAC-SHA256 Credential=t/20260101/us-east-1/kms/aws4_request' },
      body: '{not json',
    });
    // Assess
    expect(((await response.json()) as { __type: string }).__type).toBe('SerializationException');
  });
});

describe('Function: ListRegions (Account API)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('reports the 17 default Regions ENABLED_BY_DEFAULT and opt-in Regions DISABLED', async () => {
    // Act
    const regions = [];
    for await (const page of paginateListRegions({ client: h.account() }, {})) regions.push(...(page.Regions ?? []));
    // Assess
    const enabled = regions.filter((r) => r.RegionOptStatus === 'ENABLED_BY_DEFAULT').map((r) => r.RegionName);
    expect(enabled).toHaveLength(17);
    expect(enabled).toEqual(expect.arrayContaining(['us-east-1', 'eu-west-1', 'sa-east-1', 'ap-northeast-3']));
    expect(regions.filter((r) => r.RegionOptStatus === 'DISABLED').map((r) => r.RegionName)).toEqual(
      expect.arrayContaining(['af-south-1', 'ap-east-1', 'me-south-1']),
    );
  });

  it('paginates with MaxResults and NextToken', async () => {
    // Act
    const first = await h.account().send(new ListRegionsCommand({ MaxResults: 5 }));
    const second = await h.account().send(new ListRegionsCommand({ MaxResults: 5, NextToken: first.NextToken }));
    // Assess
    expect(first.Regions).toHaveLength(5);
    expect(first.NextToken).toEqual(expect.any(String));
    expect(second.Regions).toHaveLength(5);
    expect(second.Regions![0]!.RegionName).not.toBe(first.Regions![0]!.RegionName);
  });

  it('filters by RegionOptStatusContains', async () => {
    // Act
    const result = await h.account().send(new ListRegionsCommand({ RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'], MaxResults: 50 }));
    // Assess
    expect(result.Regions).toHaveLength(17);
    expect(result.NextToken).toBeUndefined();
  });

  it('filters by RegionOptStatusContains DISABLED: the opt-in Regions not enabled, me-south-1 among them', async () => {
    // Act
    const result = await h.account().send(new ListRegionsCommand({ RegionOptStatusContains: ['DISABLED'], MaxResults: 50 }));
    // Assess
    expect(result.Regions!.map((r) => r.RegionName)).toContain('me-south-1');
    expect(result.Regions!.every((r) => r.RegionOptStatus === 'DISABLED')).toBe(true);
  });

  it('refuses MaxResults out of range and a bad NextToken with ValidationException', async () => {
    // Act & Assess
    await expectKmsError(h.account().send(new ListRegionsCommand({ MaxResults: 51 })), 'ValidationException');
    await expectKmsError(h.account().send(new ListRegionsCommand({ NextToken: 'bogus' })), 'ValidationException');
  });

  it('reports custom regions: listed opt-in Regions ENABLED, others DISABLED', async () => {
    // Prepare
    const custom = await startHarness({ regions: ['us-east-1', 'af-south-1'] });
    try {
      // Act
      const result = await custom.account().send(new ListRegionsCommand({ RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'] }));
      // Assess
      expect(result.Regions).toEqual([
        { RegionName: 'af-south-1', RegionOptStatus: 'ENABLED' },
        { RegionName: 'us-east-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' },
      ]);
    } finally {
      await custom.close();
    }
  });
});

describe('Function: main (CLI)', () => {
  it('prints exactly the listening line and stops on SIGTERM', async () => {
    // Prepare
    const node = join(process.cwd(), 'node_modules', '.bin', 'node');
    const child = spawn(node, ['local/emulator/main.ts', '--port', '0', '--account', '444455556666', '--regions', 'us-east-1,eu-west-1'], {
      cwd: process.cwd(),
    });
    // Act
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => resolve(chunk.toString()));
      child.once('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const url = /^listening on (http:\/\/127\.0\.0\.1:\d+)\n$/.exec(line)?.[1];
    const state = (await (await fetch(`${url}/__emulator/state`)).json()) as { keys: { arn: string }[] };
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    // Assess
    expect(url).toBeDefined();
    expect(state.keys.map((k) => k.arn.split(':').slice(3, 5).join(':')).sort()).toEqual(['eu-west-1:444455556666', 'us-east-1:444455556666']);
    expect(code).toBe(0);
  });
});
