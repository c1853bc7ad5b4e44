/**
 * A new replica is `Creating` for a few seconds and refuses most operations meanwhile (docs/behaviour.md §9):
 * poll DescribeKey in the replica Region until it has left `Creating` before its dependents start.
 */
import { KmsError } from '../errors.ts';
import { DEFAULT_PRIORITY } from '../pacer.ts';
import { type ExecutionContext, REPLICA_POLL } from './context.ts';
import { hasCode, kmsCall } from './kmsCall.ts';

/**
 * Ready = Enabled, or Disabled (a replica of a disabled primary); anything else but Creating fails.
 * Polls are paced at the replication's `priority`.
 */
export async function waitForReplica(ctx: ExecutionContext, replicaRegion: string, keyId: string, priority: number = DEFAULT_PRIORITY): Promise<void> {
  const startedAt = ctx.now();
  let delay: number = REPLICA_POLL.firstMs;
  for (;;) {
    let state: string | null = null;
    try {
      const description = await kmsCall(ctx, { pace: () => ctx.pacer.acquire(replicaRegion, 'DescribeKey', 1, priority), idempotent: true }, () =>
        ctx.kms(replicaRegion).describeKey(keyId),
      );
      state = description.state;
    } catch (error) {
      // Just created: the replica Region may not list it yet.
      if (!hasCode(error, 'NotFoundException')) throw error;
    }
    if (state === 'Enabled' || state === 'Disabled') return;
    if (state !== null && state !== 'Creating') {
      throw new KmsError('KMSInvalidStateException', `replica ${keyId} in ${replicaRegion} is ${state}, expected Enabled`, {
        context: { region: replicaRegion },
      });
    }
    const waited = ctx.now() - startedAt;
    const outOfTime = waited + delay > ctx.replicaReadyTimeoutMs || (ctx.deadline !== undefined && ctx.now() + delay >= ctx.deadline);
    if (outOfTime) {
      throw new KmsError('ReplicaNotReady', `replica ${keyId} in ${replicaRegion} is still ${state ?? 'not visible'} after ${Math.round(waited / 1000)} s`, {
        context: { region: replicaRegion },
        retryable: true,
      });
    }
    await ctx.sleep(delay);
    delay = REPLICA_POLL.intervalMs;
  }
}
