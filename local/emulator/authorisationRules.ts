/**
 * Which authorisation checks KMS makes for each operation, with the request context keys it
 * documents for that action (AWS KMS Developer Guide, "Permissions reference" and "Condition keys
 * for AWS KMS"; Service Authorization Reference, "Actions, resources, and condition keys for AWS Key
 * Management Service"). Context keys an action does not support are dropped by the simulator, so a
 * rule may offer more than the action takes.
 *
 * Rules are looked up by operation name: a new operation (grants, …) adds one to
 * `AUTHORISATION_RULES`; without one it is checked on the key its `KeyId` names, or on `*`.
 * A malformed input yields no check: the operation itself answers the validation error.
 */
import type { AuthorisationCheck } from './authorisation.ts';
import { authorisationTags } from './consistency.ts';
import { parseBlob } from './crypto.ts';
import { aliasArn, keyArn, parseKeyReference } from './ids.ts';
import { defaultKeyPolicy } from './model.ts';
import type { EmulatorState, KeyRecord } from './state.ts';
import type { Input } from './validate.ts';

/** One request as a rule sees it. */
export interface RuleContext {
  state: EmulatorState;
  region: string;
  operation: string;
  input: Input;
}

export type AuthorisationRule = (ctx: RuleContext) => AuthorisationCheck[];

type Context = Record<string, string | string[]>;

function str(input: Input, field: string): string | undefined {
  const value = input[field];
  return typeof value === 'string' ? value : undefined;
}

/** The key a `KeyId`-like value names in `region`, without the freshness dice; undefined if none. */
function peekKey(state: EmulatorState, region: string, value: string | undefined): KeyRecord | undefined {
  if (value === undefined) return undefined;
  let ref: ReturnType<typeof parseKeyReference>;
  try {
    ref = parseKeyReference(value);
  } catch {
    return undefined;
  }
  if ((ref.kind === 'keyArn' || ref.kind === 'aliasArn') && (ref.region !== region || ref.accountId !== state.accountId)) return undefined;
  const keyId = ref.kind === 'alias' || ref.kind === 'aliasArn' ? state.aliasesIn(region).get(ref.aliasName)?.targetKeyId : ref.keyId;
  return keyId === undefined ? undefined : state.findKey(region, keyId);
}

/** `aws:RequestTag/*` and `aws:TagKeys` of a `Tags` member. */
function requestTags(input: Input, field = 'Tags'): Context {
  const tags = input[field];
  if (!Array.isArray(tags)) return {};
  const context: Context = {};
  const keys: string[] = [];
  for (const tag of tags as Input[]) {
    if (typeof tag?.TagKey !== 'string') continue;
    keys.push(tag.TagKey);
    if (typeof tag.TagValue === 'string') context[`aws:RequestTag/${tag.TagKey}`] = tag.TagValue;
  }
  if (keys.length > 0) context['aws:TagKeys'] = keys;
  return context;
}

/** What KMS knows about a key resource: its tags (as authorisation sees them) and properties. */
function keyContext(state: EmulatorState, key: KeyRecord): Context {
  const context: Context = {
    'kms:KeySpec': key.shared.spec,
    'kms:KeyUsage': key.shared.usage,
    'kms:KeyOrigin': 'AWS_KMS',
    'kms:MultiRegion': String(key.shared.multiRegion),
  };
  if (key.shared.multiRegion) context['kms:MultiRegionKeyType'] = key.region === key.shared.primaryRegion ? 'PRIMARY' : 'REPLICA';
  for (const [tagKey, value] of authorisationTags(state, key)) context[`aws:ResourceTag/${tagKey}`] = value;
  return context;
}

function onKey(state: EmulatorState, operation: string, region: string, key: KeyRecord, extra: Context = {}): AuthorisationCheck {
  return { action: `kms:${operation}`, region, resource: key.arn, keyPolicy: key.policy, context: { ...keyContext(state, key), ...extra } };
}

function onStar(operation: string, region: string, context: Context = {}): AuthorisationCheck {
  return { action: `kms:${operation}`, region, resource: '*', keyPolicy: null, context };
}

/** Checked on the key `field` names (no check when it names none: the operation answers NotFound). */
function keyRule(field = 'KeyId', extra: (input: Input) => Context = () => ({})): AuthorisationRule {
  return ({ state, region, operation, input }) => {
    const key = peekKey(state, region, str(input, field));
    return key ? [onKey(state, operation, region, key, extra(input))] : [];
  };
}

/** The alias itself (IAM policy only) and the key it targets (key policy and IAM policy). */
function aliasChecks(ctx: RuleContext, keys: (KeyRecord | undefined)[]): AuthorisationCheck[] {
  const { state, region, operation, input } = ctx;
  const aliasName = str(input, 'AliasName');
  if (aliasName === undefined) return [];
  const alias: AuthorisationCheck = {
    action: `kms:${operation}`,
    region,
    resource: aliasArn(state.partition(region), region, state.accountId, aliasName),
    keyPolicy: null,
    context: {},
  };
  return [alias, ...keys.filter((k): k is KeyRecord => k !== undefined).map((k) => onKey(state, operation, region, k))];
}

function keyProperties(input: Input, multiRegionKeyType: 'PRIMARY' | 'REPLICA' | null): Context {
  const context: Context = {
    'kms:KeySpec': str(input, 'KeySpec') ?? str(input, 'CustomerMasterKeySpec') ?? 'SYMMETRIC_DEFAULT',
    'kms:KeyUsage': str(input, 'KeyUsage') ?? 'ENCRYPT_DECRYPT',
    'kms:KeyOrigin': str(input, 'Origin') ?? 'AWS_KMS',
    'kms:MultiRegion': String(multiRegionKeyType !== null),
  };
  if (multiRegionKeyType !== null) context['kms:MultiRegionKeyType'] = multiRegionKeyType;
  if (typeof input.BypassPolicyLockoutSafetyCheck === 'boolean') context['kms:BypassPolicyLockoutSafetyCheck'] = String(input.BypassPolicyLockoutSafetyCheck);
  return context;
}

/**
 * ReplicateKey: kms:ReplicateKey on the primary (its key policy), and — "kms:CreateKey in an IAM
 * policy in the replica Region", plus kms:TagResource there when the request has Tags (ReplicateKey
 * API reference, "Required permissions"; Developer Guide on replicating multi-Region keys: "Include
 * this permission in an IAM policy in the replica Region"). Both replica-side checks are made on the
 * IAM policy alone: the replica does not exist yet, so no key policy is consulted (not even the
 * Policy the request gives it). Where AWS is silent the pessimistic reading: the replica-side
 * CreateKey carries no request tags, and the replica-side TagResource must be allowed both with and
 * without them.
 */
const replicateKey: AuthorisationRule = ({ state, region, input }) => {
  const primary = peekKey(state, region, str(input, 'KeyId'));
  const replicaRegion = str(input, 'ReplicaRegion');
  if (!primary || replicaRegion === undefined || !state.isEnabled(replicaRegion)) return [];
  const checks = [onKey(state, 'ReplicateKey', region, primary, { 'kms:ReplicaRegion': replicaRegion })];
  const replicaProperties: Context = { ...keyProperties({ KeySpec: primary.shared.spec, KeyUsage: primary.shared.usage }, 'REPLICA') };
  checks.push(onStar('CreateKey', replicaRegion, replicaProperties));
  const tags = requestTags(input);
  if (Object.keys(tags).length > 0) {
    const replica = {
      action: 'kms:TagResource',
      region: replicaRegion,
      resource: keyArn(state.partition(replicaRegion), replicaRegion, state.accountId, primary.shared.keyId),
      // The identity policy decides: a key policy that only delegates to the account (KMS's default),
      // never the Policy the request gives the replica (the policy evaluator needs one on a key ARN).
      keyPolicy: defaultKeyPolicy(state.partition(replicaRegion), state.accountId),
    };
    checks.push({ ...replica, context: { ...replicaProperties, ...tags } }, { ...replica, context: replicaProperties });
  }
  return checks;
};

/** UpdatePrimaryRegion: on the current primary (its Region) and on the replica that becomes primary (its Region). */
const updatePrimaryRegion: AuthorisationRule = ({ state, region, input }) => {
  const primary = peekKey(state, region, str(input, 'KeyId'));
  const target = str(input, 'PrimaryRegion');
  if (!primary) return [];
  const extra: Context = target === undefined ? {} : { 'kms:PrimaryRegion': target };
  const checks = [onKey(state, 'UpdatePrimaryRegion', region, primary, extra)];
  const replica = target === undefined || !state.isEnabled(target) ? undefined : state.findKey(target, primary.shared.keyId);
  if (replica) checks.push(onKey(state, 'UpdatePrimaryRegion', target!, replica, extra));
  return checks;
};

export const AUTHORISATION_RULES: Record<string, AuthorisationRule> = {
  CreateKey: ({ region, input }) => [
    onStar('CreateKey', region, { ...keyProperties(input, input.MultiRegion === true ? 'PRIMARY' : null), ...requestTags(input) }),
  ],
  ListKeys: ({ region }) => [onStar('ListKeys', region)],
  ListAliases: ({ region }) => [onStar('ListAliases', region)],
  ReplicateKey: replicateKey,
  UpdatePrimaryRegion: updatePrimaryRegion,
  CreateAlias: (ctx) => aliasChecks(ctx, [peekKey(ctx.state, ctx.region, str(ctx.input, 'TargetKeyId'))]),
  UpdateAlias: (ctx) => {
    const current = ctx.state.aliasesIn(ctx.region).get(str(ctx.input, 'AliasName') ?? '');
    return aliasChecks(ctx, [
      peekKey(ctx.state, ctx.region, str(ctx.input, 'TargetKeyId')),
      current ? ctx.state.findKey(ctx.region, current.targetKeyId) : undefined,
    ]);
  },
  DeleteAlias: (ctx) => {
    const current = ctx.state.aliasesIn(ctx.region).get(str(ctx.input, 'AliasName') ?? '');
    return aliasChecks(ctx, [current ? ctx.state.findKey(ctx.region, current.targetKeyId) : undefined]);
  },
  TagResource: keyRule('KeyId', (input) => requestTags(input)),
  UntagResource: keyRule('KeyId', (input): Context => (Array.isArray(input.TagKeys) ? { 'aws:TagKeys': input.TagKeys as string[] } : {})),
  ScheduleKeyDeletion: keyRule(
    'KeyId',
    (input): Context =>
      typeof input.PendingWindowInDays === 'number' ? { 'kms:ScheduleKeyDeletionPendingWindowInDays': String(input.PendingWindowInDays) } : {},
  ),
  PutKeyPolicy: keyRule(
    'KeyId',
    (input): Context =>
      typeof input.BypassPolicyLockoutSafetyCheck === 'boolean' ? { 'kms:BypassPolicyLockoutSafetyCheck': String(input.BypassPolicyLockoutSafetyCheck) } : {},
  ),
  EnableKeyRotation: keyRule(
    'KeyId',
    (input): Context => (typeof input.RotationPeriodInDays === 'number' ? { 'kms:RotationPeriodInDays': String(input.RotationPeriodInDays) } : {}),
  ),
  /** Decrypt without KeyId is checked on the key the ciphertext names. */
  Decrypt: ({ state, region, input }) => {
    const blob = typeof input.CiphertextBlob === 'string' ? parseBlob(Buffer.from(input.CiphertextBlob, 'base64')) : null;
    const key = peekKey(state, region, str(input, 'KeyId') ?? blob?.keyId);
    return key ? [onKey(state, 'Decrypt', region, key)] : [];
  },
  CreateGrant: keyRule('KeyId', (input) => {
    const context: Context = {};
    if (Array.isArray(input.Operations)) context['kms:GrantOperations'] = input.Operations as string[];
    if (typeof input.GranteePrincipal === 'string') context['kms:GranteePrincipal'] = input.GranteePrincipal;
    if (typeof input.RetiringPrincipal === 'string') context['kms:RetiringPrincipal'] = input.RetiringPrincipal;
    context['kms:GrantIsForAWSResource'] = 'false';
    return context;
  }),
};

/** The checks of one request: its rule, or the key its `KeyId` names, or `*`. */
export function checksFor(ctx: RuleContext): AuthorisationCheck[] {
  const rule = AUTHORISATION_RULES[ctx.operation];
  if (rule) return rule(ctx);
  if (typeof ctx.input.KeyId === 'string') return keyRule()(ctx);
  return [onStar(ctx.operation, ctx.region)];
}
