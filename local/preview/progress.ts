/**
 * Progress of a long request: every ~2 s, the KMS requests made so far per Region (from the
 * emulator's counters), with throttled requests counted apart, so a run of hundreds of keys is not
 * half a minute of silence. Nothing is printed for a request that ends within the first interval.
 */
import type { EmulatorCounts } from '../emulator/client.ts';

/** At most one progress line per this many ms. */
export const PROGRESS_INTERVAL_MS = 2_000;

/** Requests per Region since `baseline`, and throttled ones. */
export function requestsSince(baseline: EmulatorCounts, now: EmulatorCounts): { byRegion: Record<string, number>; total: number; throttled: number } {
  const byRegion: Record<string, number> = {};
  let total = 0;
  for (const [region, operations] of Object.entries(now.byRegionOperation)) {
    const before = baseline.byRegionOperation[region] ?? {};
    const n = Object.entries(operations).reduce((sum, [op, count]) => sum + count - (before[op] ?? 0), 0);
    if (n > 0) byRegion[region] = n;
    total += n;
  }
  return { byRegion, total, throttled: now.throttled - baseline.throttled };
}

/** `   … Create, 4 s: 812 KMS requests (eu-west-1 90, us-east-1 120; 34 of them throttled and retried)`. */
export function progressLine(step: string, elapsedMs: number, baseline: EmulatorCounts, now: EmulatorCounts): string {
  const { byRegion, total, throttled } = requestsSince(baseline, now);
  const regions = Object.entries(byRegion)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([region, n]) => `${region} ${n}`)
    .join(', ');
  const throttling = throttled > 0 ? `; ${throttled} of them throttled and retried` : '';
  return `   … ${step}, ${Math.round(elapsedMs / 1000)} s: ${total} KMS requests${regions ? ` (${regions}${throttling})` : ''}`;
}

export interface ProgressOptions {
  /** The request under way (`Create`). */
  step: string;
  counts: () => Promise<EmulatorCounts>;
  print: (line: string) => void;
  intervalMs?: number;
  now?: () => number;
}

/** Starts printing progress lines; `stop()` ends it (and waits for a poll under way). */
export async function startProgress(options: ProgressOptions): Promise<{ stop(): Promise<void> }> {
  const now = options.now ?? Date.now;
  const started = now();
  const baseline = await options.counts();
  let last = '';
  let polling: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    polling = polling.then(async () => {
      try {
        const line = progressLine(options.step, now() - started, baseline, await options.counts());
        const counted = line.replace(/^[^:]*:/, '');
        if (counted !== last) options.print(line);
        last = counted;
      } catch {
        // The emulator stopping mid-poll is not the user's problem: the answer says what happened.
      }
    });
  }, options.intervalMs ?? PROGRESS_INTERVAL_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await polling;
    },
  };
}
