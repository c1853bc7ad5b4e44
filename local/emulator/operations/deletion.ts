/**
 * ScheduleKeyDeletion and CancelKeyDeletion. The waiting period only elapses when the control API
 * advances the clock (`POST /__emulator/advance-time`), see `model.advanceTime`.
 */

import { checkKeyState, I, Y } from '../keyStateCells.ts';
import { DAY_MS } from '../model.ts';
import { optInt } from '../validate.ts';
import { keyFromInput, type OperationHandler, type Operations, requireCustomerManaged } from './common.ts';

/**
 * A multi-Region primary that still has replicas goes to PendingReplicaDeletion without a
 * DeletionDate: its own waiting period starts when the last replica is deleted.
 */
const scheduleKeyDeletion: OperationHandler = (ctx) => {
  const window = optInt(ctx.input, 'PendingWindowInDays', 7, 30) ?? 30;
  const key = keyFromInput(ctx, false);
  requireCustomerManaged(ctx, key, 'ScheduleKeyDeletion');
  checkKeyState(ctx, key);
  const isPrimaryWithReplicas = key.shared.multiRegion && key.region === key.shared.primaryRegion && ctx.state.relatedKeys(key.shared).length > 1;
  key.pendingWindowInDays = window;
  if (isPrimaryWithReplicas) {
    key.state = 'PendingReplicaDeletion';
    key.deletionDate = null;
    return { KeyId: key.arn, KeyState: key.state, PendingWindowInDays: window };
  }
  key.state = 'PendingDeletion';
  key.deletionDate = ctx.state.now() + window * DAY_MS;
  return { KeyId: key.arn, DeletionDate: key.deletionDate / 1000, KeyState: key.state, PendingWindowInDays: window };
};

const cancelKeyDeletion: OperationHandler = (ctx) => {
  const key = keyFromInput(ctx, false);
  requireCustomerManaged(ctx, key, 'CancelKeyDeletion');
  checkKeyState(ctx, key);
  key.state = 'Disabled';
  key.deletionDate = null;
  key.pendingWindowInDays = null;
  return { KeyId: key.arn };
};

export const deletionOperations = {
  // keyStates (key-state table): Enabled, Disabled, PendingDeletion, PendingReplicaDeletion, PendingImport, Unavailable, Creating, Updating
  ScheduleKeyDeletion: { handler: scheduleKeyDeletion, quota: 15, keyStates: [Y, Y, I, I, Y, Y, Y, I] },
  CancelKeyDeletion: { handler: cancelKeyDeletion, quota: 5, keyStates: [I, I, Y, Y, I, I, I, I] },
} satisfies Operations;
