/**
 * Where the time of a run went, from the recorder's trace: per operation, when its first request
 * arrived and its last answer left (relative to the run's first request), how many were throttled;
 * and the handler's time before its first and after its last KMS request.
 */
import type { TracedRequest } from './recorder.ts';

export interface OperationSpan {
  operation: string;
  requests: number;
  throttled: number;
  first_start_s: number;
  last_end_s: number;
}

export interface Timeline {
  /** From the first request's arrival to the last answer. */
  kms_span_s: number;
  /** Handler duration not spent between the first request and the last answer (setup, response PUT). */
  outside_kms_s: number;
  operations: OperationSpan[];
  /** The Region whose last answer came last, and when. */
  last_region: string;
}

const round = (n: number): number => Number(n.toFixed(3));

/** Summarises `trace` of a handler run lasting `handlerSeconds`. */
export function timelineOf(trace: readonly TracedRequest[], handlerSeconds: number): Timeline {
  if (trace.length === 0) return { kms_span_s: 0, outside_kms_s: round(handlerSeconds), operations: [], last_region: '' };
  const origin = Math.min(...trace.map((t) => t.startMs));
  const spans = new Map<string, OperationSpan>();
  let last = trace[0]!;
  for (const t of trace) {
    if (t.endMs > last.endMs) last = t;
    const span = spans.get(t.operation) ?? { operation: t.operation, requests: 0, throttled: 0, first_start_s: Number.POSITIVE_INFINITY, last_end_s: 0 };
    span.requests += 1;
    if (t.end === 'throttled') span.throttled += 1;
    span.first_start_s = Math.min(span.first_start_s, (t.startMs - origin) / 1000);
    span.last_end_s = Math.max(span.last_end_s, (t.endMs - origin) / 1000);
    spans.set(t.operation, span);
  }
  const operations = [...spans.values()]
    .map((s) => ({ ...s, first_start_s: round(s.first_start_s), last_end_s: round(s.last_end_s) }))
    .sort((a, b) => a.first_start_s - b.first_start_s);
  const kmsSpan = (last.endMs - origin) / 1000;
  return { kms_span_s: round(kmsSpan), outside_kms_s: round(handlerSeconds - kmsSpan), operations, last_region: last.region };
}
