/**
 * After UpdatePrimaryRegion both keys are `Updating` for seconds to minutes. KMS's key-state table
 * refuses only EnableKey, DisableKey, ScheduleKeyDeletion, CancelKeyDeletion, ReplicateKey (and the
 * import operations) on an Updating key (KMSInvalidStateException: "is updating"; docs/behaviour.md
 * §9): those actions poll DescribeKey until their key is not `Updating`, as new replicas are awaited
 * for `Creating` (executor/replicaReady.ts); every other change goes on meanwhile.
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
        kmsCall(
          ctx,
          {
            pace: () => ctx.pacer.acquire(region, 'DescribeKey', 1, priority),
            idempotent: true,
            settling: 'made',
            denied: { region, operation: 'DescribeKey' },
          },
          () => ctx.kms(region).describeKey(keyId),
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

/** The action kinds the key-state table refuses on an `Updating` key. */
export const REFUSED_WHILE_UPDATING: ReadonlySet<string> = new Set([
  'EnableKey',
  'DisableKey',
  'ScheduleKeyDeletion',
  'CancelKeyDeletion',
  'ReplicateKey',
  // One action for GetParametersForImport and ImportKeyMaterial: the table refuses both while Updating.
  'ImportKeyMaterial',
]);

/** `${region}\n${keyId}`: one member of a key, in `ExecutionContext.updatingMembers`. */
function memberOf(region: string, keyId: string): string {
  return `${region}\n${keyId}`;
}

/** After UpdatePrimaryRegion of `keyId`: its members in `regions` are `Updating` until seen otherwise. */
export function markUpdating(ctx: ExecutionContext, keyId: string, ...regions: string[]): void {
  for (const region of regions) ctx.updatingMembers.add(memberOf(region, keyId));
}

/** Before an action of `kind` on `keyId` in `region`: waits while an UpdatePrimaryRegion of this run keeps it `Updating`. */
export async function awaitNotUpdating(ctx: ExecutionContext, kind: string, region: string, keyId: string, priority: number): Promise<void> {
  const member = memberOf(region, keyId);
  if (!REFUSED_WHILE_UPDATING.has(kind) || !ctx.updatingMembers.has(member)) return;
  await waitForPrimaryUpdate(ctx, [region], keyId, priority);
  ctx.updatingMembers.delete(member);
}
