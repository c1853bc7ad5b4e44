/**
 * How the product recognises the grants it made (docs/behaviour.md §12). A KMS grant has no tags;
 * its `Name` is free text that anyone may set, so the product writes an owner marker into it:
 *
 *     MultiRegionKmsKeys:<owner id>:<grant name>:<fingerprint>
 *
 * - `MultiRegionKmsKeys:` is the reserved ownership prefix of the key tags, `<owner id>` the
 *   resource's id (`mrkk-` + 32 hex, also its PhysicalResourceId): grants without both are never
 *   touched (a grant an AWS service or a person made on the key stays).
 * - `<fingerprint>` (16 hex of sha256 over the grant's canonical parameters) makes a changed grant a
 *   different name: KMS grants are immutable, so a change is a new grant (created first) and the old
 *   one revoked; a replayed CreateGrant with the same name and parameters answers the same GrantId.
 *
 * KMS allows `[a-zA-Z0-9:/_-]`, 1–256 characters, in a grant name; grant names in properties may not
 * hold `:` so the parts parse back unambiguously.
 */
import { createHash } from 'node:crypto';
import { OWNERSHIP_TAG_PREFIX } from './ownership.ts';
import { canonicalJson } from './text/canonicalJson.ts';
import type { GrantProperties } from './types.ts';

/** KMS's limit on a grant's `Name`. */
export const MAX_KMS_GRANT_NAME_LENGTH = 256;

const FINGERPRINT_LENGTH = 16;
const OWNER_ID_LENGTH = 'mrkk-'.length + 32;

/** The longest grant name the properties accept, so that the KMS name fits 256 characters. */
export const MAX_GRANT_NAME_LENGTH = MAX_KMS_GRANT_NAME_LENGTH - OWNERSHIP_TAG_PREFIX.length - OWNER_ID_LENGTH - FINGERPRINT_LENGTH - 2;

/** 16 hex of sha256 over the grant's parameters (principals, sorted operations, constraints). */
export function grantFingerprintOf(grant: Pick<GrantProperties, 'granteePrincipal' | 'operations' | 'retiringPrincipal' | 'constraints'>): string {
  const parameters = {
    granteePrincipal: grant.granteePrincipal,
    operations: [...grant.operations].sort(),
    retiringPrincipal: grant.retiringPrincipal,
    constraints: grant.constraints,
  };
  return createHash('sha256').update(canonicalJson(parameters)).digest('hex').slice(0, FINGERPRINT_LENGTH);
}

/** The KMS `Name` of one grant of the resource `ownerId`. */
export function kmsGrantNameOf(ownerId: string, grantName: string, fingerprint: string): string {
  return `${OWNERSHIP_TAG_PREFIX}${ownerId}:${grantName}:${fingerprint}`;
}

/** The parts of a name the product wrote, or null for any other grant name. */
export function parseKmsGrantName(kmsName: string | null | undefined): { ownerId: string; grantName: string; fingerprint: string } | null {
  if (typeof kmsName !== 'string' || !kmsName.startsWith(OWNERSHIP_TAG_PREFIX)) return null;
  const parts = kmsName.slice(OWNERSHIP_TAG_PREFIX.length).split(':');
  if (parts.length !== 3) return null;
  const [ownerId, grantName, fingerprint] = parts as [string, string, string];
  if (!/^mrkk-[0-9a-f]{32}$/.test(ownerId) || grantName === '' || !/^[0-9a-f]{16}$/.test(fingerprint)) return null;
  return { ownerId, grantName, fingerprint };
}
