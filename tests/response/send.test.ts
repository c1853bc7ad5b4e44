import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ResponseError, sendResponse } from '../../lib/request/response.ts';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A local ResponseURL whose answer to the n-th request is chosen by `reply` (`drop` closes the socket). */
async function startServer(reply: (n: number) => number | 'drop'): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      const answer = reply(received.length);
      if (answer === 'drop') {
        req.socket.destroy();
        return;
      }
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/bucket/path?X-Amz-Signature=secret123&X-Amz-Expires=7200`, received, server };
}

const noWait = { clock: { now: Date.now, sleep: () => Promise.resolve() }, random: () => 0.5 };
let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe('Function: sendResponse', () => {
  it('PUTs the body once with an empty content-type and its length in bytes', async () => {
    // Prepare
    const local = await startServer(() => 200);
    server = local.server;
    const body = JSON.stringify({ Status: 'FAILED', Reason: 'clé € 😀' });

    // Act
    await sendResponse(local.url, body, noWait);

    // Assess
    expect(local.received).toHaveLength(1);
    const [request] = local.received;
    expect(request!.method).toBe('PUT');
    expect(request!.url).toBe('/bucket/path?X-Amz-Signature=secret123&X-Amz-Expires=7200');
    expect(request!.headers['content-type']).toBe('');
    expect(request!.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(Number(request!.headers['content-length'])).toBeGreaterThan(body.length);
    expect(request!.body.toString('utf8')).toBe(body);
  });

  it('retries on 5xx until it succeeds', async () => {
    // Prepare
    const local = await startServer((n) => (n < 3 ? 503 : 200));
    server = local.server;
    const retries: number[] = [];

    // Act
    await sendResponse(local.url, '{}', { ...noWait, onRetry: (info) => retries.push(info.attempt) });

    // Assess
    expect(local.received).toHaveLength(3);
    expect(retries).toEqual([1, 2]);
  });

  it('retries when the connection is dropped', async () => {
    // Prepare
    const local = await startServer((n) => (n === 1 ? 'drop' : 200));
    server = local.server;

    // Act
    await sendResponse(local.url, '{"Status":"SUCCESS"}', noWait);

    // Assess
    expect(local.received).toHaveLength(2);
  });

  it('retries when nothing listens, then gives up without naming the URL', async () => {
    // Prepare: a port that was just released
    const local = await startServer(() => 200);
    await new Promise<void>((resolve) => local.server.close(() => resolve()));

    // Act
    const sending = sendResponse(local.url, '{}', { ...noWait, maxAttempts: 3 });

    // Assess
    await expect(sending).rejects.toThrow(ResponseError);
    const error = (await sending.catch((e: unknown) => e)) as ResponseError;
    expect(error.attempts).toBe(3);
    expect(error.message).not.toContain('secret123');
  });

  it('does not retry a 4xx', async () => {
    // Prepare
    const local = await startServer(() => 403);
    server = local.server;

    // Act
    const error = (await sendResponse(local.url, '{}', noWait).catch((e: unknown) => e)) as ResponseError;

    // Assess
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
    expect(error.attempts).toBe(1);
    expect(local.received).toHaveLength(1);
  });

  it('stops after maxAttempts of 5xx', async () => {
    // Prepare
    const local = await startServer(() => 500);
    server = local.server;

    // Act
    const error = (await sendResponse(local.url, '{}', { ...noWait, maxAttempts: 6 }).catch((e: unknown) => e)) as ResponseError;

    // Assess
    expect(error.statusCode).toBe(500);
    expect(local.received).toHaveLength(6);
  });

  it('starts no attempt after the deadline', async () => {
    // Prepare
    const local = await startServer(() => 500);
    server = local.server;
    let clock = 1_000;
    const now = () => clock;
    const sleep = async (ms: number) => {
      clock += ms;
    };

    // Act
    const sending = sendResponse(local.url, '{}', { clock: { now, sleep }, random: () => 1, deadline: 1_000 + 1_000, backoffBaseMs: 400, maxAttempts: 10 });

    // Assess: waits of 400 and 800 ms fit in one second only once
    await expect(sending).rejects.toThrow(ResponseError);
    expect(local.received.length).toBe(2);
  });

  it('waits with full-jitter backoff between attempts', async () => {
    // Prepare
    const local = await startServer((n) => (n < 4 ? 502 : 200));
    server = local.server;
    const delays: number[] = [];

    // Act
    await sendResponse(local.url, '{}', {
      random: () => 0.5,
      backoffBaseMs: 100,
      backoffCapMs: 250,
      clock: {
        now: Date.now,
        sleep: async (ms) => {
          delays.push(ms);
        },
      },
    });

    // Assess: half of min(cap, base·2ⁿ)
    expect(delays).toEqual([50, 100, 125]);
  });
});
