/**
 * What a request has done so far, per Region and action kind, so that every answer — a failure, or
 * one forced by the deadline — can say what was done (docs/behaviour.md §8).
 */
import { byKey } from '../text/order.ts';
import type { ActionOutcome } from '../types.ts';

type Status = ActionOutcome['status'];

/**
 * `done` accumulates over reconcile passes; `failed` and `skipped` describe the latest pass only (a
 * later pass may redo them).
 */
export class RequestProgress {
  /** What the request is doing now, for the timeout answer (`reading the actual state (pass 1)`). */
  phase = 'starting';
  /** region → status → kind → count; `done` kept across passes, the rest reset by `startPass`. */
  readonly #counts = new Map<string, Map<Status, Map<string, number>>>();

  startPass(phase: string): void {
    this.phase = phase;
    for (const byStatus of this.#counts.values()) {
      byStatus.delete('failed');
      byStatus.delete('skipped');
    }
  }

  /** Counts one finished action. */
  record(outcome: Pick<ActionOutcome, 'region' | 'kind' | 'status'>): void {
    let byStatus = this.#counts.get(outcome.region);
    if (byStatus === undefined) {
      byStatus = new Map();
      this.#counts.set(outcome.region, byStatus);
    }
    let byKind = byStatus.get(outcome.status);
    if (byKind === undefined) {
      byKind = new Map();
      byStatus.set(outcome.status, byKind);
    }
    byKind.set(outcome.kind, (byKind.get(outcome.kind) ?? 0) + 1);
  }

  /** `eu-west-1: failed CreateAlias 1 | us-east-1: done CreateAlias 1, CreateKey 1`, or `nothing`. */
  summary(): string {
    const labels: [Status, string][] = [
      ['done', 'done'],
      ['failed', 'failed'],
      ['skipped', 'not started'],
    ];
    const regions = [...this.#counts.entries()]
      .map(([region, byStatus]) => {
        const parts = labels.flatMap(([status, label]) => {
          const byKind = byStatus.get(status);
          return byKind === undefined || byKind.size === 0 ? [] : [`${label} ${countsText(byKind)}`];
        });
        return parts.length === 0 ? '' : `${region}: ${parts.join('; ')}`;
      })
      .filter((text) => text !== '')
      .sort();
    return regions.length === 0 ? 'nothing' : regions.join(' | ');
  }
}

function countsText(counts: Map<string, number>): string {
  return [...counts.entries()]
    .sort(byKey)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
}
