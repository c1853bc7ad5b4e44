/** CreateKey, DescribeKey, ListKeys, EnableKey, DisableKey, UpdateKeyDescription. */

import { isListed, markFresh } from '../consistency.ts';
import { faults } from '../errors.ts';
import { ALLOWED_USAGES } from '../keySpecs.ts';
import { checkKeyState, I, Y } from '../keyStateCells.ts';
import { KEY_SPECS, KEY_USAGES, type KeySpec } from '../kmsFacts.ts';
import { addKey, defaultKeyPolicy, newSharedKey } from '../model.ts';
import { checkKeyPolicy } from '../policy.ts';
import { indexNewKey } from '../tagIndex.ts';
import { optBool, optEnum, optInt, optString } from '../validate.ts';
import {
  checkNewKeyTagCount,
  compareStrings,
  decodeMarker,
  keyFromInput,
  keyMetadata,
  type OpContext,
  type OperationHandler,
  type Operations,
  page,
  parseTags,
  requireCustomerManaged,
} from './common.ts';
import { keyStoreFor } from './customKeyStores.ts';

export const MAX_DESCRIPTION = 8192;
export const MAX_POLICY_CHARS = 131072;

/** Validates a Policy member against the principals/lockout rules; absent → the default policy. */
export function policyFromInput(ctx: OpContext, field: string, bypass: boolean): string {
  const policy = optString(ctx.input, field, { min: 1, max: MAX_POLICY_CHARS });
  if (policy === undefined) return defaultKeyPolicy(ctx.state.partition(ctx.region), ctx.state.accountId);
  checkKeyPolicy(policy, {
    callerArn: ctx.state.config.callerArn,
    isKnownPrincipal: (p) => ctx.state.isKnownPrincipal(p),
    bypassLockoutSafetyCheck: bypass,
  });
  return policy;
}

const createKey: OperationHandler = (ctx) => {
  const { input } = ctx;
  const keySpec = optEnum(input, 'KeySpec', KEY_SPECS);
  const legacySpec = optEnum(input, 'CustomerMasterKeySpec', KEY_SPECS);
  if (keySpec !== undefined && legacySpec !== undefined) throw faults.validation('You cannot specify KeySpec and CustomerMasterKeySpec in the same request.');
  const spec: KeySpec = keySpec ?? legacySpec ?? 'SYMMETRIC_DEFAULT';
  const usage = optEnum(input, 'KeyUsage', KEY_USAGES) ?? 'ENCRYPT_DECRYPT';
  if (!ALLOWED_USAGES[spec].includes(usage)) throw faults.validation(`KeyUsage ${usage} is not compatible with KeySpec ${spec}.`);
  const origin = optEnum(input, 'Origin', ['AWS_KMS', 'EXTERNAL', 'AWS_CLOUDHSM', 'EXTERNAL_KEY_STORE'] as const) ?? 'AWS_KMS';

  // Imported material: symmetric, HMAC, RSA, ECC and SM2 (KMS Developer Guide, "Requirements for imported key material").
  if (origin === 'EXTERNAL' && spec.startsWith('ML_DSA_')) throw faults.unsupported(`KeySpec ${spec} does not support Origin EXTERNAL.`);
  const description = optString(input, 'Description', { max: MAX_DESCRIPTION }) ?? '';
  const multiRegion = optBool(input, 'MultiRegion') ?? false;
  const tags = parseTags(input, 'Tags');
  checkNewKeyTagCount(tags);
  const policy = policyFromInput(ctx, 'Policy', optBool(input, 'BypassPolicyLockoutSafetyCheck') ?? false);
  const store = keyStoreFor(ctx, origin, spec, multiRegion);
  const shared = newSharedKey(spec, usage, multiRegion, ctx.region);
  if (store !== undefined) {
    shared.origin = origin;
    shared.customKeyStoreId = store.id;
    if (store.xksKeyId !== undefined) shared.xksKeyId = store.xksKeyId;
  }
  if (origin === 'EXTERNAL') {
    // "Keys with imported key material are created in the PendingImport state" (Key states of AWS KMS keys).
    shared.origin = 'EXTERNAL';
    shared.material = null;
  }
  const key = addKey(ctx.state, { region: ctx.region, shared, description, policy, tags });
  if (origin === 'EXTERNAL') key.state = 'PendingImport';
  markFresh(ctx.state, key);
  indexNewKey(ctx.state, key);
  return { KeyMetadata: keyMetadata(ctx.state, key) };
};

const describeKey: OperationHandler = (ctx) => {
  const key = keyFromInput(ctx, true);
  checkKeyState(ctx, key);
  return { KeyMetadata: keyMetadata(ctx.state, key) };
};

const listKeys: OperationHandler = (ctx) => {
  const limit = optInt(ctx.input, 'Limit', 1, 1000) ?? 100;
  const marker = decodeMarker(optString(ctx.input, 'Marker', { min: 1, max: 1024 }));
  const keys = [...ctx.state.keysIn(ctx.region).values()].filter((k) => isListed(ctx.state, k)).sort((a, b) => compareStrings(a.shared.keyId, b.shared.keyId));
  const result = page(keys, (k) => k.shared.keyId, limit, marker);
  return {
    Keys: result.items.map((k) => ({ KeyId: k.shared.keyId, KeyArn: k.arn })),
    Truncated: result.truncated,
    ...(result.nextMarker === undefined ? {} : { NextMarker: result.nextMarker }),
  };
};

const enableKey: OperationHandler = (ctx) => {
  const key = keyFromInput(ctx, false);
  requireCustomerManaged(ctx, key, 'EnableKey');
  checkKeyState(ctx, key);
  key.state = 'Enabled';
  return undefined;
};

const disableKey: OperationHandler = (ctx) => {
  const key = keyFromInput(ctx, false);
  requireCustomerManaged(ctx, key, 'DisableKey');
  checkKeyState(ctx, key);
  key.state = 'Disabled';
  return undefined;
};

const updateKeyDescription: OperationHandler = (ctx) => {
  const key = keyFromInput(ctx, false);
  const description = optString(ctx.input, 'Description', { max: MAX_DESCRIPTION });
  if (description === undefined)
    throw faults.validation("1 validation error detected: Value null at 'description' failed to satisfy constraint: Member must not be null");
  requireCustomerManaged(ctx, key, 'UpdateKeyDescription');
  checkKeyState(ctx, key);
  key.description = description;
  return undefined;
};

export const keyOperations = {
  // keyStates (key-state table): Enabled, Disabled, PendingDeletion, PendingReplicaDeletion, PendingImport, Unavailable, Creating, Updating
  CreateKey: { handler: createKey, quota: 5 },
  DescribeKey: { handler: describeKey, quota: 2000, keyStates: [Y, Y, Y, Y, Y, Y, Y, Y] },
  ListKeys: { handler: listKeys, quota: 500 },
  EnableKey: { handler: enableKey, quota: 5, keyStates: [Y, Y, I, I, I, Y, I, I] },
  DisableKey: { handler: disableKey, quota: 5, keyStates: [Y, Y, I, I, I, Y, I, I] },
  UpdateKeyDescription: { handler: updateKeyDescription, quota: 5, keyStates: [Y, Y, I, I, Y, Y, Y, Y] },
} satisfies Operations;
