/**
 * The SDK replay: what the bare AWS SDK costs for exactly the requests a scenario's function sent,
 * in the regime of one invocation. Definition (docs/performance.md): the exchanges the recorder kept
 * (bench/recorder.ts) are sent again by a fresh `node` process (bench/sdkReplayChild.ts) with one
 * bare client per Region — the SDK floor's client configuration, no product code — same operations,
 * same inputs, in recorded order per Region, 8 in flight per Region (the function's clients keep at
 * most 8 sockets per Region), all Regions at once; a canned server in this process (the bench's, as
 * the emulator is for the function) answers each with its recorded status, headers and body after
 * the scenario's latency. `cpu_ms_per_request`: the child's CPU from after its clients' creation to
 * the last answer, over the requests; the median of `runs` fresh processes.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { RecordedExchange } from './recorder.ts';

/** In flight per Region: the function's clients keep at most 8 sockets per Region (lib/aws/clients.ts `KMS_MAX_SOCKETS`). */
export const REPLAY_IN_FLIGHT_PER_REGION = 8;

export interface SdkReplayFigures {
  /** Median over the runs of the replay process's CPU per request, ms. */
  cpu_ms_per_request: number;
  requests: number;
  runs: number;
  /** Each run's CPU per request, ms (informative). */
  run_cpu_ms_per_request: number[];
}

/** What the CPU figure of a scenario gains from its replay. */
export interface ReplayFields {
  sdk_replay: SdkReplayFigures;
  /** The function's `cpu_ms_per_request` over `sdk_replay.cpu_ms_per_request`. */
  cpu_ratio_to_replay: number;
}

export interface ReplayLatency {
  latencyMs: number;
  latencyJitterMs: number;
}

/** One replay process, as it and the canned server saw it. */
export interface ReplayRun {
  cpuMs: number;
  /** Requests the child was given, and answers it got (error answers included). */
  requests: number;
  answered: number;
  /** Target → requests the child sent. */
  byTarget: Record<string, number>;
  /** Error name → answers the SDK raised as errors (recorded throttling, NotFoundException, …). */
  errors: Record<string, number>;
  /** Target → requests the canned server answered from the recording. */
  served: Record<string, number>;
  /** Requests the canned server found no recorded answer for (answered 500). */
  unmatched: number;
}

const CHILD = fileURLToPath(new URL('./sdkReplayChild.ts', import.meta.url));

function regionOf(headers: IncomingHttpHeaders): string {
  return /Credential=[^/,\s]+\/\d{8}\/([^/]+)\//.exec(String(headers.authorization ?? ''))?.[1] ?? 'unknown';
}

/** A body's JSON with its keys sorted, so a request matches its recording whatever the key order. */
function canonical(body: string): string {
  const sort = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sort);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((k) => [k, sort((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  try {
    return JSON.stringify(sort(JSON.parse(body)));
  } catch {
    return body;
  }
}

const keyOf = (region: string, target: string, body: string): string => `${region}\n${target}\n${canonical(body)}`;

/**
 * The canned server: each request is answered with the next unused recorded answer of the same
 * Region, target and body (identical requests, e.g. a throttled attempt and its retry, get their
 * answers in recorded order), after `latency`.
 */
async function startCannedServer(exchanges: readonly RecordedExchange[], latency: ReplayLatency) {
  const answers = new Map<string, RecordedExchange[]>();
  for (const e of exchanges) {
    const key = keyOf(e.region, e.target, e.requestBody);
    answers.set(key, [...(answers.get(key) ?? []), e]);
  }
  const served: Record<string, number> = {};
  let unmatched = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '') || (req.url ?? '/');
      const answer = answers.get(keyOf(regionOf(req.headers), target, Buffer.concat(chunks).toString('utf8')))?.shift();
      if (answer === undefined) unmatched += 1;
      else served[target] = (served[target] ?? 0) + 1;
      setTimeout(
        () => {
          if (answer === undefined) {
            res.writeHead(500, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'ReplayMismatch' });
            res.end(JSON.stringify({ __type: 'ReplayMismatch', message: `no recorded answer for ${target}` }));
            return;
          }
          res.writeHead(answer.status, answer.headers);
          res.end(answer.responseBody);
        },
        latency.latencyMs + Math.random() * latency.latencyJitterMs,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tally: () => ({ served, unmatched }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** One fresh replay process against a fresh canned server. */
export async function replayOnce(
  exchanges: readonly RecordedExchange[],
  latency: ReplayLatency,
  inFlightPerRegion = REPLAY_IN_FLIGHT_PER_REGION,
): Promise<ReplayRun> {
  const server = await startCannedServer(exchanges, latency);
  try {
    const child = spawn(process.execPath, [CHILD, server.url, String(inFlightPerRegion)], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
    });
    const exited = new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    child.stdin.end(JSON.stringify(exchanges.map((e) => ({ region: e.region, target: e.target, body: e.requestBody }))));
    const code = await exited;
    if (code !== 0) throw new Error(`SDK replay failed (exit ${code}): ${stderr}`);
    const figures = JSON.parse(stdout) as Omit<ReplayRun, 'served' | 'unmatched'>;
    return { ...figures, ...server.tally() };
  } finally {
    await server.close();
  }
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (n: number, digits: number): number => Number(n.toFixed(digits));

/**
 * `runs` fresh replay processes of `exchanges`, the median CPU per request. Throws when a run did not
 * send exactly the recorded requests, or the canned server could not answer one from the recording.
 */
export async function measureSdkReplay(exchanges: readonly RecordedExchange[], latency: ReplayLatency, runs = 3): Promise<SdkReplayFigures> {
  const perRequest: number[] = [];
  for (let i = 0; i < runs; i++) {
    const run = await replayOnce(exchanges, latency);
    if (run.unmatched > 0 || run.answered !== exchanges.length) {
      throw new Error(`SDK replay sent ${run.answered} of ${exchanges.length} recorded requests, ${run.unmatched} without a recorded answer`);
    }
    perRequest.push(run.cpuMs / run.answered);
  }
  return {
    cpu_ms_per_request: round(median(perRequest), 4),
    requests: exchanges.length,
    runs,
    run_cpu_ms_per_request: perRequest.map((n) => round(n, 4)),
  };
}

/** The replay fields of a scenario whose function spent `cpuMsPerRequest`. */
export function replayFields(cpuMsPerRequest: number, replay: SdkReplayFigures): ReplayFields {
  return { sdk_replay: replay, cpu_ratio_to_replay: round(cpuMsPerRequest / replay.cpu_ms_per_request, 3) };
}

/** `figures` with the replay's fields, when there was a replay. */
export function withReplay<T extends { cpu_ms_per_request: number }>(figures: T, replay: SdkReplayFigures | undefined): T & Partial<ReplayFields> {
  return replay === undefined ? figures : { ...figures, ...replayFields(figures.cpu_ms_per_request, replay) };
}
