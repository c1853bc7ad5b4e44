/**
 * The SDK floor of CPU per KMS request: what `@aws-sdk/client-kms` alone costs, measured in a fresh
 * `node` process so nothing of the bench's own state is counted. Definition (docs/performance.md):
 * one `KMSClient` (the SDK's defaults except `maxAttempts: 1`, static credentials, `region`
 * us-east-1) sends `DescribeKey` to an HTTP server on loopback in the same process that answers
 * every request at once with a fixed `KeyMetadata`; 16 requests in flight; after the first 1,300
 * requests (the JIT warmed up), the process's CPU time (user + system, client and server together)
 * over the next 4,000 requests, divided by 4,000. `cold_cpu_ms_per_request` is the same over those
 * first 1,300 requests from the client's creation — the regime of one function invocation (a fresh
 * process, module import excluded, about as many requests as a fan-out Create or Delete) — for
 * reference: it counts the server's cold start too, so it is no floor for the product's own figure.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface SdkFloorFigures {
  /** Warm: over 4,000 requests after the first 1,300. */
  cpu_ms_per_request: number;
  requests: number;
  in_flight: number;
  /** Over the first 1,300 requests of the fresh process. */
  cold_cpu_ms_per_request: number;
  cold_requests: number;
}

export const SDK_FLOOR_SHAPE = { requests: 1_300, warmRequests: 4_000, inFlight: 16 } as const;

const CHILD = fileURLToPath(new URL('./sdkFloorChild.ts', import.meta.url));

/** Runs the measurement `runs` times in fresh processes and keeps the median (the machine may be shared). */
export function measureSdkFloor(runs = 3): SdkFloorFigures {
  const cold: number[] = [];
  const warm: number[] = [];
  const shape = SDK_FLOOR_SHAPE;
  for (let i = 0; i < runs; i++) {
    const child = spawnSync(process.execPath, [CHILD, String(shape.requests), String(shape.warmRequests), String(shape.inFlight)], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`SDK floor measurement failed: ${child.stderr}`);
    const figures = JSON.parse(child.stdout) as { cold: number; warm: number };
    cold.push(figures.cold);
    warm.push(figures.warm);
  }
  const median = (values: number[]): number => Number([...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!.toFixed(4));
  return {
    cpu_ms_per_request: median(warm),
    requests: shape.warmRequests,
    in_flight: shape.inFlight,
    cold_cpu_ms_per_request: median(cold),
    cold_requests: shape.requests,
  };
}
