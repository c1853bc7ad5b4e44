/**
 * What KMS accepts as imported key material for each key spec, and how to wrap it
 * (docs/key-material.md, "KMS facts this relies on"):
 * - SYMMETRIC_DEFAULT: 256 bits of binary data;
 * - HMAC_*: binary data, from the spec's length up to the hash's block size (HMAC_224 and HMAC_256:
 *   28 or 32 to 64 bytes; HMAC_384 and HMAC_512: 48 or 64 to 128 bytes);
 * - asymmetric specs: the private key alone, PKCS #8, DER-encoded (KMS derives the public key);
 * - wrapping: RSA private keys need an RSA_AES_KEY_WRAP algorithm (RSAES_OAEP cannot wrap them);
 *   ECC keys take it too, which also lifts the limit on ECC_NIST_P521 material with RSAES_OAEP under
 *   an RSA_2048 wrapping key; symmetric, HMAC and SM2 material (RSA_AES_KEY_WRAP is not offered in
 *   China Regions, the only ones with SM2) is wrapped with RSAES_OAEP_SHA_256.
 * The checks say what is wrong with the material's form, length or key type, never what it holds.
 */
import { createPrivateKey } from 'node:crypto';
import type { KeySpec } from '../types.ts';

/** The wrapping asked of GetParametersForImport: the algorithm and the RSA wrapping key spec. */
export interface Wrapping {
  algorithm: 'RSAES_OAEP_SHA_256' | 'RSA_AES_KEY_WRAP_SHA_256';
  keySpec: 'RSA_4096';
}

/** RSA_AES_KEY_WRAP_SHA_256 for RSA and ECC private keys, RSAES_OAEP_SHA_256 for the rest; always an RSA_4096 wrapping key. */
export function wrappingFor(spec: KeySpec): Wrapping {
  const keyWrap = spec.startsWith('RSA_') || spec.startsWith('ECC_');
  return { algorithm: keyWrap ? 'RSA_AES_KEY_WRAP_SHA_256' : 'RSAES_OAEP_SHA_256', keySpec: 'RSA_4096' };
}

/** Byte lengths of raw symmetric material KMS accepts, [min, max]. */
const RAW_LENGTHS: Partial<Record<KeySpec, readonly [number, number]>> = {
  SYMMETRIC_DEFAULT: [32, 32],
  HMAC_224: [28, 64],
  HMAC_256: [32, 64],
  HMAC_384: [48, 128],
  HMAC_512: [64, 128],
};

/** Named curves of ECC specs as node:crypto reports them. */
const CURVES: Partial<Record<KeySpec, string>> = {
  ECC_NIST_P256: 'prime256v1',
  ECC_NIST_P384: 'secp384r1',
  ECC_NIST_P521: 'secp521r1',
  ECC_SECG_P256K1: 'secp256k1',
};

/** The DER of SM2's curve OID (1.2.156.10197.1.301), which node:crypto does not name. */
const SM2_CURVE_OID = Buffer.from('06082a811ccf5501822d', 'hex');

/** Whether a spec's material is a PKCS #8 private key rather than raw bytes. */
export function isAsymmetricSpec(spec: KeySpec): boolean {
  return RAW_LENGTHS[spec] === undefined;
}

/** What the secret must hold for `spec`, for messages: "32 bytes", "32 to 64 bytes", "an RSA 2048-bit private key …". */
export function expectedMaterial(spec: KeySpec): string {
  const lengths = RAW_LENGTHS[spec];
  if (lengths !== undefined) return lengths[0] === lengths[1] ? `${lengths[0]} bytes` : `${lengths[0]} to ${lengths[1]} bytes`;
  return `the ${spec} private key as PKCS #8 DER`;
}

/**
 * Null when `material` is what KMS accepts for `spec`; otherwise what is wrong, in words that carry
 * no byte of it (a length, a key type, a curve name, a modulus size).
 */
export function materialProblem(material: Buffer, spec: KeySpec): string | null {
  const lengths = RAW_LENGTHS[spec];
  if (lengths !== undefined) {
    const [min, max] = lengths;
    if (material.length >= min && material.length <= max) return null;
    return `holds ${material.length} bytes: ${spec} key material is ${expectedMaterial(spec)}`;
  }
  if (spec.startsWith('ML_DSA_')) return `is for Spec ${spec}: KMS imports no ML-DSA key material`;
  return privateKeyProblem(material, spec);
}

function privateKeyProblem(material: Buffer, spec: KeySpec): string | null {
  let details: { type: string | undefined; modulusLength?: number; namedCurve?: string };
  try {
    const key = createPrivateKey({ key: material, format: 'der', type: 'pkcs8' });
    const asymmetric = key.asymmetricKeyDetails ?? {};
    details = { type: key.asymmetricKeyType, modulusLength: asymmetric.modulusLength, namedCurve: asymmetric.namedCurve };
  } catch {
    // node:crypto's message is dropped: it is about the bytes, and says nothing the user needs.
    return `holds ${material.length} bytes that are not a PKCS #8 DER private key: ${spec} key material is ${expectedMaterial(spec)}`;
  }
  const found = describeKey(details, material.includes(SM2_CURVE_OID));
  if (spec.startsWith('RSA_')) {
    const bits = Number(spec.slice('RSA_'.length));
    return details.type === 'rsa' && details.modulusLength === bits ? null : `holds ${found}: ${spec} key material is an RSA ${bits}-bit private key`;
  }
  if (spec === 'SM2') {
    return details.type !== 'rsa' && details.type !== 'rsa-pss' && material.includes(SM2_CURVE_OID)
      ? null
      : `holds ${found}: SM2 key material is an SM2 private key`;
  }
  const curve = CURVES[spec];
  return details.type === 'ec' && details.namedCurve === curve ? null : `holds ${found}: ${spec} key material is an EC private key on ${curve}`;
}

function describeKey(details: { type: string | undefined; modulusLength?: number; namedCurve?: string }, sm2: boolean): string {
  if (details.type === 'rsa' || details.type === 'rsa-pss') return `an ${details.type.toUpperCase()} ${details.modulusLength}-bit private key`;
  if (sm2) return 'an SM2 private key';
  if (details.type === 'ec') return `an EC private key on ${details.namedCurve}`;
  return `a ${details.type ?? 'unrecognised'} private key`;
}
