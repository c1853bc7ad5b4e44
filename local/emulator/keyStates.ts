/**
 * KMS's key-state table, as data: for each operation that acts on an existing key, whether it
 * succeeds in each key state or which exception it answers. Written from the KMS Developer Guide,
 * "Key states of AWS KMS keys" (https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html,
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
 *
 * RotateKeyOnDemand and ListKeyRotations were not found in the table as read: their rows copy
 * EnableKeyRotation's (Updating refused) and GetKeyRotationStatus's, except that ListKeyRotations
 * works in PendingImport, where its ImportState tells which material is missing (guesses, README).
 *
 * Adding an operation is one more row.
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

type Row = readonly [KeyStateOutcome, KeyStateOutcome, KeyStateOutcome, KeyStateOutcome, KeyStateOutcome, KeyStateOutcome, KeyStateOutcome, KeyStateOutcome];

const Y = 'ok';
const D = 'DisabledException';
const I = 'KMSInvalidStateException';
/** [6] (`<key ARN> origin is EXTERNAL which is not valid for this operation.`) and [9] (a key that cannot have imported material). */
const U = 'UnsupportedOperationException';

/**
 * Operation → outcome per column of {@link KEY_STATE_COLUMNS}. For CreateAlias and UpdateAlias the
 * row is the target key's ([10]: an UpdateAlias whose *source* key is pending deletion succeeds).
 */
export const KEY_STATE_TABLE: Readonly<Record<string, Row>> = {
  //                        Enabled Disabled PendDel PendRepl PendImp Unavail Creating Updating
  CancelKeyDeletion: /*    */ [I, I, Y, Y, I, I, I, I],
  CreateAlias: /*          */ [Y, Y, I, I, Y, Y, Y, Y],
  CreateGrant: /*          */ [Y, D, I, I, I, Y, I, Y],
  Decrypt: /*              */ [Y, D, I, I, I, I, I, Y],
  DeleteAlias: /*          */ [Y, Y, Y, Y, Y, Y, Y, Y],
  DeleteImportedKeyMaterial: [Y, Y, Y, I, Y, U, I, I],
  DescribeKey: /*          */ [Y, Y, Y, Y, Y, Y, Y, Y],
  DisableKey: /*           */ [Y, Y, I, I, I, Y, I, I],
  DisableKeyRotation: /*   */ [Y, D, I, I, U, I, I, Y],
  EnableKey: /*            */ [Y, Y, I, I, I, Y, I, I],
  EnableKeyRotation: /*    */ [Y, D, I, I, U, I, I, Y],
  Encrypt: /*              */ [Y, D, I, I, I, I, I, Y],
  GenerateDataKey: /*      */ [Y, D, I, I, I, I, I, Y],
  GenerateMac: /*          */ [Y, D, I, I, I, I, I, Y],
  GetKeyPolicy: /*         */ [Y, Y, Y, Y, Y, Y, Y, Y],
  GetKeyRotationStatus: /* */ [Y, Y, Y, Y, U, I, Y, Y],
  GetParametersForImport: /**/ [Y, Y, I, I, Y, U, I, I],
  GetPublicKey: /*         */ [Y, D, I, I, I, I, I, Y],
  ImportKeyMaterial: /*    */ [Y, Y, I, I, Y, U, I, I],
  ListAliases: /*          */ [Y, Y, Y, Y, Y, Y, Y, Y],
  ListGrants: /*           */ [Y, Y, Y, Y, Y, Y, Y, Y],
  ListKeyRotations: /*     */ [Y, Y, Y, Y, Y, I, Y, Y],
  ListResourceTags: /*     */ [Y, Y, Y, Y, Y, Y, Y, Y],
  PutKeyPolicy: /*         */ [Y, Y, Y, Y, Y, Y, Y, Y],
  ReplicateKey: /*         */ [Y, D, I, I, I, I, I, I],
  RetireGrant: /*          */ [Y, Y, Y, Y, Y, Y, Y, Y],
  RevokeGrant: /*          */ [Y, Y, Y, Y, Y, Y, Y, Y],
  RotateKeyOnDemand: /*    */ [Y, D, I, I, I, I, I, I],
  ScheduleKeyDeletion: /*  */ [Y, Y, I, I, Y, Y, Y, I],
  Sign: /*                 */ [Y, D, I, I, I, I, I, Y],
  TagResource: /*          */ [Y, Y, I, I, Y, Y, Y, Y],
  UntagResource: /*        */ [Y, Y, I, I, Y, Y, Y, Y],
  UpdateAlias: /*          */ [Y, Y, I, I, Y, Y, Y, Y],
  UpdateKeyDescription: /* */ [Y, Y, I, I, Y, Y, Y, Y],
  UpdatePrimaryRegion: /*  */ [Y, D, I, I, I, I, I, Y],
  Verify: /*               */ [Y, D, I, I, I, I, I, Y],
  VerifyMac: /*            */ [Y, D, I, I, I, I, I, Y],
};

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

/** The table's cell for `operation` on a key in `state`; an operation without a row is a bug of the emulator. */
export function keyStateOutcome(operation: string, state: KeyState): KeyStateOutcome {
  const row = KEY_STATE_TABLE[operation];
  if (row === undefined) throw new Error(`the key-state table has no row for ${operation}`);
  return row[KEY_STATE_COLUMNS.indexOf(state)]!;
}

/** Throws what KMS answers when `operation` meets the key `arn` in `state`, per the table; nothing when it works. */
export function checkKeyState(operation: string, key: { arn: string; state: KeyState }): void {
  const outcome = keyStateOutcome(operation, key.state);
  if (outcome === 'ok') return;
  if (outcome === 'DisabledException') throw faults.disabled(key.arn);
  if (outcome === 'UnsupportedOperationException')
    throw faults.unsupported(`${key.arn} origin is not valid for ${operation} while it is ${STATE_WORDS[key.state]}.`);
  // [4]: CancelKeyDeletion's refusal names what the key is not.
  if (operation === 'CancelKeyDeletion') throw faults.invalidState(`${key.arn} is not pending deletion.`);
  throw faults.invalidState(`${key.arn} is ${STATE_WORDS[key.state]}.`);
}
