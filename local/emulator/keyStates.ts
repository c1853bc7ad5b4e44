/**
 * KMS's key-state table ("Key states of AWS KMS keys", KMS Developer Guide,
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html, "Key state table"), as
 * the emulator enforces it: operation → outcome per column of `KEY_STATE_COLUMNS`. Assembled from
 * the rows the operation modules declare beside their handlers and quotas (the `keyStates` of each
 * entry, operations/common.ts), so a new operation is its module's change; what the cells and
 * footnotes mean, and which cells are guesses, is keyStateCells.ts. The tests read it here:
 * tests/emulator/keyStateRows.test.ts compares it with the Developer Guide's table row by row, and
 * tests/emulator/keyStateTable.test.ts walks it through the real SDK.
 */

import { type KeyStateOutcome, type KeyStateRow, outcomeIn } from './keyStateCells.ts';
import type { KeyState } from './kmsFacts.ts';
import { OPERATIONS } from './operations/index.ts';

/** Every operation the emulator serves that has a row, with it. */
export const KEY_STATE_TABLE: Readonly<Record<string, KeyStateRow>> = Object.fromEntries(
  Object.entries(OPERATIONS).flatMap(([operation, { keyStates }]) => (keyStates === undefined ? [] : [[operation, keyStates]])),
);

/** The table's cell for `operation` on a key in `state`; an operation without a row is a bug of the emulator. */
export function keyStateOutcome(operation: string, state: KeyState): KeyStateOutcome {
  const row = KEY_STATE_TABLE[operation];
  if (row === undefined) throw new Error(`the key-state table has no row for ${operation}`);
  return outcomeIn(row, state);
}
