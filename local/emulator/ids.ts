/**
 * Key ids, ARNs and the parsing of a `KeyId` parameter, which KMS accepts as a key id, a key ARN,
 * an alias name or an alias ARN depending on the operation.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { faults } from './errors.ts';

const KEY_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;

/** A UUID v4, or `mrk-` + 32 lowercase hex for a multi-Region key. */
export function newKeyId(multiRegion: boolean): string {
  return multiRegion ? `mrk-${randomBytes(16).toString('hex')}` : randomUUID();
}

export function isKeyId(value: string): boolean {
  return KEY_ID.test(value);
}

export function keyArn(partition: string, region: string, accountId: string, keyId: string): string {
  return `arn:${partition}:kms:${region}:${accountId}:key/${keyId}`;
}

export function aliasArn(partition: string, region: string, accountId: string, aliasName: string): string {
  return `arn:${partition}:kms:${region}:${accountId}:${aliasName}`;
}

/** What a `KeyId` parameter names. ARNs keep their Region and account for the caller to check. */
export type KeyReference =
  | { kind: 'keyId'; keyId: string }
  | { kind: 'keyArn'; region: string; accountId: string; keyId: string; arn: string }
  | { kind: 'alias'; aliasName: string }
  | { kind: 'aliasArn'; region: string; accountId: string; aliasName: string; arn: string };

const ARN = /^arn:(aws|aws-cn|aws-us-gov):kms:([a-z0-9-]+):(\d{12}):(key\/.+|alias\/.+)$/;

/** Parses a `KeyId` value; malformed ARNs are InvalidArnException, other garbage NotFoundException. */
export function parseKeyReference(value: string): KeyReference {
  if (value.startsWith('arn:')) {
    const match = ARN.exec(value);
    if (!match) throw faults.invalidArn(value);
    const [, , region, accountId, resource] = match as unknown as [string, string, string, string, string];
    if (resource.startsWith('alias/')) return { kind: 'aliasArn', region, accountId, aliasName: resource, arn: value };
    const keyId = resource.slice('key/'.length);
    if (!isKeyId(keyId)) throw faults.invalidArn(value);
    return { kind: 'keyArn', region, accountId, keyId, arn: value };
  }
  if (value.startsWith('alias/')) return { kind: 'alias', aliasName: value };
  if (isKeyId(value)) return { kind: 'keyId', keyId: value };
  throw faults.invalidKeyId(value);
}
