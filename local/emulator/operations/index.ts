/** The KMS operations the emulator serves, with whether they mutate and which quota they draw on. */
import type { QuotaName } from '../quotas.ts';
import { aliasOperations } from './aliases.ts';
import type { OperationHandler } from './common.ts';
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

export interface OperationSpec {
  handler: OperationHandler;
  /** Counts toward `mutations` and the crash point when it succeeds. */
  mutating: boolean;
  quota: QuotaName;
}

const handlers: Record<string, OperationHandler> = {
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
};

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
const CRYPTOGRAPHIC = new Set(Object.keys(cryptographicOperations));

/** Operation name (the part after `TrentService.`) → spec. */
export const OPERATIONS: Record<string, OperationSpec> = Object.fromEntries(
  Object.entries(handlers).map(([name, handler]) => [
    name,
    {
      handler,
      mutating: !READ_ONLY.has(name) && !CRYPTOGRAPHIC.has(name),
      quota: (CRYPTOGRAPHIC.has(name) ? 'Cryptographic' : name) as QuotaName,
    },
  ]),
);
