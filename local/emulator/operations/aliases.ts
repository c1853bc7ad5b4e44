/** CreateAlias, UpdateAlias, DeleteAlias, ListAliases. Aliases are per Region. */

import { beforeAliasWrite, listedAliases } from '../consistency.ts';
import { faults } from '../errors.ts';
import { aliasArn } from '../ids.ts';
import { keyTypeOf } from '../keySpecs.ts';
import { checkKeyState, I, Y } from '../keyStateCells.ts';
import { MAX_ALIASES_PER_KEY } from '../kmsFacts.ts';
import type { AliasRecord, KeyRecord } from '../state.ts';
import { optInt, optString, reqString } from '../validate.ts';
import {
  compareStrings,
  decodeMarker,
  keyFromInput,
  type OpContext,
  type OperationHandler,
  type Operations,
  page,
  requireCustomerManaged,
  resolveKey,
} from './common.ts';

const ALIAS_PATTERN = /^[a-zA-Z0-9:/_-]+$/;
const RESERVED_PREFIX = 'alias/aws/';

/** The AliasName member, checked like KMS: model pattern, `alias/` prefix, reserved `alias/aws/`. */
function aliasNameFromInput(ctx: OpContext): string {
  const name = reqString(ctx.input, 'AliasName', { max: 256, pattern: ALIAS_PATTERN });
  if (!name.startsWith('alias/') || name.length === 'alias/'.length)
    throw faults.invalidAliasName(`Alias must start with the prefix "alias/" followed by a name: ${name}`);
  if (name.startsWith(RESERVED_PREFIX))
    throw faults.invalidAliasName(`Alias names beginning with "${RESERVED_PREFIX}" are reserved for AWS managed keys: ${name}`);
  return name;
}

function arnOf(ctx: OpContext, name: string): string {
  return aliasArn(ctx.state.partition(ctx.region), ctx.region, ctx.state.accountId, name);
}

/** The key an alias may point at: customer managed, Enabled, Disabled or PendingImport (key-state table). */
function aliasTarget(ctx: OpContext): KeyRecord {
  const key = keyFromInput(ctx, false, 'TargetKeyId');
  requireCustomerManaged(ctx, key, ctx.operation);
  checkKeyState(ctx, key);
  return key;
}

/** The quota of aliases per key, in the Region of the request (aliases are per Region). */
function requireAliasRoom(ctx: OpContext, key: KeyRecord): void {
  let count = 0;
  for (const alias of ctx.state.aliasesIn(ctx.region).values()) if (alias.targetKeyId === key.shared.keyId) count++;
  if (count >= MAX_ALIASES_PER_KEY) throw faults.limitExceeded(`The KMS key ${key.arn} already has ${count} aliases; the limit is ${MAX_ALIASES_PER_KEY}.`);
}

const createAlias: OperationHandler = (ctx) => {
  const name = aliasNameFromInput(ctx);
  const key = aliasTarget(ctx);
  const aliases = ctx.state.aliasesIn(ctx.region);
  if (aliases.has(name)) throw faults.alreadyExists(`An alias with the name ${arnOf(ctx, name)} already exists`);
  requireAliasRoom(ctx, key);
  const now = ctx.state.now();
  beforeAliasWrite(ctx.state, ctx.region, name);
  aliases.set(name, { aliasName: name, region: ctx.region, targetKeyId: key.shared.keyId, creationDate: now, lastUpdatedDate: now });
  return undefined;
};

/**
 * Points an alias at another key. KMS allows it only between keys of the same key type (symmetric,
 * asymmetric, HMAC) and the same key usage; otherwise the alias must be deleted and recreated.
 */
const updateAlias: OperationHandler = (ctx) => {
  const name = aliasNameFromInput(ctx);
  const alias = ctx.state.aliasesIn(ctx.region).get(name);
  if (!alias) throw faults.notFound(`Alias ${arnOf(ctx, name)} is not found.`);
  const key = aliasTarget(ctx);
  const current = ctx.state.findKey(ctx.region, alias.targetKeyId);
  if (current && (keyTypeOf(current.shared.spec) !== keyTypeOf(key.shared.spec) || current.shared.usage !== key.shared.usage)) {
    throw faults.validation(
      `${name} cannot be updated: the new target key ${key.arn} (${key.shared.spec}, ${key.shared.usage}) must have the same key type and key usage as the current target key ${current.arn} (${current.shared.spec}, ${current.shared.usage}).`,
    );
  }
  if (alias.targetKeyId !== key.shared.keyId) requireAliasRoom(ctx, key);
  beforeAliasWrite(ctx.state, ctx.region, name);
  alias.targetKeyId = key.shared.keyId;
  alias.lastUpdatedDate = ctx.state.now();
  return undefined;
};

const deleteAlias: OperationHandler = (ctx) => {
  const name = aliasNameFromInput(ctx);
  const aliases = ctx.state.aliasesIn(ctx.region);
  if (!aliases.has(name)) throw faults.notFound(`Alias ${arnOf(ctx, name)} is not found.`);
  beforeAliasWrite(ctx.state, ctx.region, name);
  aliases.delete(name);
  return undefined;
};

function aliasEntry(ctx: OpContext, alias: AliasRecord): Record<string, unknown> {
  return {
    AliasName: alias.aliasName,
    AliasArn: arnOf(ctx, alias.aliasName),
    TargetKeyId: alias.targetKeyId,
    CreationDate: alias.creationDate / 1000,
    LastUpdatedDate: alias.lastUpdatedDate / 1000,
  };
}

const listAliases: OperationHandler = (ctx) => {
  const keyIdInput = optString(ctx.input, 'KeyId', { min: 1, max: 2048 });
  const limit = optInt(ctx.input, 'Limit', 1, 100) ?? 50;
  const marker = decodeMarker(optString(ctx.input, 'Marker', { min: 1, max: 1024 }));
  const keyId = keyIdInput === undefined ? undefined : resolveKey(ctx, keyIdInput, false).shared.keyId;
  const aliases = listedAliases(ctx.state, ctx.region)
    .filter((a) => keyId === undefined || a.targetKeyId === keyId)
    .sort((a, b) => compareStrings(a.aliasName, b.aliasName));
  const result = page(aliases, (a) => a.aliasName, limit, marker);
  return {
    Aliases: result.items.map((a) => aliasEntry(ctx, a)),
    Truncated: result.truncated,
    ...(result.nextMarker === undefined ? {} : { NextMarker: result.nextMarker }),
  };
};

export const aliasOperations = {
  // keyStates (key-state table): Enabled, Disabled, PendingDeletion, PendingReplicaDeletion, PendingImport, Unavailable, Creating, Updating
  // CreateAlias and UpdateAlias: the target key's row ([10]: an UpdateAlias whose source key is pending deletion succeeds).
  CreateAlias: { handler: createAlias, quota: 5, keyStates: [Y, Y, I, I, Y, Y, Y, Y] },
  UpdateAlias: { handler: updateAlias, quota: 5, keyStates: [Y, Y, I, I, Y, Y, Y, Y] },
  DeleteAlias: { handler: deleteAlias, quota: 15, keyStates: [Y, Y, Y, Y, Y, Y, Y, Y] },
  ListAliases: { handler: listAliases, quota: 500, keyStates: [Y, Y, Y, Y, Y, Y, Y, Y] },
} satisfies Operations;
