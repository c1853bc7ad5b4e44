/**
 * The SDK replay of the scale scenario: each of its phases (Create, Update, Delete: one function
 * process each) replayed in its own fresh processes, like the function's invocations; the scenario's
 * totals weigh each phase's CPU per request by its requests, as its own `cpu_ms_per_request` does.
 * bench/scale.ts resets and snapshots the recorder itself, so the phases' requests come from the
 * recorder's sessions (`Recorder.sessions()`), one per phase, in order.
 */
import type { RecordedExchange } from './recorder.ts';
import type { ScaleFigures, ScalePhaseFigures } from './scale.ts';
import { measureSdkReplay, type ReplayFields, type ReplayLatency, type SdkReplayFigures, withReplay } from './sdkReplay.ts';

const PHASES = ['create', 'update', 'delete'] as const;

/** The scale block of results.json, with the replay's fields on the totals and on each phase. */
export type ScaleResults = ScaleFigures &
  Partial<ReplayFields> & {
    create: ScalePhaseFigures & Partial<ReplayFields>;
    update: ScalePhaseFigures & Partial<ReplayFields>;
    delete: ScalePhaseFigures & Partial<ReplayFields>;
  };

const round = (n: number, digits: number): number => Number(n.toFixed(digits));

/** `scale` with each phase's replay of `sessions` (the recorder's, one per phase) and the weighted totals. */
export async function replayScale(scale: ScaleFigures, sessions: RecordedExchange[][], latency: ReplayLatency, runs: number): Promise<ScaleResults> {
  if (sessions.length !== PHASES.length) {
    throw new Error(`scale replay: expected the recorder's sessions of Create, Update and Delete, got ${sessions.length}`);
  }
  const replays: SdkReplayFigures[] = [];
  for (const session of sessions) replays.push(await measureSdkReplay(session, latency, runs));
  const requests = replays.reduce((n, r) => n + r.requests, 0);
  const weighted = (pick: (r: SdkReplayFigures) => number): number => replays.reduce((sum, r) => sum + pick(r) * r.requests, 0) / requests;
  const total: SdkReplayFigures = {
    cpu_ms_per_request: round(
      weighted((r) => r.cpu_ms_per_request),
      4,
    ),
    requests,
    runs,
    run_cpu_ms_per_request: Array.from({ length: runs }, (_, i) =>
      round(
        weighted((r) => r.run_cpu_ms_per_request[i]!),
        4,
      ),
    ),
  };
  return {
    ...withReplay(scale, total),
    create: withReplay(scale.create, replays[0]),
    update: withReplay(scale.update, replays[1]),
    delete: withReplay(scale.delete, replays[2]),
  };
}
