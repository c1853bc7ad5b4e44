/**
 * One emulator instance: its state, quota buckets and random source, and how to reset them to the
 * options it was started with.
 */
import { seededRandom } from './faults.ts';
import { seedAwsManagedKeys } from './model.ts';
import { type QuotaName, TokenBuckets } from './quotas.ts';
import { type FieldRealismOptions, REALISM_FIELDS } from './realism.ts';
import { DEFAULT_ENABLED_REGIONS } from './regions.ts';
import { defaultConfig, type EmulatorQuotas, EmulatorState } from './state.ts';

/** Options of `startEmulator` (and the CLI), field realism included (`realism.ts`). */
export interface EmulatorOptions extends FieldRealismOptions {
  /** 0 (default) = an ephemeral port. */
  port?: number;
  /** Default `111122223333`. */
  accountId?: string;
  /** Enabled Regions; default the 17 default-enabled commercial Regions. */
  regions?: string[];
  quotas?: Partial<EmulatorQuotas>;
  /** How long a new replica stays `Creating`; default 2000 ms. */
  replicaCreatingMs?: number;
  /** The caller for the lockout safety check; default `arn:aws:iam::<account>:role/multi-region-kms-keys-function`. */
  callerArn?: string;
  /** IAM principals that exist from the start (no propagation delay). */
  principals?: string[];
}

/** What `POST /__emulator/reset` may override (field realism included). */
export interface ResetOverrides extends FieldRealismOptions {
  accountId?: string;
  regions?: string[];
  quotas?: Partial<EmulatorQuotas>;
  replicaCreatingMs?: number;
}

export const DEFAULT_ACCOUNT_ID = '111122223333';

/** The realism dice run on their own stream, so turning a mode on does not move the fault dice. */
function realismRandom(seed: number): () => number {
  return seededRandom((seed ^ 0x9e3779b9) >>> 0);
}

export class Emulator {
  readonly options: EmulatorOptions;
  state: EmulatorState;
  readonly buckets: TokenBuckets;
  random: () => number;

  constructor(options: EmulatorOptions = {}) {
    this.options = options;
    this.buckets = new TokenBuckets((quota: QuotaName) => this.state.config.quotas[quota] * this.state.config.quotaScale);
    this.state = this.freshState({});
    this.random = seededRandom(this.state.config.seed);
  }

  private freshState(overrides: ResetOverrides): EmulatorState {
    const accountId = overrides.accountId ?? this.options.accountId ?? DEFAULT_ACCOUNT_ID;
    const regions = [...(overrides.regions ?? this.options.regions ?? DEFAULT_ENABLED_REGIONS)];
    const config = defaultConfig(accountId);
    config.quotas = { ...config.quotas, ...this.options.quotas, ...overrides.quotas };
    config.replicaCreatingMs = overrides.replicaCreatingMs ?? this.options.replicaCreatingMs ?? config.replicaCreatingMs;
    if (this.options.callerArn !== undefined) config.callerArn = this.options.callerArn;
    for (const field of REALISM_FIELDS) {
      const value = overrides[field] !== undefined ? overrides[field] : this.options[field];
      if (value !== undefined) (config as unknown as Record<string, unknown>)[field] = value;
    }
    const state = new EmulatorState(accountId, regions, config);
    state.realismRandom = realismRandom(config.seed);
    state.registerPrincipals(this.options.principals ?? [], 0);
    seedAwsManagedKeys(state);
    return state;
  }

  /** Re-seeds both dice (the control API's `seed`). */
  reseed(seed: number): void {
    this.random = seededRandom(seed);
    this.state.realismRandom = realismRandom(seed);
  }

  /** Forgets keys, aliases, principals registered since start, counters, faults and the crash point. */
  reset(overrides: ResetOverrides = {}): void {
    this.state = this.freshState(overrides);
    this.buckets.reset();
    this.random = seededRandom(this.state.config.seed);
  }
}
