/**
 * After UpdatePrimaryRegion both keys are `Updating` for seconds to minutes and KMS refuses most
 * operations on them (KMSInvalidStateException; docs/behaviour.md §9): poll DescribeKey in both
 * Regions until neither is `Updating` before the move's dependents start, as new replicas are
 * awaited for `Creating` (executor/replicaReady.ts).
 */
import { KmsError } from '../errors.ts';
import { DEFAULT_PRIORITY } from '../retry/pacer.ts';
import { PRIMARY_UPDATE_POLL } from '../retry/policy.ts';
import { poll } from '../retry/poll.ts';
import type { ExecutionContext } from './context.ts';
import { kmsCall } from './kmsCall.ts';

/** Waits until the key `keyId` is not `Updating` in any of `regions`; fails as retryable after `timings.primaryUpdateMs`. */
export async function waitForPrimaryUpdate(ctx: ExecutionContext, regions: string[], keyId: string, priority: number = DEFAULT_PRIORITY): Promise<void> {
  let pending = [...regions];
  const look = async (): Promise<string[]> => {
    const states = await Promise.all(
      pending.map((region) =>
        kmsCall(ctx, { pace: () => ctx.pacer.acquire(region, 'DescribeKey', 1, priority), idempotent: true, settling: 'made' }, () =>
          ctx.kms(region).describeKey(keyId),
        ).then((description) => [region, description.state] as const),
      ),
    );
    pending = states.filter(([, state]) => state === 'Updating').map(([region]) => region);
    return pending;
  };
  const result = await poll(look, (updating) => updating.length === 0, {
    delay: (n) => Math.min(PRIMARY_UPDATE_POLL.firstMs * 2 ** Math.min(n, 30), PRIMARY_UPDATE_POLL.maxIntervalMs),
    clock: ctx.clock,
    deadline: ctx.deadline,
    maxWaitMs: ctx.timings.primaryUpdateMs,
  });
  if (!result.settled) {
    throw new KmsError(
      'KeyStillUpdating',
      `key ${keyId} is still Updating in ${result.value.join(', ')} ${Math.round(result.waitedMs / 1000)} s after UpdatePrimaryRegion`,
      { context: { region: result.value[0] }, retryable: true },
    );
  }
}
