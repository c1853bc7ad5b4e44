/** Counts of planned and finished actions per Region and kind, for the structured log. */
import type { ActionOutcome, ExecutionResult } from '../types.ts';

/** Per Region → kind → count. */
export function countByRegionAndKind(items: { region: string; kind: string }[]): Record<string, Record<string, number>> {
  const counts: Record<string, Record<string, number>> = {};
  for (const { region, kind } of items) {
    counts[region] ??= {};
    counts[region][kind] = (counts[region][kind] ?? 0) + 1;
  }
  return counts;
}

/** The `executed` log entry's fields: per status, Region and kind, and the execution's counters. */
export function executionCounts(result: ExecutionResult): Record<string, unknown> {
  const withStatus = (status: ActionOutcome['status']) => countByRegionAndKind(result.outcomes.filter((o) => o.status === status));
  return {
    done: withStatus('done'),
    failed: withStatus('failed'),
    notStarted: withStatus('skipped'),
    retries: result.retries,
    deadlineReached: result.deadlineReached,
  };
}
