/**
 * An in-memory KMS of several Regions implementing `KmsApi`, with the semantics the reader and the
 * executor depend on (error codes as KMS answers them, from ./kmsRules.ts), a call log, fault
 * injection and, on the virtual clock, a delay per call. The planner's property tests run the
 * product's reader and executor against it (./planRun.ts).
 */
import { KmsError } from '../../lib/errors.ts';
import {
  type AliasEntry,
  type CreateKeyInput,
  type KeyDescription,
  type KmsApi,
  type KmsApiFactory,
  type ListOptions,
  type RotationStatus,
  sendPage,
} from '../../lib/kmsApi.ts';
import type { ActualState, KeyMaterialVersion, KeySpec, KeyState, KeyUsage, TagMap } from '../../lib/types.ts';

import { cancelDeletion, keyArn, kmsErrors, modelKeyId, movePrimary, requireUsable, scheduledDeletionState, TEST_ACCOUNT } from './kmsRules.ts';

export { kmsErrors } from './kmsRules.ts';

export const FAKE_ACCOUNT = TEST_ACCOUNT;

export interface FakeKey {
  region: string;
  keyId: string;
  arn: string;
  state: KeyState;
  spec: KeySpec;
  keyUsage: KeyUsage;
  multiRegion: boolean;
  role: 'PRIMARY' | 'REPLICA' | null;
  primaryRegion: string | null;
  description: string;
  policy: string;
  tags: TagMap;
  rotation: { enabled: boolean; periodInDays: number };
  deletionDate: string | null;
  keyManager: 'AWS' | 'CUSTOMER';
  /** DescribeKey calls left before a new replica leaves `Creating`. */
  creatingPolls: number;
  /** Grants on this key in this Region: id, name and the parameters CreateGrant compares. */
  grants?: { grantId: string; name: string | null; parameters: string }[];
  /** Imported materials (ids, states, descriptions) as ListKeyRotations would list them. */
  keyMaterials?: KeyMaterialVersion[];
}

export type FakeOperation = Exclude<keyof KmsApi, 'region'>;

export interface FakeCall {
  region: string;
  operation: FakeOperation;
  args: unknown[];
  at: number;
}

interface Fault {
  operation: FakeOperation;
  region: string | undefined;
  error: () => KmsError;
  times: number;
  /** The call takes effect, then the error is returned (a lost answer). */
  applied: boolean;
}

export interface FakeKmsOptions {
  now?: () => number;
  /** DescribeKey calls a new replica stays `Creating`. */
  replicaCreatingPolls?: number;
  /** Page size of the listings (to exercise `ListOptions.page`). */
  pageSize?: number;
  /** Awaited before each call takes effect (e.g. a virtual-clock sleep, so that calls finish in another order). */
  delay?: () => Promise<void>;
}

export class FakeKms {
  readonly keys: FakeKey[] = [];
  /** region → alias name → target key id (null: a predefined AWS alias without a key yet). */
  readonly aliases = new Map<string, Map<string, string | null>>();
  readonly calls: FakeCall[] = [];
  /** Tags of these key ids cannot be read (AccessDeniedException). */
  readonly tagsDenied = new Set<string>();
  /** Custom key stores (id → connection state) DescribeCustomKeyStores knows, in every Region. */
  readonly customKeyStores = new Map<string, string>();
  /** principal ARN → epoch ms from which IAM knows it (absent = known). */
  readonly principalsKnownAt = new Map<string, number>();
  readonly #faults: Fault[] = [];
  readonly #now: () => number;
  readonly #replicaCreatingPolls: number;
  readonly #pageSize: number;
  readonly #delay: (() => Promise<void>) | undefined;
  #nextId = 1;
  readonly #apis = new Map<string, KmsApi>();

  constructor(options: FakeKmsOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#replicaCreatingPolls = options.replicaCreatingPolls ?? 0;
    this.#pageSize = options.pageSize ?? 1000;
    this.#delay = options.delay;
  }

  /** The `KmsApiFactory` to hand to the code under test. */
  readonly factory: KmsApiFactory = (region) => {
    let api = this.#apis.get(region);
    if (api === undefined) {
      api = this.#api(region);
      this.#apis.set(region, api);
    }
    return api;
  };

  /** The next `times` calls of `operation` (in `region`, if given) fail with `error`. */
  fail(operation: FakeOperation, error: () => KmsError, options: { region?: string; times?: number; applied?: boolean } = {}): this {
    this.#faults.push({ operation, region: options.region, error, times: options.times ?? 1, applied: options.applied ?? false });
    return this;
  }

  /** Forgets every fault not yet used up. */
  clearFaults(): this {
    this.#faults.length = 0;
    return this;
  }

  /** Puts a key in place directly (not logged as a call). */
  seedKey(region: string, fields: Partial<FakeKey> = {}): FakeKey {
    const multiRegion = fields.multiRegion ?? false;
    const keyId = fields.keyId ?? modelKeyId(this.#nextId++, multiRegion);
    const key: FakeKey = {
      region,
      keyId,
      arn: keyArn(region, keyId, FAKE_ACCOUNT),
      state: 'Enabled',
      spec: 'SYMMETRIC_DEFAULT',
      keyUsage: 'ENCRYPT_DECRYPT',
      multiRegion,
      role: multiRegion ? 'PRIMARY' : null,
      primaryRegion: multiRegion ? region : null,
      description: '',
      policy: '{"Version":"2012-10-17","Statement":[]}',
      tags: {},
      rotation: { enabled: false, periodInDays: 365 },
      deletionDate: null,
      keyManager: 'CUSTOMER',
      creatingPolls: 0,
      ...fields,
    };
    this.keys.push(key);
    return key;
  }

  seedAlias(region: string, aliasName: string, targetKeyId: string | null): void {
    this.#aliasesOf(region).set(aliasName, targetKeyId);
  }

  /** Puts an `ActualState` in place (keys the reader could not read in full get the defaults of `seedKey`). */
  seedState(state: ActualState): void {
    for (const key of state.keys) {
      const { region, keyId, arn, state: keyState, spec, keyUsage, multiRegion, role, primaryRegion, description, policy, tags, rotation, deletionDate } = key;
      const fields = { keyId, arn, multiRegion, role, primaryRegion, description, tags: { ...tags }, deletionDate };
      const known = keyState === 'Unread' || spec === null || keyUsage === null ? {} : { state: keyState, spec, keyUsage };
      this.seedKey(region, {
        ...fields,
        ...known,
        ...(policy ? { policy } : {}),
        rotation: { enabled: rotation?.enabled ?? false, periodInDays: rotation?.periodInDays ?? 365 },
      });
    }
    for (const alias of state.aliases) this.seedAlias(alias.region, alias.aliasName, alias.targetKeyId);
    for (const grant of state.grants ?? []) {
      const key = this.#found(grant.region, grant.keyId);
      key.grants = [...(key.grants ?? []), { grantId: grant.grantId, name: grant.kmsName, parameters: '' }];
    }
  }

  /** Every alias of every Region, in Region and name order. */
  allAliases(): { region: string; aliasName: string; targetKeyId: string | null }[] {
    return [...this.aliases]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .flatMap(([region, map]) =>
        [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([aliasName, targetKeyId]) => ({ region, aliasName, targetKeyId })),
      );
  }

  key(region: string, keyId: string): FakeKey | undefined {
    return this.keys.find((k) => k.region === region && k.keyId === keyId);
  }

  aliasTarget(region: string, aliasName: string): string | null | undefined {
    return this.#aliasesOf(region).get(aliasName);
  }

  callsOf(operation: FakeOperation, region?: string): FakeCall[] {
    return this.calls.filter((c) => c.operation === operation && (region === undefined || c.region === region));
  }

  #aliasesOf(region: string): Map<string, string | null> {
    let map = this.aliases.get(region);
    if (map === undefined) {
      map = new Map();
      this.aliases.set(region, map);
    }
    return map;
  }

  #found(region: string, keyId: string): FakeKey {
    const key = this.key(region, keyId);
    if (key === undefined) throw kmsErrors.notFound(`Key '${keyArn(region, keyId, FAKE_ACCOUNT)}'`);
    return key;
  }

  #usable(region: string, keyId: string): FakeKey {
    return requireUsable(this.#found(region, keyId), { creatingToo: true });
  }

  /**
   * Rotation is a shared property of a multi-Region key: set on the primary only, reported by every
   * replica, only for symmetric encryption keys, and not while the key is disabled.
   */
  #rotatable(region: string, keyId: string): FakeKey {
    const key = this.#usable(region, keyId);
    if (key.role === 'REPLICA') throw new KmsError('UnsupportedOperationException', `${key.arn} is a replica key; set rotation on the primary`);
    if (key.spec !== 'SYMMETRIC_DEFAULT') throw new KmsError('UnsupportedOperationException', `${key.arn} does not support automatic rotation`);
    if (key.state === 'Disabled') throw kmsErrors.disabled(key.arn);
    return key;
  }

  /** The key that holds `key`'s rotation: its primary when it is a replica. */
  #rotationHolder(key: FakeKey): FakeKey {
    if (key.role !== 'REPLICA' || key.primaryRegion === null) return key;
    return this.key(key.primaryRegion, key.keyId) ?? key;
  }

  #checkPolicy(policy: string): void {
    for (const [principal, at] of this.principalsKnownAt) if (policy.includes(principal) && this.#now() < at) throw kmsErrors.invalidPrincipals();
  }

  /** A listing of `count` entries: every page through `options.page`, the last one answering `last()`. */
  async #pages<T>(options: ListOptions | undefined, count: number, last: () => Promise<T>): Promise<T> {
    const pages = Math.max(1, Math.ceil(count / this.#pageSize));
    const page = options?.page ?? sendPage;
    for (let i = 1; i < pages; i++) await page(async () => {});
    return page(last);
  }

  #describe(key: FakeKey): KeyDescription {
    if (key.state === 'Creating' && key.creatingPolls-- <= 0) key.state = 'Enabled';
    const replicaRegions = key.multiRegion
      ? this.keys
          .filter((k) => k.keyId === key.keyId && k.role === 'REPLICA')
          .map((k) => k.region)
          .sort()
      : [];
    return {
      keyId: key.keyId,
      arn: key.arn,
      state: key.state,
      spec: key.spec,
      keyUsage: key.keyUsage,
      multiRegion: key.multiRegion,
      role: key.role,
      primaryRegion: key.primaryRegion,
      replicaRegions,
      description: key.description,
      deletionDate: key.deletionDate,
      keyManager: key.keyManager,
    };
  }

  #api(region: string): KmsApi {
    /** Logs the call, applies faults, runs `effect`. Always asynchronous, like a real call. */
    const call = async <T>(operation: FakeOperation, args: unknown[], effect: () => T): Promise<T> => {
      this.calls.push({ region, operation, args, at: this.#now() });
      await (this.#delay?.() ?? Promise.resolve());
      const index = this.#faults.findIndex((f) => f.operation === operation && (f.region === undefined || f.region === region) && f.times > 0);
      const fault = index >= 0 ? this.#faults[index] : undefined;
      if (fault !== undefined) {
        fault.times--;
        if (fault.times === 0) this.#faults.splice(index, 1);
        if (fault.applied) effect();
        throw fault.error();
      }
      return effect();
    };
    const aliases = this.#aliasesOf(region);
    const create = (input: CreateKeyInput) => {
      this.#checkPolicy(input.policy);
      const key = this.seedKey(region, { ...input, tags: { ...input.tags }, rotation: { enabled: false, periodInDays: 365 } });
      return { keyId: key.keyId, arn: key.arn };
    };
    return {
      region,
      listKeys: async (options) => {
        const keys = this.keys.filter((k) => k.region === region);
        return this.#pages(options, keys.length, () => call('listKeys', [], () => keys.map((k) => ({ keyId: k.keyId, arn: k.arn }))));
      },
      listAliases: async (options) => {
        return this.#pages(options, aliases.size, () =>
          call('listAliases', [options?.keyId], () =>
            [...aliases]
              .filter(([, target]) => options?.keyId === undefined || target === options.keyId)
              .map(([aliasName, targetKeyId]): AliasEntry => ({ aliasName, targetKeyId })),
          ),
        );
      },
      describeKey: (keyId) => call('describeKey', [keyId], () => this.#describe(this.#found(region, keyId))),
      getKeyPolicy: (keyId) => call('getKeyPolicy', [keyId], () => this.#found(region, keyId).policy),
      getKeyRotationStatus: (keyId) =>
        call('getKeyRotationStatus', [keyId], (): RotationStatus => {
          const key = this.#found(region, keyId);
          if (key.spec !== 'SYMMETRIC_DEFAULT') throw new KmsError('UnsupportedOperationException', 'rotation not supported');
          const { rotation } = this.#rotationHolder(key);
          return { enabled: rotation.enabled, periodInDays: rotation.enabled ? rotation.periodInDays : null };
        }),
      listResourceTags: async (keyId, options) => {
        return this.#pages(options, 1, () =>
          call('listResourceTags', [keyId], () => {
            if (this.tagsDenied.has(keyId)) throw kmsErrors.accessDenied();
            return { ...this.#found(region, keyId).tags };
          }),
        );
      },
      createKey: (input) => call('createKey', [input], () => create(input)),
      replicateKey: (input) =>
        call('replicateKey', [input], () => {
          const primary = this.#usable(region, input.keyId);
          if (primary.role !== 'PRIMARY') throw kmsErrors.notPrimary(primary.arn);
          if (primary.state === 'Disabled') throw kmsErrors.disabled(primary.arn);
          if (this.key(input.replicaRegion, input.keyId) !== undefined) throw kmsErrors.replicaExists(input.keyId, input.replicaRegion);
          this.#checkPolicy(input.policy);
          const replica = this.seedKey(input.replicaRegion, {
            keyId: input.keyId,
            multiRegion: true,
            role: 'REPLICA',
            primaryRegion: region,
            spec: primary.spec,
            keyUsage: primary.keyUsage,
            policy: input.policy,
            description: input.description,
            tags: { ...input.tags },
            state: 'Creating',
            creatingPolls: this.#replicaCreatingPolls,
          });
          return { keyId: replica.keyId, arn: replica.arn };
        }),
      createAlias: (aliasName, targetKeyId) =>
        call('createAlias', [aliasName, targetKeyId], () => {
          if (aliases.has(aliasName)) throw kmsErrors.aliasExists(aliasName);
          this.#usable(region, targetKeyId);
          aliases.set(aliasName, targetKeyId);
        }),
      updateAlias: (aliasName, targetKeyId) =>
        call('updateAlias', [aliasName, targetKeyId], () => {
          if (!aliases.has(aliasName)) throw kmsErrors.aliasNotFound(aliasName);
          const target = this.#usable(region, targetKeyId);
          const current = this.key(region, aliases.get(aliasName) ?? '');
          // KMS moves an alias only between keys of the same type and usage.
          if (current !== undefined && (keyTypeOf(current.spec) !== keyTypeOf(target.spec) || current.keyUsage !== target.keyUsage)) {
            throw new KmsError(
              'ValidationException',
              `${aliasName} cannot move from a ${current.spec}/${current.keyUsage} key to a ${target.spec}/${target.keyUsage} key`,
            );
          }
          aliases.set(aliasName, targetKeyId);
        }),
      deleteAlias: (aliasName) =>
        call('deleteAlias', [aliasName], () => {
          if (!aliases.delete(aliasName)) throw kmsErrors.aliasNotFound(aliasName);
        }),
      putKeyPolicy: (keyId, policy) =>
        call('putKeyPolicy', [keyId, policy], () => {
          const key = this.#found(region, keyId);
          this.#checkPolicy(policy);
          key.policy = policy;
        }),
      tagResource: (keyId, tags) =>
        call('tagResource', [keyId, tags], () => {
          Object.assign(this.#usable(region, keyId).tags, tags);
        }),
      untagResource: (keyId, tagKeys) =>
        call('untagResource', [keyId, tagKeys], () => {
          const key = this.#usable(region, keyId);
          for (const tagKey of tagKeys) delete key.tags[tagKey];
        }),
      updateKeyDescription: (keyId, description) =>
        call('updateKeyDescription', [keyId, description], () => {
          this.#usable(region, keyId).description = description;
        }),
      enableKey: (keyId) =>
        call('enableKey', [keyId], () => {
          this.#usable(region, keyId).state = 'Enabled';
        }),
      disableKey: (keyId) =>
        call('disableKey', [keyId], () => {
          this.#usable(region, keyId).state = 'Disabled';
        }),
      enableKeyRotation: (keyId, periodInDays) =>
        call('enableKeyRotation', [keyId, periodInDays], () => {
          const key = this.#rotatable(region, keyId);
          if (periodInDays !== undefined && (periodInDays < 90 || periodInDays > 2560))
            throw new KmsError('ValidationException', 'RotationPeriodInDays must be 90–2560');
          key.rotation = { enabled: true, periodInDays: periodInDays ?? 365 };
        }),
      disableKeyRotation: (keyId) =>
        call('disableKeyRotation', [keyId], () => {
          this.#rotatable(region, keyId).rotation.enabled = false;
        }),
      updatePrimaryRegion: (keyId, primaryRegion) =>
        call('updatePrimaryRegion', [keyId, primaryRegion], () => {
          const primary = this.#usable(region, keyId);
          const replica = this.#usable(primaryRegion, keyId);
          if (primary.role !== 'PRIMARY' || replica.role !== 'REPLICA') throw new KmsError('UnsupportedOperationException', 'not a primary/replica pair');
          for (const key of [primary, replica]) if (key.state === 'Disabled') throw kmsErrors.disabled(key.arn);
          movePrimary(
            this.keys.filter((k) => k.keyId === keyId),
            primaryRegion,
          );
          // Rotation is a shared property of the multi-Region key: the new primary holds it now.
          replica.rotation = { ...primary.rotation };
        }),
      scheduleKeyDeletion: (keyId, pendingWindowInDays) =>
        call('scheduleKeyDeletion', [keyId, pendingWindowInDays], () => {
          const key = this.#usable(region, keyId);
          if (!Number.isInteger(pendingWindowInDays) || pendingWindowInDays < 7 || pendingWindowInDays > 30)
            throw new KmsError('ValidationException', 'PendingWindowInDays must be 7–30');
          // Simpler than KMS (and the emulator), where a replica pending deletion still
          // holds its primary in PendingReplicaDeletion: here only live replicas do.
          const hasReplicas = key.role === 'PRIMARY' && this.keys.some((k) => k.keyId === keyId && k.role === 'REPLICA' && k.state !== 'PendingDeletion');
          key.state = scheduledDeletionState(hasReplicas);
          key.deletionDate = new Date(this.#now() + pendingWindowInDays * 86_400_000).toISOString();
          return { deletionDate: key.deletionDate };
        }),
      cancelKeyDeletion: (keyId) =>
        call('cancelKeyDeletion', [keyId], () => {
          cancelDeletion(this.#found(region, keyId));
        }),
      listGrants: async (keyId, options) => {
        const key = this.#found(region, keyId);
        return this.#pages(options, key.grants?.length ?? 0, () =>
          call('listGrants', [keyId], () => (this.#found(region, keyId).grants ?? []).map((g) => ({ grantId: g.grantId, name: g.name }))),
        );
      },
      createGrant: (input) =>
        call('createGrant', [input], () => {
          const key = this.#found(region, input.keyId);
          // KMS's key-state table: Disabled → DisabledException; pending deletion, Creating, … → KMSInvalidStateException.
          if (key.state === 'Disabled') throw new KmsError('DisabledException', `${key.arn} is disabled.`);
          if (key.state !== 'Enabled' && key.state !== 'Updating') throw new KmsError('KMSInvalidStateException', `${key.arn} is ${key.state}`);
          const { keyId: _keyId, kmsName, ...rest } = input;
          const parameters = JSON.stringify(rest);
          key.grants ??= [];
          const same = key.grants.find((g) => g.name === kmsName && g.parameters === parameters);
          if (same) return { grantId: same.grantId };
          const grantId = `grant-${String(this.#nextId++).padStart(8, '0')}`;
          key.grants.push({ grantId, name: kmsName, parameters });
          return { grantId };
        }),
      describeCustomKeyStore: (customKeyStoreId) =>
        call('describeCustomKeyStore', [customKeyStoreId], () => {
          const connectionState = this.customKeyStores.get(customKeyStoreId);
          return connectionState === undefined ? null : { id: customKeyStoreId, type: 'AWS_CLOUDHSM', connectionState };
        }),
      importKeyMaterial: (input) =>
        call('importKeyMaterial', [input], () => {
          const key = this.#found(region, input.keyId);
          if (key.state === 'PendingImport') key.state = 'Enabled';
          const description = input.materialDescription ?? null;
          const id = `material-${input.secretArn}`;
          key.keyMaterials ??= [];
          if (key.keyMaterials.some((m) => m.id === id)) return;
          const state = key.keyMaterials.length === 0 ? 'CURRENT' : 'PENDING_ROTATION';
          key.keyMaterials.push({ id, state, description, imported: true });
        }),
      listKeyMaterials: (keyId) => call('listKeyMaterials', [keyId], () => structuredClone(this.#found(region, keyId).keyMaterials ?? [])),
      rotateKeyOnDemand: (keyId) =>
        call('rotateKeyOnDemand', [keyId], () => {
          const key = this.#found(region, keyId);
          if (!(key.keyMaterials ?? []).some((m) => m.state === 'PENDING_ROTATION'))
            throw new KmsError('KMSInvalidStateException', `${key.arn}: nothing pending rotation`);
          for (const member of this.keys.filter((k) => k.keyId === keyId)) {
            for (const m of member.keyMaterials ?? []) m.state = m.state === 'CURRENT' ? 'NON_CURRENT' : m.state === 'PENDING_ROTATION' ? 'CURRENT' : m.state;
          }
        }),
      revokeGrant: (keyId, grantId) =>
        call('revokeGrant', [keyId, grantId], () => {
          const key = this.#found(region, keyId);
          const before = key.grants?.length ?? 0;
          key.grants = (key.grants ?? []).filter((g) => g.grantId !== grantId);
          if (key.grants.length === before) throw kmsErrors.notFound(`Grant ${grantId}`);
        }),
    };
  }
}

/** KMS's key types, for the alias rule: an alias moves only between keys of one type. */
function keyTypeOf(spec: KeySpec): string {
  if (spec === 'SYMMETRIC_DEFAULT') return 'SYMMETRIC';
  return spec.startsWith('HMAC_') ? 'HMAC' : 'ASYMMETRIC';
}
