/** GetKeyPolicy and PutKeyPolicy. A key has one policy, named `default`. */

import { faults } from '../errors.ts';
import { checkKeyState, Y } from '../keyStateCells.ts';
import { optBool, optString } from '../validate.ts';
import { keyFromInput, type OpContext, type OperationHandler, type Operations, requireCustomerManaged } from './common.ts';
import { policyFromInput } from './keys.ts';

function policyName(ctx: OpContext): string {
  const name = optString(ctx.input, 'PolicyName', { min: 1, max: 128, pattern: /^[\w]+$/ }) ?? 'default';
  if (name !== 'default') throw faults.notFound(`No such policy exists: ${name}. The only valid policy name is "default".`);
  return name;
}

const getKeyPolicy: OperationHandler = (ctx) => {
  const key = keyFromInput(ctx, false);
  checkKeyState(ctx, key);
  return { Policy: key.policy, PolicyName: policyName(ctx) };
};

const putKeyPolicy: OperationHandler = (ctx) => {
  const key = keyFromInput(ctx, false);
  policyName(ctx);
  if (ctx.input.Policy === undefined || ctx.input.Policy === null) {
    throw faults.validation("1 validation error detected: Value null at 'policy' failed to satisfy constraint: Member must not be null");
  }
  requireCustomerManaged(ctx, key, 'PutKeyPolicy');
  checkKeyState(ctx, key);
  key.policy = policyFromInput(ctx, 'Policy', optBool(ctx.input, 'BypassPolicyLockoutSafetyCheck') ?? false);
  return undefined;
};

export const keyPolicyOperations = {
  // keyStates (key-state table): Enabled, Disabled, PendingDeletion, PendingReplicaDeletion, PendingImport, Unavailable, Creating, Updating
  GetKeyPolicy: { handler: getKeyPolicy, quota: 1000, keyStates: [Y, Y, Y, Y, Y, Y, Y, Y] },
  PutKeyPolicy: { handler: putKeyPolicy, quota: 15, keyStates: [Y, Y, Y, Y, Y, Y, Y, Y] },
} satisfies Operations;
