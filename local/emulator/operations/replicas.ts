/** ReplicateKey and UpdatePrimaryRegion: the multi-Region part of KMS. */
import { faults } from '../errors.ts';
import { keyArn } from '../ids.ts';
import { addKey } from '../model.ts';
import type { KeyRecord } from '../state.ts';
import { optBool, optString, reqString } from '../validate.ts';
import { checkNewKeyTagCount, keyFromInput, keyMetadata, type OperationHandler, parseTags, requireCustomerManaged, requireState, tagList } from './common.ts';
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
  requireState(primary, ['Enabled']);
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
  return { ReplicaKeyMetadata: keyMetadata(state, replica), ReplicaPolicy: policy, ReplicaTags: tagList(tags) };
};

/**
 * The replica in `PrimaryRegion` becomes the primary and the old primary a replica. KMS passes both
 * through a short `Updating` state; the emulator switches at once (allowed: callers must tolerate
 * either).
 */
const updatePrimaryRegion: OperationHandler = (ctx) => {
  const { state, input } = ctx;
  const primary = keyFromInput(ctx, false);
  const target = reqString(input, 'PrimaryRegion', { max: 32, pattern: REGION_MEMBER_PATTERN });
  requirePrimary(primary);
  requireCustomerManaged(ctx, primary, 'UpdatePrimaryRegion');
  requireState(primary, ['Enabled', 'Disabled']);
  if (target === primary.region) throw faults.validation(`${primary.arn} is already the primary key in ${target}.`);
  const replica = state.findKey(target, primary.shared.keyId);
  if (!replica) throw faults.keyNotFound(keyArn(state.partition(target), target, state.accountId, primary.shared.keyId));
  requireState(replica, ['Enabled', 'Disabled']);
  primary.shared.primaryRegion = target;
  return undefined;
};

export const replicaOperations = {
  ReplicateKey: replicateKey,
  UpdatePrimaryRegion: updatePrimaryRegion,
};
