/**
 * The emulator's model of one account: keys and aliases per Region, registered IAM principals, a
 * clock that control calls can move forward, behaviour settings and request counters.
 */
import type { KeyObject } from 'node:crypto';
import type { KeySpec, KeyState, KeyUsage } from './kmsFacts.ts';
import { DEFAULT_EMULATOR_QUOTAS, type EmulatorQuotas } from './quotas.ts';
import { type FieldRealism, NO_REALISM } from './realism.ts';
import { partitionOf } from './regions.ts';

export type { EmulatorQuotas } from './quotas.ts';

/** What a lagging listing still shows until `visibleAt` (emulator clock). */
export interface Lag<T> {
  visibleAt: number;
  shown: T;
}

export interface RotationState {
  enabled: boolean;
  periodInDays: number;
  /** Epoch ms rotation was last enabled (for NextRotationDate). */
  enabledAt: number;
}

/**
 * What a multi-Region key shares with its replicas (KMS synchronises these): id, material, spec,
 * usage, rotation and which Region is the primary. A single-Region key has one of its own.
 */
export interface SharedKey {
  keyId: string;
  /** AES-256 material of a symmetric key; null for asymmetric and HMAC keys (no crypto emulated). */
  material: Buffer | null;
  spec: KeySpec;
  usage: KeyUsage;
  multiRegion: boolean;
  primaryRegion: string;
  rotation: RotationState;
  /** `EXTERNAL`: made without material, which is imported per Region (`operations/keyMaterial.ts`). Absent = AWS_KMS. */
  origin?: 'AWS_KMS' | 'EXTERNAL' | 'AWS_CLOUDHSM' | 'EXTERNAL_KEY_STORE';
  /** Keys in a custom key store (`operations/customKeyStores.ts`): the store, and for XKS the external key. */
  customKeyStoreId?: string;
  xksKeyId?: string;
  /** On-demand rotations made so far (RotateKeyOnDemand: at most 25 per key). */
  onDemandRotations?: number;
}

/** A custom key store (`operations/customKeyStores.ts`), made through the control API in any connection state. */
export interface CustomKeyStoreRecord {
  id: string;
  name: string;
  region: string;
  type: 'AWS_CLOUDHSM' | 'EXTERNAL_KEY_STORE';
  connectionState: 'CONNECTED' | 'CONNECTING' | 'NEVER_CONNECTED' | 'DISCONNECTED' | 'DISCONNECTING' | 'FAILED';
  creationDate: number;
  /**
   * External key store only: the keys its external key manager holds, by id, and whether each meets
   * KMS's requirements (`usable`) or not (`invalidConfiguration`). Absent: every `XksKeyId` is a usable key.
   */
  externalKeys?: Record<string, 'usable' | 'invalidConfiguration'>;
}

/** Material imported into one key (one Region): KMS does not copy it between related multi-Region keys. */
export interface ImportedMaterial {
  material: Buffer;
  /** Emulator epoch ms at which it expires; null = KEY_MATERIAL_DOES_NOT_EXPIRE. */
  validTo: number | null;
}

/**
 * One key material of a symmetric key with imported material, in one Region
 * (`operations/materialVersions.ts`; ListKeyRotations' RotationsListEntry).
 */
export interface MaterialVersion {
  /** KeyMaterialId: from the key id and the material, the same in every related multi-Region key. */
  id: string;
  material: Buffer;
  description?: string;
  state: 'CURRENT' | 'NON_CURRENT' | 'PENDING_ROTATION' | 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION';
  /** Emulator epoch ms at which this import expires; null = KEY_MATERIAL_DOES_NOT_EXPIRE. */
  validTo: number | null;
  /** ImportState: false once it expired or was deleted (PENDING_IMPORT) until imported again. */
  imported: boolean;
  /** When a rotation made it current (emulator epoch ms); absent for the first material and pending ones. */
  rotationDate?: number;
}

/** One GetParametersForImport answer: the wrapping key pair and token are one set, valid 24 hours. */
export interface ImportParameters {
  region: string;
  keyId: string;
  wrappingAlgorithm: string;
  privateKey: KeyObject;
  /** Emulator epoch ms. */
  validTo: number;
}

/** A Secrets Manager secret (`operations/secrets.ts`): enough for GetSecretValue. */
export interface SecretRecord {
  arn: string;
  name: string;
  region: string;
  secretString?: string;
  secretBinary?: Buffer;
  createdDate: number;
}

/** One key in one Region: a single-Region key, a multi-Region primary or a replica. */
export interface KeyRecord {
  shared: SharedKey;
  region: string;
  arn: string;
  creationDate: number;
  description: string;
  state: KeyState;
  policy: string;
  tags: Map<string, string>;
  /** Epoch ms; set while PendingDeletion. */
  deletionDate: number | null;
  /** Set while PendingDeletion or PendingReplicaDeletion. */
  pendingWindowInDays: number | null;
  keyManager: 'CUSTOMER' | 'AWS';
  /** While Creating: epoch ms (emulator clock) at which the key becomes Enabled. */
  creatingUntil: number | null;
  /** While Updating (after UpdatePrimaryRegion): epoch ms at which the key is Enabled again. */
  updatingUntil?: number | null;
  /** Field realism: until then a request on the key may answer NotFoundException (`consistency.ts`). */
  freshUntil?: number;
  /** Field realism: ListKeys omits the key until then. */
  listedFrom?: number;
  /** Field realism: what ListResourceTags still shows after a tag change. */
  tagsLag?: Lag<Map<string, string>>;
  /** Field realism: the tags `aws:ResourceTag/*` still sees after a tag change. */
  authTagsLag?: Lag<Map<string, string>>;
  /** Whether the key ever had a tag: the Tagging API lists it from then on, with no tags if it lost them all. */
  everTagged?: boolean;
  /** Field realism (`tagIndexLagMs`): what GetResources still shows after a tag change (null: not listed). */
  indexLag?: Lag<Map<string, string> | null>;
  /** Grants on this key in this Region (grants are per key and Region; they go when the key goes). */
  grants?: GrantRecord[];
  /** EXTERNAL keys: the material imported and not expired or deleted; null/absent = none (PendingImport). */
  imported?: ImportedMaterial | null;
  /** EXTERNAL symmetric keys: every material imported here, current, non-current and pending rotation. */
  materials?: MaterialVersion[];
  /** Keys in a custom key store: the state to return to when the store connects again. */
  unavailableFrom?: 'Enabled' | 'Disabled';
}

/** One grant, as ListGrants shows it (`operations/grants.ts`). */
export interface GrantRecord {
  grantId: string;
  name: string | null;
  granteePrincipal: string;
  retiringPrincipal: string | null;
  operations: string[];
  constraints: { EncryptionContextSubset?: Record<string, string>; EncryptionContextEquals?: Record<string, string> } | null;
  creationDate: number;
  /** Field realism: until then RevokeGrant of the grant may answer NotFoundException (`consistency.ts`). */
  freshUntil?: number;
  /** Field realism: ListGrants omits the grant until then. */
  listedFrom?: number;
}

export interface AliasRecord {
  aliasName: string;
  region: string;
  targetKeyId: string;
  creationDate: number;
  lastUpdatedDate: number;
}

/** Behaviour that the control API can change at any time. */
export interface EmulatorConfig extends FieldRealism {
  latencyMs: number;
  latencyJitterMs: number;
  /** Probability (0–1) that a KMS/Account request answers 500 KMSInternalException without effect. */
  errorRate5xx: number;
  /** Probability (0–1) that a KMS/Account request is executed but its connection destroyed unanswered. */
  dropRate: number;
  quotas: EmulatorQuotas;
  /** Multiplies every quota (0.2 = a throttling storm). */
  quotaScale: number;
  replicaCreatingMs: number;
  /** Default propagation delay of principals registered without one. */
  principalPropagationMs: number;
  /** Who the requests come from, for the policy lockout safety check. */
  callerArn: string;
  /** Seed of the deterministic random source used for fault injection. */
  seed: number;
}

export interface Counts {
  byOperation: Record<string, number>;
  byRegionOperation: Record<string, Record<string, number>>;
  throttled: number;
  /** The throttled requests (also counted in `byOperation`), per operation. */
  throttledByOperation: Record<string, number>;
  mutations: number;
  injectedFaults: number;
}

/** One mutating KMS call that took effect, as `GET /__emulator/calls` reports it. */
export interface MutatingCall {
  region: string;
  operation: string;
  /** The key the call names (`KeyId`, `TargetKeyId`, or the key `CreateKey` made), an ARN cut to its id; null for none. */
  keyId: string | null;
  /** The alias the call names (`AliasName`), else null. */
  aliasName: string | null;
}

/** The call log keeps this many, the newest (a bench run makes tens of thousands). */
export const MAX_LOGGED_CALLS = 20_000;

export function emptyCounts(): Counts {
  return { byOperation: {}, byRegionOperation: {}, throttled: 0, throttledByOperation: {}, mutations: 0, injectedFaults: 0 };
}

export function defaultCallerArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:role/multi-region-kms-keys-function`;
}

/** The account's keys, aliases, principals, clock, settings and counters. */
/** One stack event (`cloudFormation.ts`). */
export interface EmulatorStackEvent {
  eventId: string;
  logicalResourceId: string;
  physicalResourceId: string;
  resourceType: string;
  resourceStatus: string;
  resourceStatusReason?: string;
  timestamp: number;
}

/** A stack whose events the driver registered. */
export interface EmulatorStack {
  stackId: string;
  stackName: string;
  events: EmulatorStackEvent[];
}

export class EmulatorState {
  accountId: string;
  regions: string[];
  keys = new Map<string, Map<string, KeyRecord>>();
  aliases = new Map<string, Map<string, AliasRecord>>();
  /** IAM principal ARN → emulator time (ms) from which policies may name it. */
  principals = new Map<string, number>();
  config: EmulatorConfig;
  counts: Counts = emptyCounts();
  /** The mutating calls that took effect since the counters were last reset, oldest first (at most MAX_LOGGED_CALLS). */
  calls: MutatingCall[] = [];
  /** Armed crash point: kill `pid` once `remaining` more mutating calls have taken effect. */
  crash: { pid: number; remaining: number } | null = null;
  /** Field realism: what ListAliases still shows of an alias written recently, per Region (null = absent). */
  aliasLag = new Map<string, Map<string, Lag<AliasRecord | null>>>();
  /** Import token (base64) → the parameters it belongs to (`operations/keyMaterial.ts`). */
  importTokens = new Map<string, ImportParameters>();
  /** Custom key stores: id → store. */
  customKeyStores = new Map<string, CustomKeyStoreRecord>();
  /** Secrets Manager: secret ARN → secret (`operations/secrets.ts`). */
  secrets = new Map<string, SecretRecord>();
  /** Dice of field realism (fresh keys, listing lag), seeded apart from the fault dice. */
  realismRandom: () => number = Math.random;
  /** CloudFormation stacks the driver plays, by StackId, with their events oldest first (`cloudFormation.ts`). */
  stacks = new Map<string, EmulatorStack>();
  private clockOffsetMs = 0;

  constructor(accountId: string, regions: string[], config: EmulatorConfig) {
    this.accountId = accountId;
    this.regions = regions;
    this.config = config;
  }

  /** Emulator time in epoch ms: wall time plus whatever `advance-time` added. */
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  partition(region: string): string {
    return partitionOf(region);
  }

  isEnabled(region: string): boolean {
    return this.regions.includes(region);
  }

  keysIn(region: string): Map<string, KeyRecord> {
    let keys = this.keys.get(region);
    if (!keys) {
      keys = new Map();
      this.keys.set(region, keys);
    }
    return keys;
  }

  aliasesIn(region: string): Map<string, AliasRecord> {
    let aliases = this.aliases.get(region);
    if (!aliases) {
      aliases = new Map();
      this.aliases.set(region, aliases);
    }
    return aliases;
  }

  /** The key with this id in this Region, with a finished `Creating` turned `Enabled`. */
  findKey(region: string, keyId: string): KeyRecord | undefined {
    const key = this.keys.get(region)?.get(keyId);
    if (key) this.refresh(key);
    return key;
  }

  /** Every Region holding a key with this id (a multi-Region key and its replicas), primary first. */
  relatedKeys(shared: SharedKey): KeyRecord[] {
    const related: KeyRecord[] = [];
    for (const keys of this.keys.values()) {
      const key = keys.get(shared.keyId);
      if (key) {
        this.refresh(key);
        related.push(key);
      }
    }
    return related.sort((a, b) => (a.region === shared.primaryRegion ? -1 : b.region === shared.primaryRegion ? 1 : a.region.localeCompare(b.region)));
  }

  /**
   * A replica leaves `Creating` lazily, when it is next looked at after `creatingUntil`; keys leave
   * `Updating` the same way after `updatingUntil`.
   */
  refresh(key: KeyRecord): void {
    if (key.state === 'Creating' && key.creatingUntil !== null && this.now() >= key.creatingUntil) {
      key.state = 'Enabled';
      key.creatingUntil = null;
    }
    if (key.state === 'Updating' && key.updatingUntil != null && this.now() >= key.updatingUntil) {
      key.state = 'Enabled';
      key.updatingUntil = null;
    }
    // A key in a custom key store is Unavailable while its store is not connected (key-state table).
    const store = key.shared.customKeyStoreId === undefined ? undefined : this.customKeyStores.get(key.shared.customKeyStoreId);
    if (store !== undefined) {
      if (store.connectionState !== 'CONNECTED' && (key.state === 'Enabled' || key.state === 'Disabled')) {
        key.unavailableFrom = key.state;
        key.state = 'Unavailable';
      } else if (store.connectionState === 'CONNECTED' && key.state === 'Unavailable') {
        key.state = key.unavailableFrom ?? 'Enabled';
      }
    }
    // "When the key material expires, KMS deletes the key material and the KMS key becomes unusable"
    // (Developer Guide, "Import key material"): PendingImport, unless it is pending deletion.
    // Each material expires on its own; a current or non-current one missing makes the key PendingImport
    // ("import all of the key materials associated with the KMS key to change its state to Enabled").
    let lost = false;
    for (const version of key.materials ?? []) {
      if (version.imported && version.validTo !== null && this.now() >= version.validTo) {
        version.imported = false;
        if (version.state === 'CURRENT') key.imported = null;
        lost ||= version.state === 'CURRENT' || version.state === 'NON_CURRENT';
      }
    }
    if (lost && (key.state === 'Enabled' || key.state === 'Disabled')) key.state = 'PendingImport';
  }

  /**
   * Whether a key policy may name this AWS principal: account roots and bare account ids always;
   * IAM users/roles only once registered and propagated. The caller is always registered.
   */
  isKnownPrincipal(principal: string): boolean {
    if (principal === '*' || /^\d{12}$/.test(principal)) return true;
    if (/^arn:aws(-cn|-us-gov)?:iam::\d{12}:root$/.test(principal)) return true;
    if (principal === this.config.callerArn) return true;
    const availableAt = this.principals.get(principal);
    return availableAt !== undefined && this.now() >= availableAt;
  }

  registerPrincipals(arns: string[], propagationMs: number): void {
    const availableAt = this.now() + propagationMs;
    for (const arn of arns) this.principals.set(arn, availableAt);
  }

  /** Logs a mutating call that took effect. */
  logCall(call: MutatingCall): void {
    this.calls.push(call);
    if (this.calls.length > MAX_LOGGED_CALLS + 1_000) this.calls.splice(0, this.calls.length - MAX_LOGGED_CALLS);
  }

  count(region: string, operation: string): void {
    this.counts.byOperation[operation] = (this.counts.byOperation[operation] ?? 0) + 1;
    const perRegion = this.counts.byRegionOperation[region] ?? {};
    perRegion[operation] = (perRegion[operation] ?? 0) + 1;
    this.counts.byRegionOperation[region] = perRegion;
  }
}

export function defaultConfig(accountId: string): EmulatorConfig {
  return {
    latencyMs: 0,
    latencyJitterMs: 0,
    errorRate5xx: 0,
    dropRate: 0,
    quotas: { ...DEFAULT_EMULATOR_QUOTAS },
    quotaScale: 1,
    replicaCreatingMs: 2000,
    principalPropagationMs: 0,
    callerArn: defaultCallerArn(accountId),
    seed: 1,
    ...NO_REALISM,
  };
}
