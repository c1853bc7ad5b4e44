/**
 * A typed client for the emulator's control API (`/__emulator/*`, DESIGN.md), shared by `npm start`,
 * the bench, the reliability suite and the tests: reset, configure faults, register principals,
 * seed foreign keys, read state and counters.
 */
import type { FieldRealismOptions } from './realism.ts';
import type { Counts, MutatingCall } from './state.ts';

/** One key as `GET /__emulator/state` reports it. */
export interface SnapshotKey {
  region: string;
  keyId: string;
  arn: string;
  keyState: string;
  keyManager: 'CUSTOMER' | 'AWS';
  keySpec: string;
  keyUsage: string;
  multiRegion: boolean;
  multiRegionKeyType: 'PRIMARY' | 'REPLICA' | null;
  primaryRegion: string | null;
  replicaRegions: string[];
  description: string;
  policy: string;
  tags: Record<string, string>;
  /** The key's grants in this Region. */
  grants?: { grantId: string; name: string | null; granteePrincipal: string; operations: string[] }[];
  rotation: { enabled: boolean; periodInDays: number };
  creationDate: string;
  deletionDate: string | null;
  pendingWindowInDays: number | null;
  /** Present for `Origin: EXTERNAL` keys only. */
  origin?: 'EXTERNAL';
  /** EXTERNAL keys with material: when it expires (ISO), null when it does not; absent without material. */
  keyMaterialValidTo?: string | null;
  /** EXTERNAL symmetric keys: their materials' ids, states and descriptions, oldest first; never the material. */
  keyMaterials?: { id: string; state: string; imported: boolean; description: string | null }[];
}

export interface SnapshotAlias {
  region: string;
  aliasName: string;
  targetKeyId: string;
}

/** Every key and alias of every Region. */
export interface Snapshot {
  keys: SnapshotKey[];
  aliases: SnapshotAlias[];
}

/** `GET /__emulator/counts`. */
export type EmulatorCounts = Counts;

/** Behaviour settings of `POST /__emulator/config`, field realism included (`realism.ts`). */
export interface EmulatorConfigPatch extends FieldRealismOptions {
  latencyMs?: number;
  latencyJitterMs?: number;
  errorRate5xx?: number;
  dropRate?: number;
  quotaScale?: number;
  replicaCreatingMs?: number;
  seed?: number;
  callerArn?: string;
}

/** What `POST /__emulator/reset` may override (the rest returns to the start options). */
export interface EmulatorResetBody extends FieldRealismOptions {
  accountId?: string;
  regions?: string[];
  replicaCreatingMs?: number;
}

export interface SeedKeyRequest {
  region: string;
  aliasName?: string;
  tags?: Record<string, string>;
  spec?: string;
  multiRegion?: boolean;
  description?: string;
  /** `AWS`: an AWS managed key (needs an `alias/aws/…` aliasName). Default `CUSTOMER`. */
  keyManager?: 'CUSTOMER' | 'AWS';
}

export interface EmulatorControl {
  reset(body?: EmulatorResetBody): Promise<void>;
  config(patch: EmulatorConfigPatch): Promise<void>;
  principals(arns: string[]): Promise<void>;
  seedKey(request: SeedKeyRequest): Promise<{ keyId: string; arn: string }>;
  state(): Promise<Snapshot>;
  counts(): Promise<EmulatorCounts>;
  resetCounts(): Promise<void>;
  /** A Secrets Manager secret (`secretBinary` in base64) → its ARN. */
  secret(request: { region: string; name: string; secretString?: string; secretBinary?: string }): Promise<{ arn: string }>;
  /** A custom key store in `connectionState` (or, with `customKeyStoreId`, that store's new state). */
  customKeyStore(request: {
    region?: string;
    type?: 'AWS_CLOUDHSM' | 'EXTERNAL_KEY_STORE';
    name?: string;
    connectionState: string;
    customKeyStoreId?: string;
    /** External key store: the external keys its key manager holds (absent: any id is a usable key). */
    externalKeys?: Record<string, 'usable' | 'invalidConfiguration'>;
  }): Promise<{
    customKeyStoreId: string;
  }>;
  /** Moves the emulator's clock forward: deletion windows, import tokens and key material expire. */
  advanceTime(days: number): Promise<{ deleted: string[] }>;
  /** The mutating calls that took effect since the counters were last reset, oldest first. */
  calls(): Promise<MutatingCall[]>;
}

/** A control client for the emulator at `url`; every non-2xx answer throws with the emulator's message. */
export function emulatorControl(url: string): EmulatorControl {
  const call = async <T>(path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${url}/__emulator/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`emulator ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  };
  return {
    reset: async (body) => void (await call('reset', body ?? {})),
    config: async (patch) => void (await call('config', patch)),
    principals: async (arns) => void (await call('principals', { arns, propagationMs: 0 })),
    seedKey: (request) => call('seed-key', request),
    state: () => call('state'),
    counts: () => call('counts'),
    resetCounts: async () => void (await call('counts/reset', {})),
    secret: (request) => call('secrets', request),
    customKeyStore: (request) => call('custom-key-stores', request),
    advanceTime: (days) => call('advance-time', { days }),
    calls: async () => (await call<{ calls: MutatingCall[] }>('calls')).calls,
  };
}
