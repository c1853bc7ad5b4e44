/**
 * The SDK floor of CPU per KMS request: what `@aws-sdk/client-kms` alone costs, measured in a fresh
 * `node` process so nothing of the bench's own state is counted. Definition (docs/performance.md):
 * one `KMSClient` (the SDK's defaults except `maxAttempts: 1`, static credentials, `region`
 * us-east-1) sends `DescribeKey` to an HTTP server on loopback in the same process that answers
 * every request at once with a fixed, realistic `KeyMetadata`; 16 requests in flight; after a warm-up
 * of 500 requests, the process's CPU time (user + system, client and server together) over the next
 * 4,000 requests, divided by 4,000. The product's figure (handler CPU per request) counts only the
 * client side, so the floor is, if anything, generous to the product.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface SdkFloorFigures {
  cpu_ms_per_request: number;
  requests: number;
  in_flight: number;
  warmup_requests: number;
}

export const SDK_FLOOR_SHAPE = { requests: 4_000, inFlight: 16, warmup: 500 } as const;

const CHILD = fileURLToPath(new URL('./sdkFloorChild.ts', import.meta.url));

/** Runs the measurement `runs` times in fresh processes and keeps the median (the machine may be shared). */
export function measureSdkFloor(runs = 3): SdkFloorFigures {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const child = spawnSync(process.execPath, [CHILD, String(SDK_FLOOR_SHAPE.requests), String(SDK_FLOOR_SHAPE.inFlight), String(SDK_FLOOR_SHAPE.warmup)], {
      encoding: 'utf8',
    });
    if (child.status !== 0) throw new Error(`SDK floor measurement failed: ${child.stderr}`);
    samples.push(Number(child.stdout.trim()));
  }
  samples.sort((a, b) => a - b);
  return {
    cpu_ms_per_request: Number(samples[Math.floor(samples.length / 2)]!.toFixed(4)),
    requests: SDK_FLOOR_SHAPE.requests,
    in_flight: SDK_FLOOR_SHAPE.inFlight,
    warmup_requests: SDK_FLOOR_SHAPE.warmup,
  };
}
