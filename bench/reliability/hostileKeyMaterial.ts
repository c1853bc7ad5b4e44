/**
 * Hostile `Origin` and `KeyMaterial` (docs/key-material.md): unknown origins, custom key store
 * origins, material without EXTERNAL, secrets that are no Secrets Manager ARN, expiries that are no
 * instant or lie in the past, specs and replicas the import rules refuse, an `AllowRotation` that is
 * no boolean or on a key KMS cannot rotate, and a material value
 * pasted where only its secret's ARN belongs. Each is the reference configuration with cmk-prod
 * changed, in CloudFormation's stringified form, and must be refused before any KMS call — and
 * before any secret is read — naming its path.
 */
import { type CfnMap, toCfnMap } from './cfnValue.ts';
import type { HostileInput } from './hostileCorpus.ts';
import { referenceProperties } from './reference.ts';

const PROD = 'CustomerMasterKeys.cmk-prod';
const SECRET = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:byok/prod-AbCdEf';

/** The reference with cmk-prod's fields replaced by `fields` (EnableKeyRotation off, as EXTERNAL needs). */
function withProd(fields: Record<string, unknown>): CfnMap {
  const properties = referenceProperties();
  const keys = properties.CustomerMasterKeys as Record<string, Record<string, unknown>>;
  keys['cmk-prod'] = { ...keys['cmk-prod'], EnableKeyRotation: false, ...fields };
  return toCfnMap(properties);
}

const input = (name: string, fields: Record<string, unknown>, ...paths: string[]): HostileInput => ({
  name: `key material: ${name}`,
  properties: withProd(fields),
  expectPaths: paths.map((path) => `${PROD}.${path}`),
});

/** Every hostile Origin / KeyMaterial input. */
export function hostileKeyMaterial(): HostileInput[] {
  const external = (keyMaterial: unknown) => ({ Origin: 'EXTERNAL', KeyMaterial: keyMaterial });
  return [
    input('unknown Origin', { Origin: 'BYOK' }, 'Origin'),
    input('lower-case Origin', { Origin: 'external' }, 'Origin'),
    input('Origin AWS_CLOUDHSM without a key store', { Origin: 'AWS_CLOUDHSM' }, 'Origin', 'CustomKeyStoreIds'),
    input('Origin EXTERNAL_KEY_STORE without a key store', { Origin: 'EXTERNAL_KEY_STORE' }, 'Origin', 'CustomKeyStoreIds', 'XksKeyIds'),
    input('CustomKeyStoreIds without a store Origin', { CustomKeyStoreIds: { 'us-east-1': 'cks-0123456789abcdef0' } }, 'CustomKeyStoreIds'),
    input('CustomKeyStoreIds a list', { Origin: 'AWS_CLOUDHSM', ReplicaRegions: [], CustomKeyStoreIds: ['cks-0123456789abcdef0'] }, 'CustomKeyStoreIds'),
    input(
      'CustomKeyStoreIds with a malformed id',
      { Origin: 'AWS_CLOUDHSM', ReplicaRegions: [], CustomKeyStoreIds: { 'us-east-1': 'cks-XYZ' } },
      'CustomKeyStoreIds.us-east-1',
    ),
    input(
      'CustomKeyStoreIds keyed by a non-Region',
      { Origin: 'AWS_CLOUDHSM', ReplicaRegions: [], CustomKeyStoreIds: { moon: 'cks-0123456789abcdef0' } },
      'CustomKeyStoreIds.moon',
    ),
    input(
      'XksKeyIds with a CloudHSM store',
      { Origin: 'AWS_CLOUDHSM', ReplicaRegions: [], CustomKeyStoreIds: { 'us-east-1': 'cks-0123456789abcdef0' }, XksKeyIds: { 'us-east-1': 'k' } },
      'XksKeyIds',
    ),
    input('KeyMaterial without Origin EXTERNAL', { KeyMaterial: { SecretArn: SECRET } }, 'KeyMaterial'),
    input('KeyMaterial a string', external(SECRET), 'KeyMaterial'),
    input('KeyMaterial a list', external([SECRET]), 'KeyMaterial'),
    input('KeyMaterial without SecretArn', external({ ValidTo: '2099-01-01T00:00:00Z' }), 'KeyMaterial.SecretArn'),
    input('SecretArn a name, not an ARN', external({ SecretArn: 'byok/prod' }), 'KeyMaterial.SecretArn'),
    input('SecretArn of another service', external({ SecretArn: 'arn:aws:s3:::byok-bucket/material' }), 'KeyMaterial.SecretArn'),
    input('SecretArn with a wildcard', external({ SecretArn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:*' }), 'KeyMaterial.SecretArn'),
    input('the material itself pasted as SecretArn', external({ SecretArn: 'q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=' }), 'KeyMaterial.SecretArn'),
    input(
      'a material field next to SecretArn',
      external({ SecretArn: SECRET, KeyMaterialBase64: 'q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=' }),
      'KeyMaterial.KeyMaterialBase64',
    ),
    input('ValidTo a bare date', external({ SecretArn: SECRET, ValidTo: '2099-01-01' }), 'KeyMaterial.ValidTo'),
    input('ValidTo in words', external({ SecretArn: SECRET, ValidTo: 'next year' }), 'KeyMaterial.ValidTo'),
    input('ValidTo in the past', external({ SecretArn: SECRET, ValidTo: '2001-01-01T00:00:00Z' }), 'KeyMaterial.ValidTo'),
    input('ValidTo epoch seconds', external({ SecretArn: SECRET, ValidTo: 4102444800 }), 'KeyMaterial.ValidTo'),
    input('KeyMaterial of an ML-DSA key', { ...external({ SecretArn: SECRET }), Spec: 'ML_DSA_87', KeyUsage: 'SIGN_VERIFY' }, 'Origin'),
    input(
      'a PEM private key pasted as SecretArn of an RSA key',
      {
        ...external({ SecretArn: `-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----` }),
        Spec: 'RSA_2048',
        KeyUsage: 'SIGN_VERIFY',
      },
      'KeyMaterial.SecretArn',
    ),
    input(
      'HMAC material in hex pasted as SecretArn',
      { ...external({ SecretArn: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' }), Spec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' },
      'KeyMaterial.SecretArn',
    ),
    input(
      'EXTERNAL HMAC key with rotation',
      { ...external({ SecretArn: SECRET }), Spec: 'HMAC_384', KeyUsage: 'GENERATE_VERIFY_MAC', EnableKeyRotation: true },
      'EnableKeyRotation',
    ),
    input('Origin EXTERNAL with ML-DSA', { Origin: 'EXTERNAL', Spec: 'ML_DSA_65', KeyUsage: 'SIGN_VERIFY' }, 'Origin'),
    input('EXTERNAL with rotation', { ...external({ SecretArn: SECRET }), EnableKeyRotation: true }, 'EnableKeyRotation'),
    input('EXTERNAL replicas without material', { Origin: 'EXTERNAL' }, 'KeyMaterial'),
    input('AllowRotation not a boolean', external({ SecretArn: SECRET, AllowRotation: 'sometimes' }), 'KeyMaterial.AllowRotation'),
    input('AllowRotation a list', external({ SecretArn: SECRET, AllowRotation: [true] }), 'KeyMaterial.AllowRotation'),
    input(
      'AllowRotation on an RSA key',
      { ...external({ SecretArn: SECRET, AllowRotation: true }), Spec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' },
      'KeyMaterial',
      'KeyMaterial.AllowRotation',
    ),
  ];
}
