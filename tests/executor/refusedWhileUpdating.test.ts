/**
 * The executor waits out `Updating` before exactly the actions KMS's key-state table refuses on an
 * Updating key (the emulator's table, local/emulator/keyStates.ts, assembled from the rows its
 * operation modules declare).
 * ImportKeyMaterial is one action for two requests: GetParametersForImport and ImportKeyMaterial.
 */

import { REFUSED_WHILE_UPDATING } from '../../lib/executor/primaryUpdated.ts';
import type { Action } from '../../lib/types.ts';
import { keyStateOutcome } from '../../local/emulator/keyStates.ts';

/** The KMS operations each action on an existing key sends (CreateKey acts on no key). */
const OPERATIONS_OF: Record<Exclude<Action['kind'], 'CreateKey'>, string[]> = {
  ReplicateKey: ['ReplicateKey'],
  CreateAlias: ['CreateAlias'],
  UpdateAlias: ['UpdateAlias'],
  DeleteAlias: ['DeleteAlias'],
  PutKeyPolicy: ['PutKeyPolicy'],
  TagResource: ['TagResource'],
  UntagResource: ['UntagResource'],
  UpdateKeyDescription: ['UpdateKeyDescription'],
  EnableKey: ['EnableKey'],
  DisableKey: ['DisableKey'],
  EnableKeyRotation: ['EnableKeyRotation'],
  DisableKeyRotation: ['DisableKeyRotation'],
  UpdatePrimaryRegion: ['UpdatePrimaryRegion'],
  ScheduleKeyDeletion: ['ScheduleKeyDeletion'],
  CancelKeyDeletion: ['CancelKeyDeletion'],
  CreateGrant: ['CreateGrant'],
  RevokeGrant: ['RevokeGrant'],
  ImportKeyMaterial: ['GetParametersForImport', 'ImportKeyMaterial'],
  RotateKeyOnDemand: ['RotateKeyOnDemand'],
};

describe('REFUSED_WHILE_UPDATING', () => {
  it.each(Object.entries(OPERATIONS_OF))('%s waits for Updating exactly when the key-state table refuses it', (kind, operations) => {
    // Arrange
    const refused = operations.some((operation) => keyStateOutcome(operation, 'Updating') !== 'ok');

    // Act
    const waits = REFUSED_WHILE_UPDATING.has(kind);

    // Assert
    expect(waits).toBe(refused);
  });
});
