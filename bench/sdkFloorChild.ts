/**
 * The SDK floor measurement itself (bench/sdkFloor.ts runs it in a fresh process):
 * `node bench/sdkFloorChild.ts <coldRequests> <warmRequests> <inFlight>` prints
 * `{"cold": ms, "warm": ms}`: CPU per request over the first `coldRequests` of the fresh process (the
 * regime of a function invocation), then over `warmRequests` more.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';

const [coldRequests = 1300, warmRequests = 4000, inFlight = 16] = process.argv.slice(2).map(Number);

const ANSWER = JSON.stringify({
  KeyMetadata: {
    AWSAccountId: '111122223333',
    KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
    Arn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    CreationDate: 1_700_000_000,
    Enabled: true,
    Description: '',
    KeyUsage: 'ENCRYPT_DECRYPT',
    KeyState: 'Enabled',
    Origin: 'AWS_KMS',
    KeyManager: 'CUSTOMER',
    CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
    KeySpec: 'SYMMETRIC_DEFAULT',
    EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
    MultiRegion: false,
  },
});

const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'floor' });
    response.end(ANSWER);
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
const client = new KMSClient({
  region: 'us-east-1',
  endpoint: `http://127.0.0.1:${port}`,
  maxAttempts: 1,
  credentials: { accessKeyId: 'AKIDFLOOR', secretAccessKey: 'floor-secret' },
});

async function send(total: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next++ < total) await client.send(new DescribeKeyCommand({ KeyId: 'alias/floor' }));
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

/** CPU ms per request of `total` requests sent now. */
async function measure(total: number): Promise<number> {
  const before = process.cpuUsage();
  await send(total);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / total;
}

const cold = await measure(coldRequests);
const warm = await measure(warmRequests);
process.stdout.write(JSON.stringify({ cold, warm }));
client.destroy();
server.close();
