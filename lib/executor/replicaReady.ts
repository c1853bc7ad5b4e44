/**
 * A new replica is `Creating` for a few seconds and refuses most operations meanwhile (docs/behaviour.md §9):
 * poll DescribeKey in the replica Region until it has left `Creating` before its dependents start.
 */
import { KmsError } from '../errors.ts';
import { DEFAULT_PRIORITY } from '../retry/pacer.ts';
import { REPLICA_POLL } from '../retry/policy.ts';
import { poll } from '../retry/poll.ts';
import type { ExecutionContext } from './context.ts';
import { kmsCall } from './kmsCall.ts';

/**
 * Ready = Enabled, Disabled (a replica of a disabled primary) or PendingImport (of an EXTERNAL key);
 * anything else but Creating fails.
 * Polls are paced at the replication's `priority`.
 */
export async function waitForReplica(ctx: ExecutionContext, replicaRegion: string, keyId: string, priority: number = DEFAULT_PRIORITY): Promise<void> {
  const look = async (): Promise<string> => {
    // Just created: the replica Region may not know it yet (settling, like every key this request made).
    const pace = () => ctx.pacer.acquire(replicaRegion, 'DescribeKey', 1, priority);
    const { state } = await kmsCall(ctx, { pace, idempotent: true, settling: 'made', denied: { region: replicaRegion, operation: 'DescribeKey' } }, () =>
      ctx.kms(replicaRegion).describeKey(keyId),
    );
    if (state !== 'Creating' && !READY.has(state)) {
      throw new KmsError('KMSInvalidStateException', `replica ${keyId} in ${replicaRegion} is ${state}, expected Enabled`, {
        context: { region: replicaRegion },
      });
    }
    return state;
  };
  const result = await poll(look, (state) => READY.has(state), {
    delay: (n) => (n === 0 ? REPLICA_POLL.firstMs : REPLICA_POLL.intervalMs),
    clock: ctx.clock,
    deadline: ctx.deadline,
    maxWaitMs: ctx.timings.replicaReadyMs,
  });
  if (!result.settled) {
    throw new KmsError('ReplicaNotReady', `replica ${keyId} in ${replicaRegion} is still ${result.value} after ${Math.round(result.waitedMs / 1000)} s`, {
      context: { region: replicaRegion },
      retryable: true,
    });
  }
}

/**
 * States a replica may be used in: Enabled, or Disabled (a replica of a disabled primary), or
 * PendingImport (a replica of an `Origin: EXTERNAL` key: KMS does not copy imported material, the
 * replica awaits its own ImportKeyMaterial).
 */
const READY = new Set(['Enabled', 'Disabled', 'PendingImport']);
