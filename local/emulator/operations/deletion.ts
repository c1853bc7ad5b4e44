/**
 * ScheduleKeyDeletion and CancelKeyDeletion. The waiting period only elapses when the control API
 * advances the clock (`POST /__emulator/advance-time`), see `model.advanceTime`.
 */

import { checkKeyState } from '../keyStates.ts';
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
  checkKeyState('ScheduleKeyDeletion', key);
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
  checkKeyState('CancelKeyDeletion', key);
  key.state = 'Disabled';
  key.deletionDate = null;
  key.pendingWindowInDays = null;
  return { KeyId: key.arn };
};

export const deletionOperations = {
  ScheduleKeyDeletion: { handler: scheduleKeyDeletion, quota: 15 },
  CancelKeyDeletion: { handler: cancelKeyDeletion, quota: 5 },
} satisfies Operations;
