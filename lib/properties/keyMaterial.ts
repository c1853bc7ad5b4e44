/**
 * `Origin` and `KeyMaterial` of one key (docs/key-material.md): where the key's material comes from,
 * and for `Origin: EXTERNAL` the Secrets Manager secret that holds it. Only the secret's ARN and the
 * expiry are properties; the material is read by the function at import time and never held here.
 */
import type { KeyMaterialSource, KeySpec, Origin } from '../types.ts';
import { isAbsent, readBoolean, readString } from './coerce.ts';
import { addIssue, describeValue, fieldPath, type Issues } from './issues.ts';
import { fieldReader, KEY_MATERIAL_FIELDS, readFields } from './synonyms.ts';

/** A Secrets Manager secret ARN (the full ARN, as `GetSecretValue` and IAM resource scoping need it). */
const SECRET_ARN = /^arn:aws(-[a-z]+)*:secretsmanager:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$/;

/** ISO 8601 with a time and a zone (`2027-01-01T00:00:00Z`, `…+02:00`): a bare date is ambiguous. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Key specs KMS makes with `Origin: EXTERNAL`, and whose material this product imports: KMS's import
 * requirements list symmetric, HMAC, RSA, ECC and SM2 material; ML-DSA is not among them
 * (docs/key-material.md). What the secret must hold for each spec is checked when it is read
 * (`lib/aws/materialSpec.ts`): the property holds only the secret's ARN.
 */
export function externalOriginAllows(spec: KeySpec): boolean {
  return !spec.startsWith('ML_DSA_');
}

/** Reads `KeyMaterial`: `{SecretArn, ValidTo?, AllowRotation?}`; `now` (epoch ms), when given, refuses a ValidTo in the past. */
export function readKeyMaterial(value: unknown, path: string, issues: Issues, now?: number): KeyMaterialSource | undefined {
  const fields = readFields(value, path, issues, KEY_MATERIAL_FIELDS);
  if (fields === undefined) return undefined;
  const read = fieldReader(fields, path, issues);
  const before = issues.length;
  let secretArn: string | undefined;
  if (isAbsent(fields.SecretArn))
    addIssue(issues, fieldPath(path, 'SecretArn'), 'is required: the ARN of the Secrets Manager secret that holds the key material');
  else secretArn = read('SecretArn', readSecretArn);
  const validTo = read('ValidTo', readValidTo, now) ?? null;
  const allowRotation = read('AllowRotation', readBoolean) ?? false;
  if (issues.length > before || secretArn === undefined) return undefined;
  return { secretArn, validTo, allowRotation };
}

function readSecretArn(value: unknown, path: string, issues: Issues): string | undefined {
  const text = readString(value, path, issues);
  if (text === undefined) return undefined;
  if (SECRET_ARN.test(text)) return text;
  // The value is not repeated: whatever was pasted here instead of an ARN may be the material itself.
  addIssue(
    issues,
    path,
    `must be the full ARN of a Secrets Manager secret (arn:aws:secretsmanager:<region>:<account>:secret:<name>), got ${text.length} characters that are not one`,
  );
  return undefined;
}

function readValidTo(value: unknown, path: string, issues: Issues, now?: number): string | undefined {
  const text = readString(value, path, issues);
  if (text === undefined) return undefined;
  const at = INSTANT.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at)) {
    addIssue(
      issues,
      path,
      `must be an ISO 8601 instant with a zone (e.g. 2027-01-01T00:00:00Z), got ${describeValue(text)}; leave it out for material that does not expire`,
    );
    return undefined;
  }
  // KMS keeps whole seconds.
  const seconds = Math.floor(at / 1000) * 1000;
  if (now !== undefined && seconds <= now) {
    addIssue(issues, path, `is in the past (${new Date(seconds).toISOString()}): KMS imports only material that expires in the future`);
    return undefined;
  }
  return new Date(seconds).toISOString();
}

/** The facts of a key the origin rules look at. */
export interface OriginFacts {
  origin: Origin;
  spec: KeySpec;
  specValid: boolean;
  keyMaterial: KeyMaterialSource | undefined;
  keyMaterialGiven: boolean;
  replicaRegions: string[];
  explicitRotation: boolean | undefined;
  grantsGiven: boolean;
}

/** The rules between `Origin`, `KeyMaterial`, the key spec, replicas and rotation; issues at `at(field)`. */
export function checkOrigin(facts: OriginFacts, at: (field: string) => string, issues: Issues): void {
  const { origin, spec } = facts;
  if (facts.keyMaterialGiven && origin !== 'EXTERNAL') {
    addIssue(issues, at('KeyMaterial'), `needs Origin: EXTERNAL (got ${origin}): only a key made without material can import it`);
  }
  if (origin !== 'EXTERNAL') return;
  if (facts.specValid && !externalOriginAllows(spec))
    addIssue(issues, at('Origin'), `EXTERNAL cannot be used with Spec ${spec}: KMS imports no ML-DSA key material`);
  if (facts.keyMaterial?.allowRotation === true && facts.specValid && spec !== 'SYMMETRIC_DEFAULT') {
    addIssue(
      issues,
      at('KeyMaterial.AllowRotation'),
      `needs Spec SYMMETRIC_DEFAULT (got ${spec}): KMS rotates imported material on demand only in symmetric encryption keys`,
    );
  }
  if (facts.explicitRotation === true) {
    addIssue(issues, at('EnableKeyRotation'), 'cannot be true with Origin: EXTERNAL: KMS never rotates imported key material automatically');
  }
  if (facts.grantsGiven && !facts.keyMaterialGiven) {
    addIssue(issues, at('Grants'), 'need KeyMaterial with Origin: EXTERNAL: KMS refuses CreateGrant on a key pending import');
  }
  if (facts.replicaRegions.length > 0 && !facts.keyMaterialGiven) {
    addIssue(
      issues,
      at('KeyMaterial'),
      'is required with Origin: EXTERNAL and ReplicaRegions: replicas are made from the primary once its material is imported, and each gets the same material',
    );
  }
}
