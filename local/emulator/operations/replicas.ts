/** ReplicateKey and UpdatePrimaryRegion: the multi-Region part of KMS. */

import { checkFresh, markFresh } from '../consistency.ts';
import { faults } from '../errors.ts';
import { keyArn } from '../ids.ts';
import { checkKeyState, D, I, Y } from '../keyStateCells.ts';
import { addKey } from '../model.ts';
import type { KeyRecord } from '../state.ts';
import { indexNewKey } from '../tagIndex.ts';
import { optBool, optString, reqString } from '../validate.ts';
import {
  checkNewKeyTagCount,
  keyFromInput,
  keyMetadata,
  type OperationHandler,
  type Operations,
  parseTags,
  requireCustomerManaged,
  tagList,
} from './common.ts';
import { MAX_DESCRIPTION, policyFromInput } from './keys.ts';

/** KMS's pattern for a Region name in ReplicateKey / UpdatePrimaryRegion. */
export const REGION_MEMBER_PATTERN = /^([a-z]+-){2,3}\d+$/;

function requirePrimary(key: KeyRecord): void {
  if (!key.shared.multiRegion) throw faults.unsupported(`${key.arn} is not a multi-Region key.`);
  if (key.region !== key.shared.primaryRegion) throw faults.unsupported(`${key.arn} is not a multi-Region primary key.`);
}

const replicateKey: OperationHandler = (ctx) => {
  const { state, input } = ctx;
  const primary = keyFromInput(ctx, false);
  const replicaRegion = reqString(input, 'ReplicaRegion', { max: 32, pattern: REGION_MEMBER_PATTERN });
  requirePrimary(primary);
  requireCustomerManaged(ctx, primary, 'ReplicateKey');
  checkKeyState(ctx, primary);
  if (state.partition(replicaRegion) !== state.partition(ctx.region)) throw faults.validation(`${replicaRegion} is not in the partition of ${ctx.region}.`);
  if (!state.isEnabled(replicaRegion)) throw faults.validation(`${replicaRegion} is not an enabled Region of account ${state.accountId}.`);
  if (state.findKey(replicaRegion, primary.shared.keyId)) {
    throw faults.alreadyExists(`Replica key ${keyArn(state.partition(replicaRegion), replicaRegion, state.accountId, primary.shared.keyId)} already exists.`);
  }
  const description = optString(input, 'Description', { max: MAX_DESCRIPTION }) ?? '';
  const tags = parseTags(input, 'Tags');
  checkNewKeyTagCount(tags);
  const policy = policyFromInput({ ...ctx, region: replicaRegion }, 'Policy', optBool(input, 'BypassPolicyLockoutSafetyCheck') ?? false);
  const replica = addKey(state, { region: replicaRegion, shared: primary.shared, description, policy, tags, creatingMs: state.config.replicaCreatingMs });
  // "AWS KMS does not copy or synchronize the key material from a primary key with imported key
  // material to its replica keys": the replica awaits its own import (Creating is not modelled for it).
  if (primary.shared.origin === 'EXTERNAL') {
    replica.state = 'PendingImport';
    replica.creatingUntil = null;
  }
  markFresh(state, replica);
  indexNewKey(state, replica);
  return { ReplicaKeyMetadata: keyMetadata(state, replica), ReplicaPolicy: policy, ReplicaTags: tagList(tags) };
};

/**
 * The replica in `PrimaryRegion` becomes the primary and the old primary a replica. "Both the
 * primary key and the replica key must be in the Enabled key state when the operation starts"
 * (Developer Guide, "Change the primary key in a set of multi-Region keys"): a Disabled one answers
 * DisabledException. KMS then passes both keys through the transient `Updating` state; the emulator
 * does so for `updatingMs` (field realism) and otherwise switches at once.
 */
const updatePrimaryRegion: OperationHandler = (ctx) => {
  const { state, input } = ctx;
  const primary = keyFromInput(ctx, false);
  const target = reqString(input, 'PrimaryRegion', { max: 32, pattern: REGION_MEMBER_PATTERN });
  requirePrimary(primary);
  requireCustomerManaged(ctx, primary, 'UpdatePrimaryRegion');
  checkKeyState(ctx, primary);
  if (target === primary.region) throw faults.validation(`${primary.arn} is already the primary key in ${target}.`);
  const replica = state.findKey(target, primary.shared.keyId);
  if (!replica) throw faults.keyNotFound(keyArn(state.partition(target), target, state.accountId, primary.shared.keyId));
  checkFresh(state, replica);
  checkKeyState(ctx, replica);
  primary.shared.primaryRegion = target;
  if (state.config.updatingMs > 0) {
    const until = state.now() + state.config.updatingMs;
    for (const key of [primary, replica]) {
      key.state = 'Updating';
      key.updatingUntil = until;
    }
  }
  return undefined;
};

export const replicaOperations = {
  // keyStates (key-state table): Enabled, Disabled, PendingDeletion, PendingReplicaDeletion, PendingImport, Unavailable, Creating, Updating
  ReplicateKey: { handler: replicateKey, quota: 5, keyStates: [Y, D, I, I, I, I, I, I] },
  UpdatePrimaryRegion: { handler: updatePrimaryRegion, quota: 5, keyStates: [Y, D, I, I, I, I, I, Y] },
} satisfies Operations;
