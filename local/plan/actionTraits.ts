/**
 * What each kind of planned action does, for people reading a plan: its effect (create, change in
 * place, destroy, release from this resource's management) and a one-line summary. A table keyed by
 * kind, so a kind added to the `Action` union (lib/types.ts) shows up without a change here: an
 * unknown kind is summarised from its fields and, to stay on the safe side, counted as destructive
 * unless its name says it only creates.
 */
import { OWNERSHIP_TAGS } from '../../lib/ownership.ts';
import type { Action, ActionKind, KeyRef } from '../../lib/types.ts';

/** `destroy` and `release` are destructive: data becomes undecryptable, or the key leaves this resource's care. */
export const EFFECTS = ['create', 'change', 'destroy', 'release'] as const;
export type Effect = (typeof EFFECTS)[number];

export function isDestructive(effect: Effect): boolean {
  return effect === 'destroy' || effect === 'release';
}

/** The fields every action shares; the rest are the action's own. */
const COMMON_FIELDS = new Set(['id', 'kind', 'region', 'keyName', 'dependsOn']);

type ActionOf<K extends ActionKind> = Extract<Action, { kind: K }>;

/** What the traits may need besides the action: whose keys these are. */
export interface DescribeContext {
  /** This resource's owner id (lib/ownership.ts). */
  ownerId?: string;
}

interface Traits<A> {
  effect: Effect | ((action: A, context: DescribeContext) => Effect);
  summary: (action: A) => string;
}

/** Known kinds. Partial on purpose: a missing kind falls back to `unknownTraits`. */
const TRAITS: { readonly [K in ActionKind]?: Traits<ActionOf<K>> } = {
  CreateKey: {
    effect: 'create',
    summary: (a) => `CreateKey ${a.spec} ${a.keyUsage}${a.multiRegion ? ' multi-Region primary' : ''}${a.origin === undefined ? '' : ` Origin ${a.origin}`}`,
  },
  ReplicateKey: { effect: 'create', summary: (a) => `ReplicateKey ${keyText(a.key)} into ${a.replicaRegion}` },
  CreateAlias: { effect: 'create', summary: (a) => `CreateAlias ${a.aliasName} → ${keyText(a.key)}` },
  UpdateAlias: { effect: 'change', summary: (a) => `UpdateAlias ${a.aliasName} → ${keyText(a.key)}` },
  DeleteAlias: { effect: 'destroy', summary: (a) => `DeleteAlias ${a.aliasName}` },
  PutKeyPolicy: { effect: 'change', summary: (a) => `PutKeyPolicy on ${keyText(a.key)}` },
  TagResource: {
    // An Owner tag naming another resource hands the key back (a rename rolled back): it leaves
    // this resource's care. Naming this resource, it takes the key over (adoption, a rename).
    effect: (a, context) => {
      const owner = a.tags[OWNERSHIP_TAGS.owner];
      return owner !== undefined && owner !== context.ownerId ? 'release' : 'change';
    },
    summary: (a) => `TagResource ${keyText(a.key)}: ${Object.keys(a.tags).sort().join(', ')}`,
  },
  UntagResource: {
    // Removing the Owner tag (RemovalPolicy: Retain) releases the key: it stays, unmanaged.
    effect: (a) => (a.tagKeys.includes(OWNERSHIP_TAGS.owner) ? 'release' : 'change'),
    summary: (a) => `UntagResource ${keyText(a.key)}: ${a.tagKeys.join(', ')}`,
  },
  UpdateKeyDescription: { effect: 'change', summary: (a) => `UpdateKeyDescription ${keyText(a.key)}: ${JSON.stringify(a.description)}` },
  EnableKey: { effect: 'change', summary: (a) => `EnableKey ${keyText(a.key)}` },
  // A disabled key refuses every cryptographic operation: whatever uses it stops working.
  DisableKey: { effect: 'destroy', summary: (a) => `DisableKey ${keyText(a.key)}` },
  EnableKeyRotation: { effect: 'change', summary: (a) => `EnableKeyRotation ${keyText(a.key)} every ${a.rotationPeriodInDays} days` },
  DisableKeyRotation: { effect: 'change', summary: (a) => `DisableKeyRotation ${keyText(a.key)}` },
  UpdatePrimaryRegion: { effect: 'change', summary: (a) => `UpdatePrimaryRegion ${keyText(a.key)} → ${a.primaryRegion}` },
  ScheduleKeyDeletion: {
    effect: 'destroy',
    summary: (a) => `ScheduleKeyDeletion ${keyText(a.key)} in ${a.pendingWindowInDays} days`,
  },
  CancelKeyDeletion: { effect: 'change', summary: (a) => `CancelKeyDeletion ${keyText(a.key)}` },
  CreateGrant: {
    effect: 'create',
    summary: (a) => `CreateGrant ${a.grantName} on ${keyText(a.key)}: ${a.granteePrincipal} may ${a.operations.join(', ')}`,
  },
  // The same material again (KMS refuses any other): the key becomes usable or keeps its material longer.
  ImportKeyMaterial: {
    effect: 'change',
    summary: (a) =>
      `ImportKeyMaterial ${keyText(a.key)} from ${a.secretArn} (${a.reason}), ${a.validTo === null ? 'does not expire' : `valid to ${a.validTo}`}`,
  },
  // The grantee loses the use of the key: whatever relies on the grant stops working.
  // One not listed yet (grantId null) is made again by name, which answers its GrantId, then revoked (lib/executor/revokeGrant.ts).
  RevokeGrant: {
    effect: 'destroy',
    summary: (a) =>
      a.grantId === null
        ? `RevokeGrant ${a.grantName} (not yet listed: made again by name to learn its GrantId, then revoked) on ${keyText(a.key)} in ${a.region}`
        : `RevokeGrant ${a.grantName} (${a.grantId}) on ${keyText(a.key)}`,
  },
};

/** Effect and summary of any action, known kind or not. */
export function describeAction(action: Action, context: DescribeContext = {}): { effect: Effect; summary: string; classified: boolean } {
  const traits = (TRAITS as Record<string, Traits<Action> | undefined>)[action.kind];
  if (traits === undefined) return { ...unknownTraits(action), classified: false };
  const effect = typeof traits.effect === 'function' ? traits.effect(action, context) : traits.effect;
  return { effect, summary: traits.summary(action), classified: true };
}

/**
 * A kind this table does not know yet (a grant action, …): `Create*`/`Replicate*` create, anything
 * else is treated as destructive until it is classified here.
 */
function unknownTraits(action: Action): { effect: Effect; summary: string } {
  const kind = String(action.kind);
  const fields = Object.entries(action as unknown as Record<string, unknown>)
    .filter(([name, value]) => !COMMON_FIELDS.has(name) && (typeof value === 'string' || typeof value === 'number' || isKeyRef(value)))
    .map(([name, value]) => `${name}=${isKeyRef(value) ? keyText(value) : String(value)}`);
  return { effect: /^(Create|Replicate)/.test(kind) ? 'create' : 'destroy', summary: [kind, ...fields].join(' ') };
}

function isKeyRef(value: unknown): value is KeyRef {
  return value !== null && typeof value === 'object' && ('keyId' in value || 'created' in value);
}

/** `key 1234…` for an existing key, `the new key` for one this plan creates. */
export function keyText(ref: KeyRef): string {
  return 'keyId' in ref ? `key ${ref.keyId}` : 'the new key';
}

/** The key an action works on, when it names one. */
export function keyRefOf(action: Action): KeyRef | null {
  const key = (action as { key?: unknown }).key;
  return isKeyRef(key) ? key : null;
}

/** The Region an action takes effect in: a ReplicateKey is sent to the primary's Region but makes a key in `replicaRegion`. */
export function effectRegionOf(action: Action): string {
  return action.kind === 'ReplicateKey' ? action.replicaRegion : action.region;
}
