/**
 * An in-memory model of KMS for tests: applies planner `Action`s to an `ActualState`, the way KMS
 * would, with KMS's error codes for calls KMS refuses (a key pending deletion, rotation on a
 * disabled key, an alias that exists…). Keys made by CreateKey get deterministic ids, and
 * `{ created: <CreateKey action id> }` refs resolve to them. Time never passes: keys pending
 * deletion stay pending, new replicas are Enabled at once. The rules it shares with the KmsApi fake
 * (./fakeKmsApi.ts) live in ./kmsRules.ts.
 */
import { KmsError } from '../../lib/errors.ts';
import type { Action, ActualKey, ActualState, KeyRef, KeySpec, KeyState, KeyUsage, Plan, TagMap } from '../../lib/types.ts';

/** A key of the model: always fully known (only the reader's Delete leaves keys `Unread`). */
type ModelKey = ActualKey & { state: KeyState; spec: KeySpec; keyUsage: KeyUsage };
type ModelState = Omit<ActualState, 'keys'> & { keys: ModelKey[] };

import { cancelDeletion, keyArn, kmsErrors, modelKeyId, movePrimary, requireUsable, scheduledDeletionState, TEST_ACCOUNT } from './kmsRules.ts';

export interface SeedKey {
  region: string;
  tags?: TagMap;
  spec?: KeySpec;
  keyUsage?: KeyUsage;
  multiRegion?: boolean;
  description?: string;
  policy?: string;
  aliasName?: string;
}

export class MemoryKms {
  readonly accountId: string;
  #state: ModelState;
  #counter = 0;
  /** CreateKey action id → key id. */
  readonly created = new Map<string, string>();
  /** Every action applied, in order. */
  readonly applied: Action[] = [];
  /** CreateGrant action id → grant id. */
  readonly createdGrants = new Map<string, string>();

  constructor(state: ActualState = { keys: [], aliases: [] }, accountId = TEST_ACCOUNT) {
    this.#state = structuredClone(state) as ModelState;
    this.accountId = accountId;
  }

  /** A deep copy of the current state, sorted, as the actual-state reader would return it. */
  state(): ActualState {
    const copy = structuredClone(this.#state);
    copy.keys.sort((a, b) => cmp(a.region, b.region) || cmp(a.keyId, b.keyId));
    copy.aliases.sort((a, b) => cmp(a.region, b.region) || cmp(a.aliasName, b.aliasName));
    copy.grants?.sort((a, b) => cmp(a.region, b.region) || cmp(a.keyId, b.keyId) || cmp(a.grantId, b.grantId));
    return copy;
  }

  /** Direct access for tests that arrange unusual states (tampered tags, keys disabled by hand…). */
  get raw(): ModelState {
    return this.#state;
  }

  /** Creates a key outside any plan (somebody else's, or a leftover), with an optional alias. */
  seedKey(seed: SeedKey): ActualKey {
    const key = this.#newKey(seed.region, {
      spec: seed.spec ?? 'SYMMETRIC_DEFAULT',
      keyUsage: seed.keyUsage ?? 'ENCRYPT_DECRYPT',
      multiRegion: seed.multiRegion ?? false,
      description: seed.description ?? '',
      policy: seed.policy ?? '{}',
      tags: seed.tags ?? {},
    });
    if (seed.aliasName) this.#state.aliases.push({ region: seed.region, aliasName: seed.aliasName, targetKeyId: key.keyId });
    return key;
  }

  /** Applies one action; throws `KmsError` with KMS's code where KMS would refuse it. */
  apply(action: Action): void {
    switch (action.kind) {
      case 'CreateKey': {
        const key = this.#newKey(action.region, action);
        // An EXTERNAL key is made without material: PendingImport until its material is imported.
        if (action.origin !== undefined && action.origin !== 'AWS_KMS') key.origin = action.origin;
        if (action.origin === 'EXTERNAL') key.state = 'PendingImport';
        this.created.set(action.id, key.keyId);
        break;
      }
      case 'ImportKeyMaterial': {
        const key = requireUsable(this.#key(action.region, action.key));
        if (key.origin !== 'EXTERNAL') throw err('UnsupportedOperationException', `${key.arn} is not an EXTERNAL key`);
        if (key.state === 'PendingImport') key.state = 'Enabled';
        key.keyMaterialValidTo = action.validTo;
        break;
      }
      case 'ReplicateKey': {
        const primary = this.#key(action.region, action.key);
        if (primary.role !== 'PRIMARY') throw kmsErrors.notPrimary(primary.arn);
        requireUsable(primary);
        if (primary.state === 'Disabled') throw kmsErrors.disabled(primary.arn);
        if (primary.state === 'PendingImport') throw kmsErrors.invalidState(primary.arn, primary.state);
        if (action.replicaRegion === action.region) throw err('ValidationException', 'ReplicaRegion must differ from the primary Region');
        if (this.#find(action.replicaRegion, primary.keyId)) throw kmsErrors.replicaExists(primary.keyId, action.replicaRegion);
        this.#state.keys.push({
          ...structuredClone(primary),
          region: action.replicaRegion,
          arn: keyArn(action.replicaRegion, primary.keyId, this.accountId),
          state: 'Enabled',
          role: 'REPLICA',
          replicaRegions: [],
          description: action.description,
          policy: action.policy,
          tags: { ...action.tags },
          deletionDate: null,
          // KMS does not copy imported material: a replica of an EXTERNAL key awaits its own import.
          ...(primary.origin === 'EXTERNAL' ? { state: 'PendingImport' as const, keyMaterialValidTo: undefined } : {}),
        });
        primary.replicaRegions = [...primary.replicaRegions, action.replicaRegion].sort(cmp);
        break;
      }
      case 'CreateAlias': {
        if (this.#alias(action.region, action.aliasName)) throw kmsErrors.aliasExists(action.aliasName);
        const key = requireUsable(this.#key(action.region, action.key));
        this.#state.aliases.push({ region: action.region, aliasName: action.aliasName, targetKeyId: key.keyId });
        break;
      }
      case 'UpdateAlias': {
        const alias = this.#alias(action.region, action.aliasName);
        if (!alias) throw kmsErrors.aliasNotFound(action.aliasName);
        const key = requireUsable(this.#key(action.region, action.key));
        const current = this.#find(action.region, alias.targetKeyId);
        // KMS refuses to move an alias between keys of another type or usage; the emulator is authoritative on the exact code.
        if (current && (keyType(current.spec) !== keyType(key.spec) || current.keyUsage !== key.keyUsage)) {
          throw err(
            'ValidationException',
            `${action.aliasName} cannot move from a ${current.spec}/${current.keyUsage} key to a ${key.spec}/${key.keyUsage} key`,
          );
        }
        alias.targetKeyId = key.keyId;
        break;
      }
      case 'DeleteAlias': {
        const before = this.#state.aliases.length;
        this.#state.aliases = this.#state.aliases.filter((a) => !(a.region === action.region && a.aliasName === action.aliasName));
        if (this.#state.aliases.length === before) throw kmsErrors.aliasNotFound(action.aliasName);
        break;
      }
      case 'PutKeyPolicy':
        // KMS accepts a policy change even while the key is pending deletion.
        this.#key(action.region, action.key).policy = action.policy;
        break;
      case 'TagResource': {
        const key = requireUsable(this.#key(action.region, action.key));
        key.tags = { ...key.tags, ...action.tags };
        break;
      }
      case 'UntagResource': {
        const key = requireUsable(this.#key(action.region, action.key));
        key.tags = Object.fromEntries(Object.entries(key.tags).filter(([k]) => !action.tagKeys.includes(k)));
        break;
      }
      case 'UpdateKeyDescription':
        requireUsable(this.#key(action.region, action.key)).description = action.description;
        break;
      case 'EnableKey':
        requireUsable(this.#key(action.region, action.key)).state = 'Enabled';
        break;
      case 'DisableKey':
        requireUsable(this.#key(action.region, action.key)).state = 'Disabled';
        break;
      case 'EnableKeyRotation':
      case 'DisableKeyRotation': {
        const key = this.#rotatable(action.region, action.key);
        if (action.kind === 'EnableKeyRotation') {
          const period = action.rotationPeriodInDays;
          if (period < 90 || period > 2560) throw err('ValidationException', 'RotationPeriodInDays must be 90–2560');
          this.#setRotation(key.keyId, { enabled: true, periodInDays: period });
        } else {
          this.#setRotation(key.keyId, { enabled: false, periodInDays: key.rotation?.periodInDays ?? null });
        }
        break;
      }
      case 'UpdatePrimaryRegion': {
        const current = this.#key(action.region, action.key);
        if (current.role !== 'PRIMARY') throw kmsErrors.notPrimary(current.arn);
        const next = this.#find(action.primaryRegion, current.keyId);
        if (!next) throw err('NotFoundException', `${current.keyId} has no replica in ${action.primaryRegion}`);
        if (current.state !== 'Enabled' || next.state !== 'Enabled') throw err('KMSInvalidStateException', 'both keys must be Enabled');
        const family = this.#state.keys.filter((k) => k.keyId === current.keyId);
        movePrimary(family, action.primaryRegion);
        for (const member of family) member.replicaRegions = [];
        next.replicaRegions = family
          .filter((m) => m !== next)
          .map((m) => m.region)
          .sort(cmp);
        break;
      }
      case 'ScheduleKeyDeletion': {
        const key = requireUsable(this.#key(action.region, action.key));
        const window = action.pendingWindowInDays;
        if (!Number.isInteger(window) || window < 7 || window > 30) throw err('ValidationException', 'PendingWindowInDays must be 7–30');
        // A primary cannot go before its replicas: it waits in PendingReplicaDeletion.
        key.state = scheduledDeletionState(key.role === 'PRIMARY' && key.replicaRegions.length > 0);
        key.deletionDate = new Date(Date.UTC(2030, 0, 1 + window)).toISOString();
        break;
      }
      case 'CancelKeyDeletion': {
        cancelDeletion(this.#key(action.region, action.key));
        break;
      }
      case 'CreateGrant': {
        const keyId = this.resolve(action.key);
        const key = this.#key(action.region, action.key);
        if (key.state !== 'Enabled' && key.state !== 'Disabled') throw err('KMSInvalidStateException', `${key.arn} is ${key.state}`);
        this.#state.grants ??= [];
        const same = this.#state.grants.find((g) => g.region === action.region && g.keyId === keyId && g.kmsName === action.kmsName);
        if (same === undefined) {
          this.#counter += 1;
          const grantId = `grant-${this.#counter}`;
          this.#state.grants.push({ region: action.region, keyId, grantId, kmsName: action.kmsName, name: action.grantName });
          this.createdGrants.set(action.id, grantId);
        } else this.createdGrants.set(action.id, same.grantId);
        break;
      }
      case 'RevokeGrant': {
        const keyId = this.resolve(action.key);
        const grants = this.#state.grants ?? [];
        const onKey = (g: { region: string; keyId: string }) => g.region === action.region && g.keyId === keyId;
        const index = grants.findIndex((g) => onKey(g) && g.grantId === action.grantId);
        // The executor makes a grant not listed (or not found) again by name and revokes that: the grant of that name goes.
        const named = action.parameters === null ? -1 : grants.findIndex((g) => onKey(g) && g.kmsName === action.kmsName);
        if (index < 0 && action.parameters === null) throw err('NotFoundException', `grant ${action.grantId} does not exist`);
        if (index >= 0 || named >= 0) grants.splice(index >= 0 ? index : named, 1);
        break;
      }
      default: {
        const unhandled: never = action;
        throw new Error(`unhandled action ${JSON.stringify(unhandled)}`);
      }
    }
    this.applied.push(action);
  }

  /** The key id a ref stands for (a created key once its CreateKey has run). */
  resolve(ref: KeyRef): string {
    if ('keyId' in ref) return ref.keyId;
    const keyId = this.created.get(ref.created);
    if (keyId === undefined) throw new Error(`test bug: ${ref.created} has not run yet`);
    return keyId;
  }

  #newKey(region: string, props: { spec: KeySpec; keyUsage: KeyUsage; multiRegion: boolean; description: string; policy: string; tags: TagMap }): ModelKey {
    this.#counter += 1;
    const keyId = modelKeyId(this.#counter, props.multiRegion);
    const key: ModelKey = {
      region,
      keyId,
      arn: keyArn(region, keyId, this.accountId),
      state: 'Enabled',
      spec: props.spec,
      keyUsage: props.keyUsage,
      multiRegion: props.multiRegion,
      role: props.multiRegion ? 'PRIMARY' : null,
      primaryRegion: props.multiRegion ? region : null,
      replicaRegions: [],
      description: props.description,
      policy: props.policy,
      tags: { ...props.tags },
      rotation: props.spec === 'SYMMETRIC_DEFAULT' ? { enabled: false, periodInDays: null } : null,
      deletionDate: null,
    };
    this.#state.keys.push(key);
    return key;
  }

  #find(region: string, keyId: string): ModelKey | undefined {
    return this.#state.keys.find((k) => k.region === region && k.keyId === keyId);
  }

  #key(region: string, ref: KeyRef): ModelKey {
    const keyId = this.resolve(ref);
    const key = this.#find(region, keyId);
    if (!key) throw kmsErrors.notFound(`Key '${keyArn(region, keyId, this.accountId)}'`);
    return key;
  }

  #alias(region: string, aliasName: string) {
    return this.#state.aliases.find((a) => a.region === region && a.aliasName === aliasName);
  }

  /** Rotation: symmetric keys only, set on the primary, and only while the key is enabled. */
  #rotatable(region: string, ref: KeyRef): ModelKey {
    const key = requireUsable(this.#key(region, ref));
    if (key.role === 'REPLICA') throw err('UnsupportedOperationException', `${key.arn} is a replica key; set rotation on the primary`);
    if (key.spec !== 'SYMMETRIC_DEFAULT') throw err('UnsupportedOperationException', `${key.arn} does not support automatic rotation`);
    if (key.state === 'Disabled') throw kmsErrors.disabled(key.arn);
    return key;
  }

  /** KMS keeps rotation on the primary and reports it on every replica. */
  #setRotation(keyId: string, rotation: ActualKey['rotation']): void {
    for (const key of this.#state.keys) if (key.keyId === keyId) key.rotation = rotation === null ? null : { ...rotation };
  }
}

/**
 * Runs a plan the way the executor does: each action once all of its `dependsOn` are done.
 * `choose` picks among the ready actions (default: the first by id), so a test can try orders
 * that only the declared dependencies constrain.
 */
export function executePlan(kms: MemoryKms, plan: Plan, choose: (readyCount: number) => number = () => 0): void {
  const ids = new Set(plan.actions.map((a) => a.id));
  for (const action of plan.actions) {
    for (const dep of action.dependsOn) if (!ids.has(dep)) throw new Error(`${action.id} depends on ${dep}, which is not in the plan`);
  }
  const done = new Set<string>();
  let remaining = [...plan.actions];
  while (remaining.length > 0) {
    const ready = remaining.filter((a) => a.dependsOn.every((d) => done.has(d)));
    if (ready.length === 0) throw new Error(`dependency cycle among ${remaining.map((a) => a.id).join(', ')}`);
    const next = ready[choose(ready.length) % ready.length]!;
    try {
      kms.apply(next);
    } catch (error) {
      throw new Error(`${next.id} failed: ${(error as Error).message}`, { cause: error });
    }
    done.add(next.id);
    remaining = remaining.filter((a) => a !== next);
  }
}

function keyType(spec: KeySpec): string {
  if (spec === 'SYMMETRIC_DEFAULT') return 'SYMMETRIC';
  return spec.startsWith('HMAC_') ? 'HMAC' : 'ASYMMETRIC';
}

function err(code: string, message: string): KmsError {
  return new KmsError(code, message);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
