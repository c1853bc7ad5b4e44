/**
 * A recording pass-through in front of the emulator: every KMS / Account request the function (or
 * the sequential baseline) sends goes through it, and it notes per Region and operation how each one
 * ended — succeeded, throttled, or failed with which error code. The emulator's own `/counts` count
 * every attempt (throttled ones included) and no error codes; the bound needs successful requests
 * per Region and operation, and the bench must prove zero failed requests.
 */
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ObservedRequests } from './bounds.ts';

export type RequestEnd = 'ok' | 'throttled' | 'failed';

/** Tallies since the last `reset()`. */
export interface RecordedRequests extends ObservedRequests {
  total: number;
  throttled: number;
  failed: number;
  /** Error code → count, for failed requests (ThrottlingException excluded). */
  failedByCode: Record<string, number>;
  /** region → operation → throttled attempts. */
  throttledByRegionOperation: Record<string, Record<string, number>>;
  /** TCP connections the caller opened (each one costs it a socket set-up, and a TLS handshake against AWS). */
  connections: number;
  /** Every request in arrival order, ms since `reset()`: when it reached the recorder and when it was answered. */
  trace: TracedRequest[];
}

export interface TracedRequest {
  region: string;
  operation: string;
  end: RequestEnd;
  startMs: number;
  endMs: number;
}

export interface Recorder {
  /** Point `AWS_ENDPOINT_URL` here. */
  url: string;
  snapshot(): RecordedRequests;
  reset(): void;
  close(): Promise<void>;
}

function emptyTallies(): RecordedRequests {
  return {
    byRegionOperation: {},
    replications: [],
    total: 0,
    throttled: 0,
    failed: 0,
    failedByCode: {},
    throttledByRegionOperation: {},
    connections: 0,
    trace: [],
  };
}

function regionOf(headers: IncomingHttpHeaders): string {
  return /Credential=[^/,\s]+\/\d{8}\/([^/]+)\//.exec(String(headers.authorization ?? ''))?.[1] ?? 'unknown';
}

function errorCodeOf(status: number, headers: IncomingHttpHeaders, body: string): string {
  const header = headers['x-amzn-errortype'];
  if (typeof header === 'string') return header.split(':')[0]!;
  try {
    const type = (JSON.parse(body) as { __type?: unknown }).__type;
    if (typeof type === 'string') return type.split('#').pop()!;
  } catch {
    // not JSON: fall through to the status
  }
  return `HTTP ${status}`;
}

function bump(map: Record<string, Partial<Record<string, number>>>, region: string, operation: string): void {
  const perRegion = map[region] ?? {};
  perRegion[operation] = (perRegion[operation] ?? 0) + 1;
  map[region] = perRegion;
}

/** Starts the pass-through on loopback, forwarding to `targetUrl` (the emulator). */
export async function startRecorder(targetUrl: string): Promise<Recorder> {
  const target = new URL(targetUrl);
  // Keep-alive upstream, so the hop adds no connection set-up per request.
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  let tallies = emptyTallies();
  let origin = performance.now();

  const record = (region: string, operation: string, end: RequestEnd, code: string | null, requestBody: string, startMs: number): void => {
    const t = tallies;
    t.total += 1;
    t.trace.push({ region, operation, end, startMs: startMs - origin, endMs: performance.now() - origin });
    if (end === 'ok') {
      bump(t.byRegionOperation, region, operation);
      if (operation === 'ReplicateKey') {
        const replicaRegion = (JSON.parse(requestBody) as { ReplicaRegion?: string }).ReplicaRegion ?? 'unknown';
        t.replications.push({ primaryRegion: region, replicaRegion });
      }
    } else if (end === 'throttled') {
      t.throttled += 1;
      bump(t.throttledByRegionOperation, region, operation);
    } else {
      t.failed += 1;
      const key = `${operation}:${code}`;
      t.failedByCode[key] = (t.failedByCode[key] ?? 0) + 1;
    }
  };

  const server = createServer((req, res) => {
    const startMs = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = req.url ?? '/';
      const counted = !path.startsWith('/__emulator/');
      const amzTarget = String(req.headers['x-amz-target'] ?? '');
      const operation = path.startsWith('/listRegions') ? 'ListRegions' : amzTarget.replace(/^TrentService\./, '');
      const region = regionOf(req.headers);
      const upstream = httpRequest({ host: target.hostname, port: target.port, method: req.method, path, headers: req.headers, agent }, (up) => {
        const answer: Buffer[] = [];
        up.on('data', (c: Buffer) => answer.push(c));
        up.on('end', () => {
          const text = Buffer.concat(answer);
          const status = up.statusCode ?? 502;
          if (counted) {
            const code = status >= 200 && status < 300 ? null : errorCodeOf(status, up.headers, text.toString('utf8'));
            const end: RequestEnd = code === null ? 'ok' : code === 'ThrottlingException' ? 'throttled' : 'failed';
            record(region, operation, end, code, body.toString('utf8'), startMs);
          }
          res.writeHead(status, up.headers);
          res.end(text);
        });
      });
      upstream.on('error', () => {
        if (counted) record(region, operation, 'failed', 'ConnectionError', '', startMs);
        req.socket.destroy();
      });
      upstream.end(body);
    });
  });
  server.on('connection', () => {
    tallies.connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    snapshot: () => structuredClone(tallies),
    reset: () => {
      tallies = emptyTallies();
      origin = performance.now();
    },
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
