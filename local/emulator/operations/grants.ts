/**
 * CreateGrant, ListGrants, RevokeGrant, RetireGrant, ListRetirableGrants. Grants are per key and
 * Region (a multi-Region key's replicas have their own) and are stored on the key record, so they
 * vanish with the key. CreateGrant with a `Name` is idempotent: the same name and parameters on the
 * same key answer the existing GrantId (with a new grant token every time, as KMS documents).
 * Written from the KMS API reference; guesses are marked.
 */

import { randomBytes } from 'node:crypto';
import { checkGrantFresh, isGrantListed, markGrantFresh } from '../consistency.ts';
import { faults, KmsFault } from '../errors.ts';
import { checkKeyState, D, I, Y } from '../keyStateCells.ts';
import { GENERIC_GRANT_OPERATIONS, GRANT_OPERATIONS, GRANT_OPERATIONS_BY_KEY_TYPE, MAX_GRANTS_PER_KEY } from '../kmsFacts.ts';
import type { GrantRecord, KeyRecord } from '../state.ts';
import { type Input, optInt, optString, reqString } from '../validate.ts';
import { decodeMarker, keyFromInput, type OpContext, type OperationHandler, type Operations, page, requireCustomerManaged } from './common.ts';

// CreateGrant's model: Name 1–256 `^[a-zA-Z0-9:/_-]+$`, principals 1–256, GrantId 1–128.
const GRANT_NAME = /^[a-zA-Z0-9:/_-]+$/;
const PRINCIPAL = /^[\w+=,.@:/-]+$/;
// Guess: KMS's exact test of a grantee ARN is undocumented; an `arn:` prefix with 6 parts is required here.
const ARN_SHAPE = /^arn:[^:]+:[^:]+:[^:]*:[^:]*:.+$/;

function keyTypeOf(key: KeyRecord): keyof typeof GRANT_OPERATIONS_BY_KEY_TYPE {
  const { spec, usage } = key.shared;
  if (usage === 'ENCRYPT_DECRYPT') return spec === 'SYMMETRIC_DEFAULT' ? 'SYMMETRIC_ENCRYPT_DECRYPT' : 'ASYMMETRIC_ENCRYPT_DECRYPT';
  return usage;
}

function principalOf(input: Input, field: string, required: boolean): string | undefined {
  const value = required ? reqString(input, field, { max: 256, pattern: PRINCIPAL }) : optString(input, field, { min: 1, max: 256, pattern: PRINCIPAL });
  if (value !== undefined && !ARN_SHAPE.test(value)) throw faults.invalidArn(value);
  return value;
}

function operationsOf(input: Input, key: KeyRecord): string[] {
  const value = input.Operations;
  if (value === undefined || value === null)
    throw faults.validation("1 validation error detected: Value null at 'operations' failed to satisfy constraint: Member must not be null");
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw faults.serialization('Expected a list of strings (Operations).');
  const operations = value as string[];
  for (const op of operations) {
    if (!(GRANT_OPERATIONS as readonly string[]).includes(op)) {
      throw faults.validation(
        `1 validation error detected: Value '[${operations.join(', ')}]' at 'operations' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [${GRANT_OPERATIONS.join(', ')}]]`,
      );
    }
  }
  const allowed = new Set<string>([...GENERIC_GRANT_OPERATIONS, ...GRANT_OPERATIONS_BY_KEY_TYPE[keyTypeOf(key)]]);
  const wrong = operations.filter((op) => !allowed.has(op));
  if (wrong.length > 0)
    throw faults.validation(`Grant operations ${wrong.join(', ')} are not valid for ${key.arn} (KeyUsage ${key.shared.usage}, KeySpec ${key.shared.spec}).`);
  return [...new Set(operations)];
}

function constraintsOf(input: Input, key: KeyRecord): GrantRecord['constraints'] {
  const value = input.Constraints;
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw faults.serialization('Expected a structure (Constraints).');
  const result: NonNullable<GrantRecord['constraints']> = {};
  for (const [member, context] of Object.entries(value as Input)) {
    if (member !== 'EncryptionContextSubset' && member !== 'EncryptionContextEquals') continue;
    if (context === undefined || context === null) continue;
    if (typeof context !== 'object' || Array.isArray(context) || Object.values(context).some((v) => typeof v !== 'string'))
      throw faults.serialization(`Expected a map of strings (Constraints.${member}).`);
    result[member] = { ...(context as Record<string, string>) };
  }
  if (Object.keys(result).length === 0) return null;
  // "You cannot use an encryption context grant constraint for cryptographic operations with asymmetric KMS keys or HMAC KMS keys."
  if (keyTypeOf(key) !== 'SYMMETRIC_ENCRYPT_DECRYPT')
    throw faults.validation(`Encryption context grant constraints are supported only on symmetric encryption KMS keys; ${key.arn} is not one.`);
  return result;
}

function sameParameters(grant: GrantRecord, candidate: Omit<GrantRecord, 'grantId' | 'creationDate'>): boolean {
  const sorted = (ops: string[]) => [...ops].sort().join(',');
  return (
    grant.granteePrincipal === candidate.granteePrincipal &&
    grant.retiringPrincipal === candidate.retiringPrincipal &&
    sorted(grant.operations) === sorted(candidate.operations) &&
    canonical(grant.constraints) === canonical(candidate.constraints)
  );
}

function canonical(value: GrantRecord['constraints']): string {
  if (value === null) return 'null';
  const sortMap = (m: Record<string, string> | undefined) =>
    m === undefined ? null : Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : 1)));
  return JSON.stringify({ s: sortMap(value.EncryptionContextSubset), e: sortMap(value.EncryptionContextEquals) });
}

/** A grant token: opaque to callers; here it names the Region, key and grant, plus randomness so every answer differs. */
function newGrantToken(key: KeyRecord, grantId: string): string {
  return Buffer.from(JSON.stringify({ r: key.region, k: key.shared.keyId, g: grantId, n: randomBytes(16).toString('hex') }), 'utf8').toString('base64');
}

function grantFromToken(ctx: OpContext, token: string): { key: KeyRecord; grant: GrantRecord } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { r?: unknown; k?: unknown; g?: unknown };
    if (parsed.r === ctx.region && typeof parsed.k === 'string' && typeof parsed.g === 'string') {
      const key = ctx.state.findKey(ctx.region, parsed.k);
      const grant = key?.grants?.find((g) => g.grantId === parsed.g);
      if (key && grant) return { key, grant };
      throw faults.notFound(`Grant ${parsed.g} does not exist.`);
    }
  } catch (error) {
    if (error instanceof KmsFault) throw error;
  }
  throw new KmsFault('InvalidGrantTokenException', 'The grant token is invalid.');
}

function grantEntry(key: KeyRecord, grant: GrantRecord, issuingAccount: string): Record<string, unknown> {
  return {
    KeyId: key.arn,
    GrantId: grant.grantId,
    ...(grant.name === null ? {} : { Name: grant.name }),
    CreationDate: grant.creationDate / 1000,
    GranteePrincipal: grant.granteePrincipal,
    ...(grant.retiringPrincipal === null ? {} : { RetiringPrincipal: grant.retiringPrincipal }),
    IssuingAccount: issuingAccount,
    Operations: [...grant.operations],
    ...(grant.constraints === null ? {} : { Constraints: grant.constraints }),
  };
}

function listed(items: { key: KeyRecord; grant: GrantRecord }[], ctx: OpContext, limitMax: number): Record<string, unknown> {
  const limit = optInt(ctx.input, 'Limit', 1, limitMax) ?? 50;
  const marker = decodeMarker(optString(ctx.input, 'Marker', { min: 1, max: 1024 }));
  const sorted = [...items].sort((a, b) => (a.grant.grantId < b.grant.grantId ? -1 : 1));
  const result = page(sorted, (item) => item.grant.grantId, limit, marker);
  return {
    Grants: result.items.map(({ key, grant }) => grantEntry(key, grant, `arn:${ctx.state.partition(ctx.region)}:iam::${ctx.state.accountId}:root`)),
    Truncated: result.truncated,
    ...(result.nextMarker === undefined ? {} : { NextMarker: result.nextMarker }),
  };
}

const createGrant: OperationHandler = (ctx) => {
  const key = keyFromInput(ctx, false);
  const granteePrincipal = principalOf(ctx.input, 'GranteePrincipal', true)!;
  const retiringPrincipal = principalOf(ctx.input, 'RetiringPrincipal', false) ?? null;
  const name = optString(ctx.input, 'Name', { min: 1, max: 256, pattern: GRANT_NAME }) ?? null;
  requireCustomerManaged(ctx, key, 'CreateGrant');
  const operations = operationsOf(ctx.input, key);
  const constraints = constraintsOf(ctx.input, key);
  // The key-state table: Disabled answers DisabledException, pending deletion, Creating, … KMSInvalidStateException.
  checkKeyState(ctx, key);
  const candidate = { name, granteePrincipal, retiringPrincipal, operations, constraints };
  key.grants ??= [];
  const existing = name === null ? undefined : key.grants.find((g) => g.name === name && sameParameters(g, candidate));
  if (existing) return { GrantId: existing.grantId, GrantToken: newGrantToken(key, existing.grantId) };
  if (key.grants.length >= MAX_GRANTS_PER_KEY) throw faults.limitExceeded(`${key.arn} already has ${MAX_GRANTS_PER_KEY} grants.`);
  const grant: GrantRecord = { grantId: randomBytes(32).toString('hex'), creationDate: ctx.state.now(), ...candidate };
  markGrantFresh(ctx.state, grant);
  key.grants.push(grant);
  return { GrantId: grant.grantId, GrantToken: newGrantToken(key, grant.grantId) };
};

const listGrants: OperationHandler = (ctx) => {
  const key = keyFromInput(ctx, false);
  checkKeyState(ctx, key);
  const grantId = optString(ctx.input, 'GrantId', { min: 1, max: 128 });
  const grantee = optString(ctx.input, 'GranteePrincipal', { min: 1, max: 256, pattern: PRINCIPAL });
  requireCustomerManaged(ctx, key, 'ListGrants');
  const grants = (key.grants ?? []).filter(
    (g) => isGrantListed(ctx.state, g) && (grantId === undefined || g.grantId === grantId) && (grantee === undefined || g.granteePrincipal === grantee),
  );
  return listed(
    grants.map((grant) => ({ key, grant })),
    ctx,
    100,
  );
};

function removeGrant(key: KeyRecord, grant: GrantRecord): void {
  key.grants = (key.grants ?? []).filter((g) => g !== grant);
}

function grantOf(key: KeyRecord, grantId: string): GrantRecord {
  const grant = key.grants?.find((g) => g.grantId === grantId);
  if (!grant) throw faults.notFound(`Grant ID ${grantId} not found for key ${key.arn}.`);
  return grant;
}

const revokeGrant: OperationHandler = (ctx) => {
  const key = keyFromInput(ctx, false);
  const grantId = reqString(ctx.input, 'GrantId', { max: 128 });
  requireCustomerManaged(ctx, key, 'RevokeGrant');
  checkKeyState(ctx, key);
  const grant = grantOf(key, grantId);
  checkGrantFresh(ctx.state, grant, () => faults.notFound(`Grant ID ${grantId} not found for key ${key.arn}.`));
  removeGrant(key, grant);
  return undefined;
};

/**
 * RetireGrant: by token, or by KeyId (ARN) + GrantId. Who may retire: the retiring principal, the
 * grantee when the grant includes RetireGrant, and the key's account root (guess: the KMS docs name
 * the first two and "the account in which the grant was created").
 */
const retireGrant: OperationHandler = (ctx) => {
  const token = optString(ctx.input, 'GrantToken', { min: 1, max: 8192 });
  let target: { key: KeyRecord; grant: GrantRecord };
  if (token !== undefined) target = grantFromToken(ctx, token);
  else {
    const key = keyFromInput(ctx, false);
    target = { key, grant: grantOf(key, reqString(ctx.input, 'GrantId', { max: 128 })) };
  }
  const caller = ctx.state.config.callerArn;
  const root = `arn:${ctx.state.partition(ctx.region)}:iam::${ctx.state.accountId}:root`;
  const { key, grant } = target;
  const allowed = caller === grant.retiringPrincipal || caller === root || (caller === grant.granteePrincipal && grant.operations.includes('RetireGrant'));
  if (!allowed) throw faults.accessDenied(`User: ${caller} is not authorized to retire grant ${grant.grantId} on ${key.arn}`);
  removeGrant(key, grant);
  return undefined;
};

const listRetirableGrants: OperationHandler = (ctx) => {
  const principal = principalOf(ctx.input, 'RetiringPrincipal', true)!;
  const items = [...ctx.state.keysIn(ctx.region).values()].flatMap((key) =>
    (key.grants ?? []).filter((g) => g.retiringPrincipal === principal).map((grant) => ({ key, grant })),
  );
  return listed(items, ctx, 100);
};

export const grantOperations = {
  // keyStates (key-state table): Enabled, Disabled, PendingDeletion, PendingReplicaDeletion, PendingImport, Unavailable, Creating, Updating
  CreateGrant: { handler: createGrant, quota: 50, keyStates: [Y, D, I, I, I, Y, I, Y] },
  ListGrants: { handler: listGrants, quota: 100, keyStates: [Y, Y, Y, Y, Y, Y, Y, Y] },
  RevokeGrant: { handler: revokeGrant, quota: 30, keyStates: [Y, Y, Y, Y, Y, Y, Y, Y] },
  RetireGrant: { handler: retireGrant, quota: 30, keyStates: [Y, Y, Y, Y, Y, Y, Y, Y] },
  ListRetirableGrants: { handler: listRetirableGrants, quota: 100 },
} satisfies Operations;
