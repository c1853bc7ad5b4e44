/**
 * The emulator's model of one account: keys and aliases per Region, registered IAM principals, a
 * clock that control calls can move forward, behaviour settings and request counters.
 */
import type { KeySpec, KeyState, KeyUsage } from './kmsFacts.ts';
import { KMS_REQUEST_QUOTAS, type KmsQuotaName, TAGGING_REQUEST_QUOTAS, type TaggingQuotaName } from './kmsFacts.ts';
import { type FieldRealism, NO_REALISM } from './realism.ts';
import { partitionOf } from './regions.ts';

/** Request quotas: KMS's per-operation ones, the shared cryptographic-operations quota, and GetResources. */
export type EmulatorQuotas = Record<KmsQuotaName | TaggingQuotaName, number>;

export const DEFAULT_EMULATOR_QUOTAS: EmulatorQuotas = { ...KMS_REQUEST_QUOTAS, ...TAGGING_REQUEST_QUOTAS };

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
