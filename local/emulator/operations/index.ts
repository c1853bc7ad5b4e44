/** The KMS operations the emulator serves, with whether they mutate, which quota they draw on and their key-state row. */

import type { KeyStateRow } from '../keyStateCells.ts';
import { CRYPTOGRAPHIC_REQUEST_QUOTA } from '../kmsFacts.ts';
import { aliasOperations } from './aliases.ts';
import type { OperationHandler, Operations } from './common.ts';
import { cryptographicOperations } from './cryptographic.ts';
import { customKeyStoreOperations } from './customKeyStores.ts';
import { deletionOperations } from './deletion.ts';
import { grantOperations } from './grants.ts';
import { keyMaterialOperations } from './keyMaterial.ts';
import { keyPolicyOperations } from './keyPolicy.ts';
import { keyOperations } from './keys.ts';
import { replicaOperations } from './replicas.ts';
import { rotationOperations } from './rotation.ts';
import { tagOperations } from './tags.ts';

const SERVED = {
  ...keyOperations,
  ...replicaOperations,
  ...aliasOperations,
  ...keyPolicyOperations,
  ...rotationOperations,
  ...tagOperations,
  ...deletionOperations,
  ...cryptographicOperations,
  ...grantOperations,
  ...keyMaterialOperations,
  ...customKeyStoreOperations,
} satisfies Operations;

type Served = typeof SERVED;
/** The quotas of KMS the emulator enforces: each operation's own (named after it), and the cryptographic operations' shared one. */
export type KmsQuotaName = { [O in keyof Served]: Served[O]['quota'] extends number ? O : never }[keyof Served] | 'Cryptographic';

/**
 * KMS's default request quotas, requests per second per account and Region: what each operation
 * module declares for its operations (common.ts, `Operations`), and the shared cryptographic quota.
 */
export const KMS_REQUEST_QUOTAS = {
  ...(Object.fromEntries(Object.entries(SERVED as Operations).flatMap(([name, { quota }]) => (quota === 'Cryptographic' ? [] : [[name, quota]]))) as Record<
    Exclude<KmsQuotaName, 'Cryptographic'>,
    number
  >),
  Cryptographic: CRYPTOGRAPHIC_REQUEST_QUOTA,
};

export interface OperationSpec {
  handler: OperationHandler;
  /** Counts toward `mutations` and the crash point when it succeeds. */
  mutating: boolean;
  quota: KmsQuotaName;
  /** Its row of KMS's key-state table, when it acts on an existing key (keyStateCells.ts). */
  keyStates?: KeyStateRow;
}

const READ_ONLY = new Set([
  'DescribeKey',
  'ListKeys',
  'ListAliases',
  'GetKeyPolicy',
  'GetKeyRotationStatus',
  'ListKeyRotations',
  'ListResourceTags',
  'ListGrants',
  'ListRetirableGrants',
  // Changes no key: it hands out a wrapping key and token.
  'GetParametersForImport',
  'DescribeCustomKeyStores',
]);

/** Operation name (the part after `TrentService.`) → spec. */
export const OPERATIONS: Record<string, OperationSpec> = Object.fromEntries(
  Object.entries(SERVED as Operations).map(([name, { handler, quota, keyStates }]) => [
    name,
    {
      handler,
      mutating: !READ_ONLY.has(name) && quota !== 'Cryptographic',
      quota: (quota === 'Cryptographic' ? quota : name) as KmsQuotaName,
      keyStates,
    },
  ]),
);
