/**
 * Creating and removing keys in the model, the default key policy, the AWS managed keys seeded at
 * reset, and the time-driven part of the key lifecycle (pending deletions elapsing).
 */

import { newKeyMaterial } from './crypto.ts';
import { keyArn, newKeyId } from './ids.ts';
import type { KeySpec, KeyUsage } from './kmsFacts.ts';
import type { EmulatorState, KeyRecord, SharedKey } from './state.ts';

const DAY_MS = 86_400_000;

/** The policy KMS attaches when CreateKey/ReplicateKey get none: the account root may do everything. */
export function defaultKeyPolicy(partition: string, accountId: string): string {
  const policy = {
    Version: '2012-10-17',
    Id: 'key-default-1',
    Statement: [
      {
        Sid: 'Enable IAM User Permissions',
        Effect: 'Allow',
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
    ],
  };
  return JSON.stringify(policy, null, 2);
}

export function newSharedKey(spec: KeySpec, usage: KeyUsage, multiRegion: boolean, primaryRegion: string): SharedKey {
  return {
    keyId: newKeyId(multiRegion),
    material: spec === 'SYMMETRIC_DEFAULT' ? newKeyMaterial() : null,
    spec,
    usage,
    multiRegion,
    primaryRegion,
    rotation: { enabled: false, periodInDays: 365, enabledAt: 0 },
  };
}

export interface NewKey {
  region: string;
  shared: SharedKey;
  description: string;
  policy: string;
  tags: Map<string, string>;
  keyManager?: 'CUSTOMER' | 'AWS';
  /** Replicas start `Creating` for this long. */
  creatingMs?: number;
}

/** Adds a key (or a replica, when `shared` already has a primary elsewhere) to its Region. */
export function addKey(state: EmulatorState, spec: NewKey): KeyRecord {
  const now = state.now();
  const key: KeyRecord = {
    shared: spec.shared,
    region: spec.region,
    arn: keyArn(state.partition(spec.region), spec.region, state.accountId, spec.shared.keyId),
    creationDate: now,
    description: spec.description,
    state: spec.creatingMs !== undefined && spec.creatingMs > 0 ? 'Creating' : 'Enabled',
    policy: spec.policy,
    tags: spec.tags,
    ...(spec.tags.size > 0 ? { everTagged: true } : {}),
    deletionDate: null,
    pendingWindowInDays: null,
    keyManager: spec.keyManager ?? 'CUSTOMER',
    creatingUntil: spec.creatingMs !== undefined && spec.creatingMs > 0 ? now + spec.creatingMs : null,
  };
  state.keysIn(spec.region).set(spec.shared.keyId, key);
  return key;
}

/** Deletes a key for good, with every alias that points at it (as KMS does when a key is deleted). */
export function removeKey(state: EmulatorState, key: KeyRecord): void {
  state.keysIn(key.region).delete(key.shared.keyId);
  const aliases = state.aliasesIn(key.region);
  for (const [name, alias] of aliases) if (alias.targetKeyId === key.shared.keyId) aliases.delete(name);
}

/** Seeds `alias/aws/s3` and its AWS managed key in every enabled Region. */
export function seedAwsManagedKeys(state: EmulatorState): void {
  for (const region of state.regions) {
    const shared = newSharedKey('SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT', false, region);
    const key = addKey(state, {
      region,
      shared,
      description: 'Default key that protects my S3 objects when no other key is defined',
      policy: defaultKeyPolicy(state.partition(region), state.accountId),
      tags: new Map(),
      keyManager: 'AWS',
    });
    const now = state.now();
    state.aliasesIn(region).set('alias/aws/s3', { aliasName: 'alias/aws/s3', region, targetKeyId: key.shared.keyId, creationDate: now, lastUpdatedDate: now });
  }
}

/**
 * Moves the clock forward and lets pending deletions elapse in time order. A primary in
 * PendingReplicaDeletion starts its own waiting period when its last replica is deleted.
 */
export function advanceTime(state: EmulatorState, days: number): { deleted: string[] } {
  const target = state.now() + days * DAY_MS;
  const deleted: string[] = [];
  for (;;) {
    let next: KeyRecord | null = null;
    for (const keys of state.keys.values()) {
      for (const key of keys.values()) {
        if (
          key.state === 'PendingDeletion' &&
          key.deletionDate !== null &&
          key.deletionDate <= target &&
          (next === null || key.deletionDate < next.deletionDate!)
        )
          next = key;
      }
    }
    if (next === null) break;
    const at = next.deletionDate!;
    removeKey(state, next);
    deleted.push(next.arn);
    const primary = state.keys.get(next.shared.primaryRegion)?.get(next.shared.keyId);
    if (primary && primary.state === 'PendingReplicaDeletion' && state.relatedKeys(primary.shared).length === 1) {
      primary.state = 'PendingDeletion';
      primary.deletionDate = at + (primary.pendingWindowInDays ?? 30) * DAY_MS;
    }
  }
  state.advanceClock(target - state.now());
  return { deleted };
}

export { DAY_MS };
