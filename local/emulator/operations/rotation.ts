/**
 * EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus. Rotation is a shared property of a
 * multi-Region key: set on the primary only, reported by every replica.
 */

import { faults } from '../errors.ts';
import { canRotate } from '../keySpecs.ts';
import { checkKeyState, D, I, U, Y } from '../keyStateCells.ts';
import { DAY_MS } from '../model.ts';
import type { KeyRecord } from '../state.ts';
import { optInt } from '../validate.ts';
import { keyFromInput, type OperationHandler, type Operations, requireCustomerManaged } from './common.ts';

function requireRotatable(key: KeyRecord): void {
  // "You cannot enable automatic key rotation of any KMS key with imported key material."
  if (key.shared.origin === 'EXTERNAL') throw faults.unsupported(`${key.arn} has imported key material; automatic rotation is not supported.`);
  if (!canRotate(key.shared.spec, key.shared.usage)) {
    throw faults.unsupported(
      `${key.arn} has key spec ${key.shared.spec} and key usage ${key.shared.usage}; automatic rotation is supported only for symmetric encryption keys.`,
    );
  }
}

function requireNotReplica(key: KeyRecord): void {
  if (key.shared.multiRegion && key.region !== key.shared.primaryRegion) {
    throw faults.unsupported(`${key.arn} is a multi-Region replica key; manage rotation on its primary key in ${key.shared.primaryRegion}.`);
  }
}

const enableKeyRotation: OperationHandler = (ctx) => {
  const period = optInt(ctx.input, 'RotationPeriodInDays', 90, 2560) ?? 365;
  const key = keyFromInput(ctx, false);
  requireCustomerManaged(ctx, key, 'EnableKeyRotation');
  checkKeyState(ctx, key);
  requireRotatable(key);
  requireNotReplica(key);
  key.shared.rotation = { enabled: true, periodInDays: period, enabledAt: ctx.state.now() };
  return undefined;
};

const disableKeyRotation: OperationHandler = (ctx) => {
  const key = keyFromInput(ctx, false);
  requireCustomerManaged(ctx, key, 'DisableKeyRotation');
  checkKeyState(ctx, key);
  requireRotatable(key);
  requireNotReplica(key);
  key.shared.rotation = { ...key.shared.rotation, enabled: false };
  return undefined;
};

/** While a key is pending deletion KMS reports rotation off; cancelling restores the setting. */
const getKeyRotationStatus: OperationHandler = (ctx) => {
  const key = keyFromInput(ctx, false);
  checkKeyState(ctx, key);
  requireRotatable(key);
  const { rotation } = key.shared;
  const pending = key.state === 'PendingDeletion' || key.state === 'PendingReplicaDeletion';
  if (!rotation.enabled || pending) return { KeyId: key.arn, KeyRotationEnabled: false };
  return {
    KeyId: key.arn,
    KeyRotationEnabled: true,
    RotationPeriodInDays: rotation.periodInDays,
    NextRotationDate: (rotation.enabledAt + rotation.periodInDays * DAY_MS) / 1000,
  };
};

export const rotationOperations = {
  // keyStates (key-state table): Enabled, Disabled, PendingDeletion, PendingReplicaDeletion, PendingImport, Unavailable, Creating, Updating
  EnableKeyRotation: { handler: enableKeyRotation, quota: 15, keyStates: [Y, D, I, I, U, I, I, Y] },
  DisableKeyRotation: { handler: disableKeyRotation, quota: 5, keyStates: [Y, D, I, I, U, I, I, Y] },
  GetKeyRotationStatus: { handler: getKeyRotationStatus, quota: 1000, keyStates: [Y, Y, Y, Y, U, I, Y, Y] },
} satisfies Operations;
