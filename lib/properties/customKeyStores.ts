/**
 * `CustomKeyStoreIds` and `XksKeyIds` of a key with `Origin: AWS_CLOUDHSM` or `EXTERNAL_KEY_STORE`
 * (docs/key-material.md#custom-key-stores): per Region, the custom key store the key is made in and,
 * for an external key store, the external key that serves as its material. KMS makes only
 * single-Region symmetric encryption keys in a custom key store.
 */
import { isRegionName } from '../regions.ts';
import type { KeySpec, Origin } from '../types.ts';
import { isRecord, readString } from './coerce.ts';
import { addIssue, describeValue, fieldPath, type Issues } from './issues.ts';

/** `cks-` and 17 hexadecimal digits, as KMS names custom key stores. */
const CUSTOM_KEY_STORE_ID = /^cks-[0-9a-f]{17}$/;
/** CreateKey's `XksKeyId`: 1–128 of `[a-zA-Z0-9-_.]`. */
const XKS_KEY_ID = /^[a-zA-Z0-9._-]{1,128}$/;

/** Origins whose keys live in a custom key store. */
export function inCustomKeyStore(origin: Origin): origin is 'AWS_CLOUDHSM' | 'EXTERNAL_KEY_STORE' {
  return origin === 'AWS_CLOUDHSM' || origin === 'EXTERNAL_KEY_STORE';
}

function readRegionMap(value: unknown, path: string, issues: Issues, pattern: RegExp, what: string): Record<string, string> | undefined {
  if (!isRecord(value)) {
    addIssue(issues, path, `must be a map of Region to ${what}, got ${describeValue(value)}`);
    return undefined;
  }
  const entries: [string, string][] = [];
  for (const [region, raw] of Object.entries(value)) {
    const at = fieldPath(path, region);
    if (!isRegionName(region)) addIssue(issues, at, 'must be keyed by an AWS Region name such as us-east-1');
    const text = readString(raw, at, issues);
    if (text === undefined) continue;
    if (!pattern.test(text)) addIssue(issues, at, `must be ${what}, got ${describeValue(text)}`);
    else entries.push([region, text]);
  }
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** `CustomKeyStoreIds`: Region → `cks-…`. */
export function readCustomKeyStoreIds(value: unknown, path: string, issues: Issues): Record<string, string> | undefined {
  return readRegionMap(value, path, issues, CUSTOM_KEY_STORE_ID, 'a custom key store id (cks- and 17 hex digits)');
}

/** `XksKeyIds`: Region → the external key's id in that Region's external key manager. */
export function readXksKeyIds(value: unknown, path: string, issues: Issues): Record<string, string> | undefined {
  return readRegionMap(value, path, issues, XKS_KEY_ID, 'an external key id (1–128 of letters, digits, ., _, -)');
}

/** The facts of a key the custom key store rules look at. */
export interface KeyStoreFacts {
  origin: Origin;
  spec: KeySpec;
  specValid: boolean;
  region: string | null | undefined;
  replicaRegions: string[];
  multiRegion: boolean | undefined;
  customKeyStoreIds: Record<string, string> | undefined;
  customKeyStoreIdsGiven: boolean;
  xksKeyIds: Record<string, string> | undefined;
  xksKeyIdsGiven: boolean;
  explicitRotation: boolean | undefined;
}

/**
 * KMS's rules for keys in custom key stores, and that the maps cover the key's Region. A `Region: ""`
 * key's Regions are known only once the enabled Regions are (lib/desired/index.ts checks those).
 */
export function checkCustomKeyStore(facts: KeyStoreFacts, at: (field: string) => string, issues: Issues): void {
  const { origin } = facts;
  if (!inCustomKeyStore(origin)) {
    if (facts.customKeyStoreIdsGiven) addIssue(issues, at('CustomKeyStoreIds'), `needs Origin AWS_CLOUDHSM or EXTERNAL_KEY_STORE (got ${origin})`);
    if (facts.xksKeyIdsGiven) addIssue(issues, at('XksKeyIds'), `needs Origin EXTERNAL_KEY_STORE (got ${origin})`);
    return;
  }
  if (!facts.customKeyStoreIdsGiven)
    addIssue(issues, at('CustomKeyStoreIds'), `is required with Origin ${origin}: the custom key store of each Region of the key`);
  if (facts.specValid && facts.spec !== 'SYMMETRIC_DEFAULT') {
    addIssue(
      issues,
      at('Origin'),
      `${origin} keys must be SYMMETRIC_DEFAULT (got Spec ${facts.spec}): KMS makes only symmetric encryption keys in a custom key store`,
    );
  }
  if (facts.replicaRegions.length > 0 || facts.multiRegion === true) {
    addIssue(
      issues,
      at('Origin'),
      `${origin} keys are single-Region: KMS makes no multi-Region keys in a custom key store (leave out ReplicaRegions and MultiRegion)`,
    );
  }
  if (facts.explicitRotation === true)
    addIssue(issues, at('EnableKeyRotation'), `cannot be true with Origin ${origin}: KMS does not rotate keys in custom key stores automatically`);
  if (origin === 'AWS_CLOUDHSM' && facts.xksKeyIdsGiven) addIssue(issues, at('XksKeyIds'), 'is for Origin EXTERNAL_KEY_STORE only');
  if (origin === 'EXTERNAL_KEY_STORE' && !facts.xksKeyIdsGiven)
    addIssue(issues, at('XksKeyIds'), 'is required with Origin EXTERNAL_KEY_STORE: the external key of each Region');
  const stores = facts.customKeyStoreIds;
  if (stores === undefined) return;
  if (typeof facts.region === 'string' && !(facts.region in stores)) {
    addIssue(issues, at('CustomKeyStoreIds'), `names no custom key store for ${facts.region}, the key's Region`);
  }
  const external = facts.xksKeyIds;
  if (origin === 'EXTERNAL_KEY_STORE' && external !== undefined) {
    for (const region of Object.keys(stores))
      if (!(region in external)) addIssue(issues, at('XksKeyIds'), `names no external key for ${region}, which CustomKeyStoreIds names`);
  }
}
