import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { expectedMaterial, isAsymmetricSpec, materialProblem, wrappingFor } from '../../lib/aws/materialSpec.ts';
import { KEY_SPECS } from '../../lib/types.ts';

describe('Function: materialSpec', () => {
  it('wraps RSA and ECC private keys with RSA_AES_KEY_WRAP_SHA_256, everything else with RSAES_OAEP_SHA_256, under RSA_4096', () => {
    // Act
    const wrapping = Object.fromEntries(KEY_SPECS.map((spec) => [spec, wrappingFor(spec).algorithm]));

    // Assess
    expect(wrapping).toMatchObject({
      SYMMETRIC_DEFAULT: 'RSAES_OAEP_SHA_256',
      HMAC_224: 'RSAES_OAEP_SHA_256',
      HMAC_512: 'RSAES_OAEP_SHA_256',
      RSA_2048: 'RSA_AES_KEY_WRAP_SHA_256',
      RSA_4096: 'RSA_AES_KEY_WRAP_SHA_256',
      ECC_NIST_P521: 'RSA_AES_KEY_WRAP_SHA_256',
      ECC_SECG_P256K1: 'RSA_AES_KEY_WRAP_SHA_256',
      SM2: 'RSAES_OAEP_SHA_256',
    });
    expect(new Set(KEY_SPECS.map((spec) => wrappingFor(spec).keySpec))).toEqual(new Set(['RSA_4096']));
  });

  it.each([
    ['SYMMETRIC_DEFAULT', 32, 32],
    ['HMAC_224', 28, 64],
    ['HMAC_256', 32, 64],
    ['HMAC_384', 48, 128],
    ['HMAC_512', 64, 128],
  ] as const)('takes %s material of %i to %i bytes, and no byte fewer or more', (spec, min, max) => {
    // Act & Assess
    expect(materialProblem(randomBytes(min), spec)).toBeNull();
    expect(materialProblem(randomBytes(max), spec)).toBeNull();
    expect(materialProblem(randomBytes(min - 1), spec)).toBe(`holds ${min - 1} bytes: ${spec} key material is ${expectedMaterial(spec)}`);
    expect(materialProblem(randomBytes(max + 1), spec)).toBe(`holds ${max + 1} bytes: ${spec} key material is ${expectedMaterial(spec)}`);
    expect(isAsymmetricSpec(spec)).toBe(false);
  });

  it('takes an SM2 private key (PKCS #8 DER, the SM2 curve) and refuses a NIST curve for SM2', () => {
    // Prepare
    const sm2 = generateKeyPairSync('ec', { namedCurve: 'SM2' }).privateKey.export({ format: 'der', type: 'pkcs8' });
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'der', type: 'pkcs8' });

    // Act & Assess
    expect(materialProblem(sm2, 'SM2')).toBeNull();
    expect(materialProblem(p256, 'SM2')).toBe('holds an EC private key on prime256v1: SM2 key material is an SM2 private key');
    expect(materialProblem(sm2, 'ECC_NIST_P256')).toBe('holds an SM2 private key: ECC_NIST_P256 key material is an EC private key on prime256v1');
  });

  it('refuses ML-DSA material: KMS imports none', () => {
    expect(materialProblem(randomBytes(32), 'ML_DSA_65')).toBe('is for Spec ML_DSA_65: KMS imports no ML-DSA key material');
  });
});
