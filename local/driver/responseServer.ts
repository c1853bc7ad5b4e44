/**
 * Plays the presigned S3 URL CloudFormation hands out as `ResponseURL`: an HTTP server on loopback
 * that records every PUT per URL. Like S3 it refuses a PUT without `Content-Length` (411) and one
 * whose query string is not the one issued (403, the signature would not match). For the
 * reliability suite it can fail the next PUTs with a 500 or by dropping the connection; a PUT that
 * fails that way was never stored, so CloudFormation never saw it and the sender must retry.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One PUT as received. */
export interface ReceivedPut {
  /** Order of arrival across the whole server. */
  seq: number;
  receivedAt: number;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  bodyBytes: number;
  /** True when "S3" stored it: this is an answer CloudFormation reads. */
  accepted: boolean;
  /** Why it was not stored (injected fault, missing Content-Length, wrong signature). */
  rejection?: string;
}

export type PutFault = 'status500' | 'drop';

export interface ResponseServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** A fresh presigned-style URL for one request (same shape as CloudFormation's). */
  issueUrl(stackId: string, logicalResourceId: string, requestId: string): string;
  /** Every PUT received for `responseUrl`, accepted or not, in arrival order. */
  putsFor(responseUrl: string): ReceivedPut[];
  /** PUTs to URLs never issued. */
  strayPuts(): ReceivedPut[];
  /** Fail the next `count` PUTs (any URL) with `fault`. */
  failNextPuts(count: number, fault: PutFault): void;
  close(): Promise<void>;
}

/** More than CloudFormation accepts (4,096 bytes), so oversize bodies are still seen whole. */
const MAX_RECORDED_BODY_BYTES = 1024 * 1024;

/** Starts the server on 127.0.0.1 (an ephemeral port unless `port` is given). */
export async function startResponseServer(options: { port?: number } = {}): Promise<ResponseServer> {
  const issued = new Map<string, { query: string; puts: ReceivedPut[] }>();
  const stray: ReceivedPut[] = [];
  const faults: PutFault[] = [];
  let seq = 0;

  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { body, size } = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const put: ReceivedPut = {
      seq: ++seq,
      receivedAt: Date.now(),
      path: url.pathname,
      headers: req.headers,
      body: body.toString('utf8'),
      bodyBytes: size,
      accepted: false,
    };
    if (req.method !== 'PUT') return reply(res, 405, 'MethodNotAllowed');
    const target = issued.get(url.pathname);
    if (target === undefined) {
      stray.push({ ...put, rejection: 'no such ResponseURL' });
      return reply(res, 403, 'AccessDenied');
    }
    target.puts.push(put);
    const fault = faults.shift();
    if (fault === 'drop') {
      put.rejection = 'injected fault: connection dropped';
      req.socket.destroy();
      return;
    }
    if (fault === 'status500') {
      put.rejection = 'injected fault: 500';
      return reply(res, 500, 'InternalError');
    }
    if (url.searchParams.get('X-Amz-Signature') !== new URLSearchParams(target.query).get('X-Amz-Signature')) {
      put.rejection = "X-Amz-Signature differs from the ResponseURL's (S3: SignatureDoesNotMatch)";
      return reply(res, 403, 'SignatureDoesNotMatch');
    }
    if (req.headers['content-length'] === undefined) {
      put.rejection = 'no Content-Length (S3: MissingContentLength)';
      return reply(res, 411, 'MissingContentLength');
    }
    put.accepted = true;
    reply(res, 200);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;

  return {
    url: base,
    port,
    issueUrl(stackId, logicalResourceId, requestId) {
      // CloudFormation's object key is "<StackId>|<LogicalResourceId>|<RequestId>", URL-encoded.
      const path = `/${encodeURIComponent(`${stackId}|${logicalResourceId}|${requestId}`)}`;
      const query = presignedQuery();
      issued.set(path, { query, puts: [] });
      return `${base}${path}${query}`;
    },
    putsFor(responseUrl) {
      // A forged event may carry anything as its ResponseURL: what is not a URL was never issued.
      if (!URL.canParse(responseUrl)) return [];
      return [...(issued.get(new URL(responseUrl).pathname)?.puts ?? [])];
    },
    strayPuts: () => [...stray],
    failNextPuts(count, fault) {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function presignedQuery(): string {
  const date = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const params = new URLSearchParams({
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Date': date,
    'X-Amz-SignedHeaders': 'host',
    'X-Amz-Expires': '7200',
    'X-Amz-Credential': `AKIALOCALDRIVER/${date.slice(0, 8)}/us-east-1/s3/aws4_request`,
    'X-Amz-Signature': randomBytes(32).toString('hex'),
  });
  return `?${params.toString()}`;
}

async function readBody(req: IncomingMessage): Promise<{ body: Buffer; size: number }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_RECORDED_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  return { body: Buffer.concat(chunks), size };
}

function reply(res: ServerResponse, status: number, code?: string): void {
  const body = code === undefined ? '' : `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code></Error>`;
  res.writeHead(status, { 'content-type': code === undefined ? 'text/plain' : 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
