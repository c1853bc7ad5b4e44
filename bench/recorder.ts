/**
 * A recording pass-through in front of the emulator: every KMS / Account request the function (or
 * the sequential baseline) sends goes through it, and it notes per Region and operation how each one
 * ended — succeeded, throttled, or failed with which error code. The emulator's own `/counts` count
 * every attempt (throttled ones included) and no error codes; the bound needs successful requests
 * per Region and operation, and the bench must prove zero failed requests.
 *
 * When asked (`startRecorder(url, { keepBodies: true })`, or `keepBodies(true)` for one scenario) it
 * also keeps every exchange whole — Region, target, request body, status, the answer's headers that
 * matter and its body — so the SDK replay (bench/sdkReplay.ts) can send the same requests and get the
 * same answers; otherwise it keeps tallies only, and its memory stays small.
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
  /** Every answered request whole, in arrival order; empty unless bodies are kept. */
  exchanges: RecordedExchange[];
}

/** One request and its answer, as the recorder passed them on (kept only when asked). */
export interface RecordedExchange {
  /** From the SigV4 credential scope (`Credential=…/date/REGION/service/aws4_request`). */
  region: string;
  /** `X-Amz-Target` (`TrentService.CreateKey`), or the Account API's path (`/listRegions`). */
  target: string;
  requestBody: string;
  status: number;
  /** The answer's `content-type`, `x-amzn-requestid` and `x-amzn-errortype`, those it had. */
  headers: Record<string, string>;
  responseBody: string;
}

/** The answer headers an exchange keeps: what the SDK's deserialiser reads. */
export const KEPT_HEADERS = ['content-type', 'x-amzn-requestid', 'x-amzn-errortype'] as const;

export interface RecorderOptions {
  /** Keep every exchange whole (`RecordedRequests.exchanges`, `sessions()`). Default false. */
  keepBodies?: boolean;
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
  /** Starts a new session: tallies (and exchanges) from now on. */
  reset(): void;
  /** Switches keeping exchanges whole on or off (off also forgets the sessions kept so far). */
  keepBodies(on: boolean): void;
  /**
   * The exchanges of every session (from one `reset()` to the next) since bodies were kept, oldest
   * first, sessions without requests left out: a caller that cannot reach a scenario's snapshots
   * (the scale scenario resets and snapshots on its own) gets each phase's requests this way.
   */
  sessions(): RecordedExchange[][];
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
    exchanges: [],
  };
}

function keptHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string') kept[name] = value;
  }
  return kept;
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
export async function startRecorder(targetUrl: string, options: RecorderOptions = {}): Promise<Recorder> {
  const target = new URL(targetUrl);
  // Keep-alive upstream, so the hop adds no connection set-up per request. With a socket timeout
  // set, Node's agent honours the emulator's `Keep-Alive: timeout=5` hint and drops an idle socket
  // a second before the emulator closes it; without one, a request sent on a socket the emulator
  // was closing failed on this hop (ECONNRESET, counted as a failed request) after an idle pause.
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, timeout: 60_000 });
  let tallies = emptyTallies();
  let origin = performance.now();
  let keeping = options.keepBodies === true;
  /** This session's exchanges in arrival order; a slot stays empty until its answer is back. */
  type Session = (RecordedExchange | undefined)[];
  let current: Session = [];
  /** Sessions kept since bodies were switched on; the last one is `current`. */
  let kept: Session[] = keeping ? [current] : [];
  const answered = (session: Session): RecordedExchange[] => session.filter((e) => e !== undefined);

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
      // Arrival order: the slot is taken now, filled when the answer is back.
      const session = counted && keeping ? current : undefined;
      const slot = session?.push(undefined);
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
          if (session !== undefined && slot !== undefined) {
            const target = amzTarget === '' ? path : amzTarget;
            const responseBody = text.toString('utf8');
            session[slot - 1] = { region, target, requestBody: body.toString('utf8'), status, headers: keptHeaders(up.headers), responseBody };
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
    // A request still in flight (or whose connection failed) has no exchange.
    snapshot: () => ({ ...structuredClone(tallies), exchanges: answered(current) }),
    reset: () => {
      tallies = emptyTallies();
      origin = performance.now();
      current = [];
      if (keeping) kept.push(current);
    },
    keepBodies: (on) => {
      if (on && !keeping) kept = [current];
      if (!on) kept = [];
      keeping = on;
    },
    sessions: () => kept.map(answered).filter((session) => session.length > 0),
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
