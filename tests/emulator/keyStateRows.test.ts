/**
 * The key-state table (local/emulator/keyStates.ts) is assembled from the rows the operation
 * modules declare. Here is KMS's table once more, as the Developer Guide prints it ("Key states of
 * AWS KMS keys", https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html, "Key state
 * table": operations in alphabetical order, columns as in `KEY_STATE_COLUMNS`), so that it can be
 * checked against the page row by row; the assembled table must be it, row for row. This copy is the
 * table as it stood in keyStates.ts before the rows moved into the modules. ListKeyRotations and
 * RotateKeyOnDemand are not in the table as read: their rows are guesses (local/emulator/README.md).
 */
import { KEY_STATE_COLUMNS, type KeyStateOutcome } from '../../local/emulator/keyStateCells.ts';
import { KEY_STATE_TABLE } from '../../local/emulator/keyStates.ts';
import { OPERATIONS } from '../../local/emulator/operations/index.ts';

const Y = 'ok';
const D = 'DisabledException';
const I = 'KMSInvalidStateException';
const U = 'UnsupportedOperationException';

const DEVELOPER_GUIDE_TABLE: Record<string, readonly KeyStateOutcome[]> = {
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

describe('Function: the key-state table assembled from the operation modules', () => {
  it('is the Developer Guide’s table, row for row', () => {
    // Act
    const assembled = Object.fromEntries(Object.entries(KEY_STATE_TABLE).map(([operation, row]) => [operation, [...row]]));

    // Assess
    expect(Object.keys(assembled).sort()).toEqual(Object.keys(DEVELOPER_GUIDE_TABLE));
    expect(assembled).toEqual(DEVELOPER_GUIDE_TABLE);
  });

  it('keeps the copy in the guide’s order, a cell per column', () => {
    // Act
    const operations = Object.keys(DEVELOPER_GUIDE_TABLE);
    const widths = new Set(Object.values(DEVELOPER_GUIDE_TABLE).map((row) => row.length));

    // Assess
    expect(operations).toEqual([...operations].sort());
    expect([...widths]).toEqual([KEY_STATE_COLUMNS.length]);
  });

  it('gives each row to an operation the emulator serves', () => {
    // Act
    const unserved = Object.keys(KEY_STATE_TABLE).filter((operation) => OPERATIONS[operation] === undefined);

    // Assess
    expect(Object.keys(KEY_STATE_TABLE)).toHaveLength(Object.keys(DEVELOPER_GUIDE_TABLE).length);
    expect(unserved).toEqual([]);
  });
});
