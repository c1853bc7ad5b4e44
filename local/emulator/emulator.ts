/**
 * One emulator instance: its state, quota buckets and random source, and how to reset them to the
 * options it was started with.
 */

import { seededRandom } from './faults.ts';
import type { KmsQuotas } from './kmsFacts.ts';
import { seedAwsManagedKeys } from './model.ts';
import { type QuotaName, TokenBuckets } from './quotas.ts';
import { DEFAULT_ENABLED_REGIONS } from './regions.ts';
import { defaultConfig, type EmulatorQuotas, EmulatorState } from './state.ts';

/** Options of `startEmulator` (and the CLI). */
export interface EmulatorOptions {
  /** 0 (default) = an ephemeral port. */
  port?: number;
  /** Default `111122223333`. */
  accountId?: string;
  /** Enabled Regions; default the 17 default-enabled commercial Regions. */
  regions?: string[];
  quotas?: Partial<KmsQuotas> & { Cryptographic?: number };
  /** How long a new replica stays `Creating`; default 2000 ms. */
  replicaCreatingMs?: number;
  /** The caller for the lockout safety check; default `arn:aws:iam::<account>:role/multi-region-kms-keys-function`. */
  callerArn?: string;
  /** IAM principals that exist from the start (no propagation delay). */
  principals?: string[];
}

/** What `POST /__emulator/reset` may override. */
export interface ResetOverrides {
  accountId?: string;
  regions?: string[];
  quotas?: Partial<EmulatorQuotas>;
  replicaCreatingMs?: number;
}

export const DEFAULT_ACCOUNT_ID = '111122223333';

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
    const state = new EmulatorState(accountId, regions, config);
    state.registerPrincipals(this.options.principals ?? [], 0);
    seedAwsManagedKeys(state);
    return state;
  }

  /** Forgets keys, aliases, principals registered since start, counters, faults and the crash point. */
  reset(overrides: ResetOverrides = {}): void {
    this.state = this.freshState(overrides);
    this.buckets.reset();
    this.random = seededRandom(this.state.config.seed);
  }
}
