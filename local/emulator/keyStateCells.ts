/**
 * The cells of KMS's key-state table and what each answers: for an operation that acts on an
 * existing key, whether it succeeds in each key state or which exception it answers. Each operation
 * module declares the rows of its operations (the `keyStates` of their entries, operations/common.ts),
 * the server hands the served operation's row to its handler (`OpContext.keyStates`), and
 * `checkKeyState` answers as KMS does; keyStates.ts assembles the rows into the one table.
 * Rows are written from the KMS Developer Guide, "Key states of AWS KMS keys" (https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html,
 * "Key state table", checked 2026-12), footnotes quoted where a cell points at one:
 * - [1] `DisabledException: <key ARN> is disabled.`
 * - [2]/[3] `DisabledException` or `KMSInvalidStateException: <key ARN> is pending deletion (or
 *   pending replica deletion).` The table does not say which of the two a given operation answers;
 *   the emulator answers KMSInvalidStateException (a guess, local/emulator/README.md).
 * - [4] `KMSInvalidStateException: <key ARN> is not pending deletion (or pending replica deletion).`
 * - [5] `KMSInvalidStateException: <key ARN> is pending import.`
 * - [11] `KMSInvalidStateException: <key ARN> is unavailable.`
 * - [14] `KMSInvalidStateException: <key ARN> is creating.` (while ReplicateKey replicates)
 * - [15] `KMSInvalidStateException: <key ARN> is updating.` (while UpdatePrimaryRegion runs)
 * - [6] `UnsupportedOperationException: <key ARN> origin is EXTERNAL which is not valid for this
 *   operation.` (the rotation rows in PendingImport), [8] KMSInvalidStateException for a key with
 *   imported material, [9] `UnsupportedOperationException` for a key that cannot or does not have
 *   imported material (the import rows in Unavailable: only keys in a custom key store are
 *   Unavailable, and those never have imported material).
 * Cells marked `?` in the table depend on imported key material or a custom key store ([7], [9],
 * [10]); the emulator gives them the AWS_KMS key's outcome (an operation that needs an EXTERNAL key
 * refuses any other first, with UnsupportedOperationException). `N/A` cells refuse with
 * KMSInvalidStateException: Sign, Verify and GetPublicKey are N/A in PendingImport in the table as
 * read, which predates imported asymmetric material; [5] (`is pending import.`) is what such a key
 * answers here. The import rows and the PendingImport column were checked against the table as
 * published in awsdocs/aws-kms-developer-guide (doc_source/key-state.md, its last revision, which has
 * no Creating, Updating or PendingReplicaDeletion column and no HMAC operations): those cells, and
 * DeleteImportedKeyMaterial in PendingDeletion (the table marks it X [9]; the DeleteImportedKeyMaterial
 * API reference says it works and leaves the state PendingDeletion, which the emulator follows), are
 * listed as guesses in local/emulator/README.md.
 * Keys with imported material start `PendingImport` and return to it when the material expires or
 * is deleted (operations/keyMaterial.ts); a key in a custom key store is `Unavailable` while its
 * store is not connected (state.ts).
 */
import { faults } from './errors.ts';
import type { KeyState } from './kmsFacts.ts';

/** What one cell says: the call works (`ok`), or KMS refuses it with this exception. */
export type KeyStateOutcome = 'ok' | 'DisabledException' | 'KMSInvalidStateException' | 'UnsupportedOperationException';

/** The table's columns, in the table's order. */
export const KEY_STATE_COLUMNS = [
  'Enabled',
  'Disabled',
  'PendingDeletion',
  'PendingReplicaDeletion',
  'PendingImport',
  'Unavailable',
  'Creating',
  'Updating',
] as const satisfies readonly KeyState[];

/** One operation's row: its outcome per column of {@link KEY_STATE_COLUMNS}, in that order. */
export type KeyStateRow = readonly [
  KeyStateOutcome,
  KeyStateOutcome,
  KeyStateOutcome,
  KeyStateOutcome,
  KeyStateOutcome,
  KeyStateOutcome,
  KeyStateOutcome,
  KeyStateOutcome,
];

/** The call works. */
export const Y = 'ok';
/** [1] `DisabledException`. */
export const D = 'DisabledException';
/** `KMSInvalidStateException` ([2]–[5], [8], [11], [14], [15], N/A). */
export const I = 'KMSInvalidStateException';
/** [6] (`<key ARN> origin is EXTERNAL which is not valid for this operation.`) and [9] (a key that cannot have imported material). */
export const U = 'UnsupportedOperationException';

/** The word the footnotes use for each state (`<key ARN> is <word>.`). */
const STATE_WORDS: Record<KeyState, string> = {
  Creating: 'creating',
  Enabled: 'enabled',
  Disabled: 'disabled',
  PendingDeletion: 'pending deletion',
  PendingReplicaDeletion: 'pending replica deletion',
  PendingImport: 'pending import',
  Unavailable: 'unavailable',
  Updating: 'updating',
};

/** The served operation, as its handler sees it (`OpContext`): its name and its row, if its module declares one. */
export interface ServedOperation {
  operation: string;
  keyStates?: KeyStateRow;
}

/** `row`'s cell for a key in `state`. */
export function outcomeIn(row: KeyStateRow, state: KeyState): KeyStateOutcome {
  return row[KEY_STATE_COLUMNS.indexOf(state)]!;
}

/**
 * Throws what KMS answers when the served operation meets the key `arn` in `state`, per its row;
 * nothing when it works. An operation whose module declares no row is a bug of the emulator.
 */
export function checkKeyState({ operation, keyStates }: ServedOperation, key: { arn: string; state: KeyState }): void {
  if (keyStates === undefined) throw new Error(`the key-state table has no row for ${operation}`);
  const outcome = outcomeIn(keyStates, key.state);
  if (outcome === 'ok') return;
  if (outcome === 'DisabledException') throw faults.disabled(key.arn);
  if (outcome === 'UnsupportedOperationException')
    throw faults.unsupported(`${key.arn} origin is not valid for ${operation} while it is ${STATE_WORDS[key.state]}.`);
  // [4]: CancelKeyDeletion's refusal names what the key is not.
  if (operation === 'CancelKeyDeletion') throw faults.invalidState(`${key.arn} is not pending deletion.`);
  throw faults.invalidState(`${key.arn} is ${STATE_WORDS[key.state]}.`);
}
