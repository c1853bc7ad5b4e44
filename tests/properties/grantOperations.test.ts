import { GRANT_OPERATIONS, grantOperationsOf } from '../../lib/properties/grants.ts';

describe('Function: grantOperationsOf', () => {
  it('gives each key family its cryptographic operations plus the generic ones, sorted', () => {
    // Prepare
    const generic = ['CreateGrant', 'DescribeKey', 'RetireGrant'];
    const expected: [Parameters<typeof grantOperationsOf>, string[]][] = [
      [
        ['SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT'],
        [
          'Decrypt',
          'Encrypt',
          'GenerateDataKey',
          'GenerateDataKeyPair',
          'GenerateDataKeyPairWithoutPlaintext',
          'GenerateDataKeyWithoutPlaintext',
          'ReEncryptFrom',
          'ReEncryptTo',
        ],
      ],
      [
        ['RSA_2048', 'ENCRYPT_DECRYPT'],
        ['Decrypt', 'Encrypt', 'GetPublicKey', 'ReEncryptFrom', 'ReEncryptTo'],
      ],
      [
        ['ECC_NIST_P256', 'SIGN_VERIFY'],
        ['GetPublicKey', 'Sign', 'Verify'],
      ],
      [
        ['HMAC_256', 'GENERATE_VERIFY_MAC'],
        ['GenerateMac', 'VerifyMac'],
      ],
      [
        ['ECC_NIST_P384', 'KEY_AGREEMENT'],
        ['DeriveSharedSecret', 'GetPublicKey'],
      ],
    ];

    // Assess
    for (const [[spec, usage], operations] of expected) {
      expect(grantOperationsOf(spec, usage)).toEqual([...generic, ...operations].sort());
    }
    expect(GRANT_OPERATIONS).toEqual([...new Set([...generic, ...expected.flatMap(([, operations]) => operations)])].sort());
  });
});
