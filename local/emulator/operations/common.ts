/**
 * What every operation needs: the request context, key lookup by any accepted identifier,
 * KeyMetadata, and tag parsing. Key-state checks with KMS's messages: keyStateCells.ts.
 */
import { checkFresh } from '../consistency.ts';
import { faults } from '../errors.ts';
import { aliasArn, parseKeyReference } from '../ids.ts';
import { algorithmsOf } from '../keySpecs.ts';
import type { KeyStateRow, ServedOperation } from '../keyStateCells.ts';
import { MAX_TAGS_PER_KEY } from '../kmsFacts.ts';
import type { EmulatorState, KeyRecord } from '../state.ts';
import { type Input, reqString } from '../validate.ts';

/** One KMS request as an operation sees it: with the served operation and its key-state row (`checkKeyState`). */
export interface OpContext extends ServedOperation {
  state: EmulatorState;
  /** From the SigV4 credential scope. */
  region: string;
  input: Input;
}

/** An operation: input in, JSON output (or nothing) out; throws KmsFault. */
export type OperationHandler = (ctx: OpContext) => Record<string, unknown> | undefined;

/**
 * The operations one module serves, each with its handler and its default request quota: requests
 * per second, per account and Region, from the KMS Developer Guide's "Request quotas" page
 * (https://docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html, table "Request
 * quotas for each AWS KMS API operation", checked 2026-12), or `'Cryptographic'` for the quota the
 * cryptographic operations share (`CRYPTOGRAPHIC_REQUEST_QUOTA`, kmsFacts.ts); and, for an operation
 * that acts on an existing key, its row of KMS's key-state table (`keyStates`: its outcome in the
 * states Enabled, Disabled, PendingDeletion, PendingReplicaDeletion, PendingImport, Unavailable,
 * Creating, Updating, in that order, with the cells `Y`, `D`, `I`, `U` of keyStateCells.ts). Both sit
 * next to the operation so that a new operation is one module's change;
 * `tests/emulator/quotaFacts.test.ts` checks that the product's `DEFAULT_KMS_QUOTAS` agrees, and
 * `tests/emulator/keyStateRows.test.ts` that the rows are the Developer Guide's table.
 */
export type Operations = Record<string, { handler: OperationHandler; quota: number | 'Cryptographic'; keyStates?: KeyStateRow }>;

/**
 * The key a `KeyId`-like member names in the request's Region. Management operations accept only a
 * key id or key ARN (`allowAlias: false`, an alias answers NotFoundException); cryptographic ones
 * and DescribeKey also an alias name or alias ARN.
 */
export function resolveKey(ctx: OpContext, value: string, allowAlias: boolean): KeyRecord {
  const { state, region } = ctx;
  const ref = parseKeyReference(value);
  if ((ref.kind === 'alias' || ref.kind === 'aliasArn') && !allowAlias) throw faults.invalidKeyId(value);
  if ((ref.kind === 'keyArn' || ref.kind === 'aliasArn') && (ref.region !== region || ref.accountId !== state.accountId)) {
    throw ref.kind === 'keyArn' ? faults.keyNotFound(ref.arn) : faults.notFound(`Alias ${ref.arn} is not found.`);
  }
  let keyId: string;
  if (ref.kind === 'alias' || ref.kind === 'aliasArn') {
    const alias = state.aliasesIn(region).get(ref.aliasName);
    if (!alias) throw faults.notFound(`Alias ${aliasArn(state.partition(region), region, state.accountId, ref.aliasName)} is not found.`);
    keyId = alias.targetKeyId;
  } else {
    keyId = ref.keyId;
  }
  const key = state.findKey(region, keyId);
  if (!key) throw faults.keyNotFound(`arn:${state.partition(region)}:kms:${region}:${state.accountId}:key/${keyId}`);
  checkFresh(state, key);
  return key;
}

/** `resolveKey` on the required `KeyId` member. */
export function keyFromInput(ctx: OpContext, allowAlias: boolean, field = 'KeyId'): KeyRecord {
  return resolveKey(ctx, reqString(ctx.input, field, { max: 2048 }), allowAlias);
}

/** AWS managed keys belong to the service: their policy, tags and lifecycle are not ours to change. */
export function requireCustomerManaged(ctx: OpContext, key: KeyRecord, operation: string): void {
  if (key.keyManager === 'AWS') {
    throw faults.accessDenied(
      `User: ${ctx.state.config.callerArn} is not authorized to perform: kms:${operation} on resource: ${key.arn} because no resource-based policy allows the kms:${operation} action`,
    );
  }
}

/** KeyMetadata as DescribeKey/CreateKey/ReplicateKey return it (dates in epoch seconds). */
export function keyMetadata(state: EmulatorState, key: KeyRecord): Record<string, unknown> {
  const { shared } = key;
  const metadata: Record<string, unknown> = {
    AWSAccountId: state.accountId,
    KeyId: shared.keyId,
    Arn: key.arn,
    CreationDate: key.creationDate / 1000,
    Enabled: key.state === 'Enabled',
    Description: key.description,
    KeyUsage: shared.usage,
    KeyState: key.state,
    Origin: shared.origin ?? 'AWS_KMS',
    ...(shared.customKeyStoreId === undefined ? {} : { CustomKeyStoreId: shared.customKeyStoreId }),
    ...(shared.xksKeyId === undefined ? {} : { XksKeyConfiguration: { Id: shared.xksKeyId } }),
    ...importMetadata(key),
    KeyManager: key.keyManager,
    CustomerMasterKeySpec: shared.spec,
    KeySpec: shared.spec,
    ...algorithmsOf(shared.spec, shared.usage),
    MultiRegion: shared.multiRegion,
  };
  if (key.deletionDate !== null) metadata.DeletionDate = key.deletionDate / 1000;
  if (key.state === 'PendingReplicaDeletion') metadata.PendingDeletionWindowInDays = key.pendingWindowInDays;
  if (shared.multiRegion) {
    const related = state.relatedKeys(shared);
    const primary = related.find((k) => k.region === shared.primaryRegion);
    // "Operations such as DescribeKey might display both the old and new primary keys as replicas"
    // while they are Updating (UpdatePrimaryRegion API reference): the emulator always does.
    const type = key.region === shared.primaryRegion && key.state !== 'Updating' ? 'PRIMARY' : 'REPLICA';
    metadata.MultiRegionConfiguration = {
      MultiRegionKeyType: type,
      PrimaryKey: { Arn: primary?.arn ?? key.arn.replace(`:${key.region}:`, `:${shared.primaryRegion}:`), Region: shared.primaryRegion },
      ReplicaKeys: related.filter((k) => k.region !== shared.primaryRegion).map((k) => ({ Arn: k.arn, Region: k.region })),
    };
  }
  return metadata;
}

/** KeyMetadata's import fields: ExpirationModel and ValidTo while the key has material. */
export function importMetadata(key: KeyRecord): Record<string, unknown> {
  if (key.shared.origin !== 'EXTERNAL') return {};
  // "CurrentKeyMaterialId: present for symmetric encryption keys with AWS_KMS or EXTERNAL origin" (the
  // emulator gives it for imported material only: it does not model AWS_KMS material versions).
  const currentId = key.materials?.find((v) => v.state === 'CURRENT')?.id;
  const current = currentId === undefined ? {} : { CurrentKeyMaterialId: currentId };
  if (!key.imported) return current;
  const { validTo } = key.imported;
  return validTo === null
    ? { ...current, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }
    : { ...current, ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: validTo / 1000 };
}

/**
 * A `Tags` list member as a map. Model constraints (key 1–128, value 0–256) are ValidationException;
 * the reserved `aws:` prefix and duplicate keys are TagException.
 */
export function parseTags(input: Input, field: string): Map<string, string> {
  const value = input[field];
  const tags = new Map<string, string>();
  if (value === undefined || value === null) return tags;
  if (!Array.isArray(value)) throw faults.serialization(`Expected a list (${field}).`);
  for (const entry of value as unknown[]) {
    if (typeof entry !== 'object' || entry === null) throw faults.serialization(`Expected a Tag (${field}).`);
    const tag = entry as Input;
    const tagKey = reqString(tag, 'TagKey', { max: 128 });
    const tagValue = tag.TagValue;
    if (typeof tagValue !== 'string')
      throw faults.validation(`1 validation error detected: Value null at 'tags.member.tagValue' failed to satisfy constraint: Member must not be null`);
    if (tagValue.length > 256)
      throw faults.validation(
        `1 validation error detected: Value '${tagValue}' at 'tags.member.tagValue' failed to satisfy constraint: Member must have length less than or equal to 256`,
      );
    if (tagKey.toLowerCase().startsWith('aws:')) throw faults.tag('Tag keys beginning with aws: are reserved for AWS use.');
    if (tags.has(tagKey)) throw faults.tag(`Duplicate tag key ${tagKey}.`);
    tags.set(tagKey, tagValue);
  }
  return tags;
}

/** CreateKey/ReplicateKey refuse more than 50 tags with TagException. */
export function checkNewKeyTagCount(tags: Map<string, string>): void {
  if (tags.size > MAX_TAGS_PER_KEY) throw faults.tag(`A KMS key can have at most ${MAX_TAGS_PER_KEY} tags; the request has ${tags.size}.`);
}

/** `[{TagKey, TagValue}]` in insertion order. */
export function tagList(tags: Map<string, string>): { TagKey: string; TagValue: string }[] {
  return [...tags].map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
}

/** Code-unit order, the order pagination markers compare in (not locale order). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An opaque pagination marker: the last item of the page, base64. */
export function encodeMarker(last: string): string {
  return Buffer.from(last, 'utf8').toString('base64');
}

/** Decodes a marker made by `encodeMarker`; InvalidMarkerException otherwise. */
export function decodeMarker(marker: string | undefined): string | null {
  if (marker === undefined) return null;
  const decoded = Buffer.from(marker, 'base64').toString('utf8');
  if (decoded.length === 0 || encodeMarker(decoded) !== marker) throw faults.invalidMarker();
  return decoded;
}

/** One page of `items` (sorted by `idOf`) after `marker`, KMS style: Truncated + NextMarker. */
export function page<T>(items: T[], idOf: (item: T) => string, limit: number, marker: string | null): { items: T[]; truncated: boolean; nextMarker?: string } {
  const start = marker === null ? 0 : items.findIndex((item) => idOf(item) > marker);
  const rest = start < 0 ? [] : items.slice(start);
  const pageItems = rest.slice(0, limit);
  const truncated = rest.length > limit;
  return truncated ? { items: pageItems, truncated, nextMarker: encodeMarker(idOf(pageItems[pageItems.length - 1]!)) } : { items: pageItems, truncated };
}
