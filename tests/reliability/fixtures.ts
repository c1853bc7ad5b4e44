/** Snapshot builders for the reliability suite's unit tests. */

import { OWNERSHIP_TAGS } from '../../lib/ownership.ts';
import type { SnapshotKey } from '../../local/emulator/client.ts';

export const OWNER = 'mrkk-00000000000000000000000000000001';

let counter = 0;

/** A key as the emulator's state reports it; owned by `OWNER` as `keyName` unless `tags` say otherwise. */
export function key(region: string, keyName: string | null, overrides: Partial<SnapshotKey> = {}): SnapshotKey {
  counter += 1;
  const keyId = overrides.keyId ?? `00000000-0000-0000-0000-${String(counter).padStart(12, '0')}`;
  return {
    region,
    keyId,
    arn: `arn:aws:kms:${region}:111122223333:key/${keyId}`,
    keyState: 'Enabled',
    keyManager: 'CUSTOMER',
    keySpec: 'SYMMETRIC_DEFAULT',
    keyUsage: 'ENCRYPT_DECRYPT',
    multiRegion: false,
    multiRegionKeyType: null,
    primaryRegion: null,
    replicaRegions: [],
    description: `key ${keyName ?? 'foreign'}`,
    policy: '{}',
    tags: keyName === null ? {} : { [OWNERSHIP_TAGS.owner]: OWNER, [OWNERSHIP_TAGS.keyName]: keyName },
    rotation: { enabled: true, periodInDays: 365 },
    creationDate: `2026-01-01T00:00:${String(counter % 60).padStart(2, '0')}.000Z`,
    deletionDate: null,
    pendingWindowInDays: null,
    ...overrides,
  };
}
