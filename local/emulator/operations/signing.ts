/**
 * Sign, Verify, GetPublicKey, GenerateMac and VerifyMac with real `node:crypto`, for keys whose
 * material the emulator holds: imported material (`Origin: EXTERNAL`, per Region, so a replica
 * verifies only what the same material signed). Keys whose asymmetric or HMAC material KMS would
 * generate have none here and answer UnsupportedOperationException. KMS facts (API reference of each
 * operation): the key usage must fit (InvalidKeyUsageException), the algorithm must be one of the
 * key's (InvalidKeyUsageException), a signature or MAC that does not verify is
 * KMSInvalidSignatureException / KMSInvalidMacException, GetPublicKey answers the DER
 * SubjectPublicKeyInfo, which for imported material KMS derives from the imported private key.
 * Guesses (README): RSASSA_PSS salt length = digest length; MessageType DIGEST is not emulated.
 */
import { constants, createHmac, createPublicKey, type KeyObject, sign, timingSafeEqual, verify } from 'node:crypto';
import { faults, KmsFault } from '../errors.ts';
import { algorithmsOf, privateKeyOf } from '../keySpecs.ts';
import { checkKeyState, D, I, Y } from '../keyStateCells.ts';
import type { KeyUsage } from '../kmsFacts.ts';
import type { KeyRecord } from '../state.ts';
import { type Input, optBlob, optEnum, reqString } from '../validate.ts';
import { keyFromInput, type OpContext, type OperationHandler, type Operations } from './common.ts';

/** The imported material of a usable key of `usage`, after the usage and key-state checks KMS makes. */
function importedMaterial(ctx: OpContext, key: KeyRecord, usage: KeyUsage): Buffer {
  if (key.shared.usage !== usage) throw faults.invalidKeyUsage(`${key.arn} key usage is ${key.shared.usage} which is not valid for ${ctx.operation}.`);
  checkKeyState(ctx, key);
  if (key.shared.origin !== 'EXTERNAL')
    throw faults.unsupported(`The emulator implements ${ctx.operation} only with imported key material, not for ${key.arn}.`);
  if (!key.imported) throw faults.invalidState(`${key.arn} is pending import.`);
  return key.imported.material;
}

function requiredBlob(input: Input, field: string, max: number): Buffer {
  const blob = optBlob(input, field, max);
  if (blob === undefined) {
    throw faults.validation(
      `1 validation error detected: Value null at '${field.charAt(0).toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return blob;
}

/** The key's algorithm named in `field`, or InvalidKeyUsageException when the key does not offer it. */
function algorithmOf(input: Input, field: string, offered: readonly string[] | undefined, key: KeyRecord): string {
  const algorithm = reqString(input, field);
  if (!(offered ?? []).includes(algorithm)) throw faults.invalidKeyUsage(`${algorithm} is not a valid ${field} for ${key.arn} (key spec ${key.shared.spec}).`);
  return algorithm;
}

/** Only RAW messages (up to 4096 bytes) are signed here. */
function messageOf(input: Input): Buffer {
  const type = optEnum(input, 'MessageType', ['RAW', 'DIGEST', 'EXTERNAL_MU'] as const) ?? 'RAW';
  if (type !== 'RAW') throw faults.unsupported(`The emulator does not implement MessageType ${type}.`);
  return requiredBlob(input, 'Message', 4096);
}

/** `RSASSA_PSS_SHA_256` → node:crypto's digest and padding options. */
function signingOptions(algorithm: string, key: KeyObject): { digest: string; key: KeyObject; padding?: number; saltLength?: number } {
  const bits = algorithm.slice(-3);
  const digest = algorithm === 'SM2DSA' ? 'sm3' : `sha${bits}`;
  if (algorithm.startsWith('RSASSA_PSS')) return { digest, key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(bits) / 8 };
  if (algorithm.startsWith('RSASSA_PKCS1')) return { digest, key, padding: constants.RSA_PKCS1_PADDING };
  return { digest, key };
}

function privateKeyFor(ctx: OpContext, key: KeyRecord): KeyObject {
  const privateKey = privateKeyOf(importedMaterial(ctx, key, key.shared.usage));
  if (privateKey === null) throw faults.internal();
  return privateKey;
}

const signOperation: OperationHandler = (ctx) => {
  const key = keyFromInput(ctx, true);
  const algorithm = algorithmOf(ctx.input, 'SigningAlgorithm', algorithmsOf(key.shared.spec, key.shared.usage).SigningAlgorithms, key);
  const message = messageOf(ctx.input);
  if (key.shared.usage !== 'SIGN_VERIFY') throw faults.invalidKeyUsage(`${key.arn} key usage is ${key.shared.usage} which is not valid for Sign.`);
  const { digest, ...options } = signingOptions(algorithm, privateKeyFor(ctx, key));
  return { KeyId: key.arn, Signature: sign(digest, message, options).toString('base64'), SigningAlgorithm: algorithm };
};

const verifyOperation: OperationHandler = (ctx) => {
  const key = keyFromInput(ctx, true);
  const algorithm = algorithmOf(ctx.input, 'SigningAlgorithm', algorithmsOf(key.shared.spec, key.shared.usage).SigningAlgorithms, key);
  const message = messageOf(ctx.input);
  const signature = requiredBlob(ctx.input, 'Signature', 6144);
  if (key.shared.usage !== 'SIGN_VERIFY') throw faults.invalidKeyUsage(`${key.arn} key usage is ${key.shared.usage} which is not valid for Verify.`);
  const { digest, ...options } = signingOptions(algorithm, createPublicKey(privateKeyFor(ctx, key)));
  if (!verify(digest, message, options, signature)) throw new KmsFault('KMSInvalidSignatureException', 'The signature is not valid.');
  return { KeyId: key.arn, SignatureValid: true, SigningAlgorithm: algorithm };
};

/** The public half of the imported private key: KMS "derives the public key from the private key". */
const getPublicKey: OperationHandler = (ctx) => {
  const key = keyFromInput(ctx, true);
  const usage = key.shared.usage;
  if (usage === 'GENERATE_VERIFY_MAC' || key.shared.spec === 'SYMMETRIC_DEFAULT')
    throw faults.unsupported(`${key.arn} key spec ${key.shared.spec} is not valid for GetPublicKey.`);
  const publicKey = createPublicKey(privateKeyFor(ctx, key));
  return {
    KeyId: key.arn,
    PublicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    KeySpec: key.shared.spec,
    CustomerMasterKeySpec: key.shared.spec,
    KeyUsage: usage,
    ...algorithmsOf(key.shared.spec, usage),
  };
};

/** `HMAC_SHA_384` → `sha384`. */
const hmacDigest = (algorithm: string) => `sha${algorithm.slice('HMAC_SHA_'.length)}`;

const generateMac: OperationHandler = (ctx) => {
  const key = keyFromInput(ctx, true);
  const message = requiredBlob(ctx.input, 'Message', 4096);
  const algorithm = algorithmOf(ctx.input, 'MacAlgorithm', algorithmsOf(key.shared.spec, key.shared.usage).MacAlgorithms, key);
  const material = importedMaterial(ctx, key, 'GENERATE_VERIFY_MAC');
  const mac = createHmac(hmacDigest(algorithm), material).update(message).digest();
  return { KeyId: key.arn, Mac: mac.toString('base64'), MacAlgorithm: algorithm };
};

const verifyMac: OperationHandler = (ctx) => {
  const key = keyFromInput(ctx, true);
  const message = requiredBlob(ctx.input, 'Message', 4096);
  const mac = requiredBlob(ctx.input, 'Mac', 64);
  const algorithm = algorithmOf(ctx.input, 'MacAlgorithm', algorithmsOf(key.shared.spec, key.shared.usage).MacAlgorithms, key);
  const material = importedMaterial(ctx, key, 'GENERATE_VERIFY_MAC');
  const expected = createHmac(hmacDigest(algorithm), material).update(message).digest();
  if (expected.length !== mac.length || !timingSafeEqual(expected, mac)) throw new KmsFault('KMSInvalidMacException', 'The MAC is not valid.');
  return { KeyId: key.arn, MacValid: true, MacAlgorithm: algorithm };
};

export const signingOperations = {
  // keyStates (key-state table): Enabled, Disabled, PendingDeletion, PendingReplicaDeletion, PendingImport, Unavailable, Creating, Updating
  Sign: { handler: signOperation, quota: 'Cryptographic', keyStates: [Y, D, I, I, I, I, I, Y] },
  Verify: { handler: verifyOperation, quota: 'Cryptographic', keyStates: [Y, D, I, I, I, I, I, Y] },
  GetPublicKey: { handler: getPublicKey, quota: 'Cryptographic', keyStates: [Y, D, I, I, I, I, I, Y] },
  GenerateMac: { handler: generateMac, quota: 'Cryptographic', keyStates: [Y, D, I, I, I, I, I, Y] },
  VerifyMac: { handler: verifyMac, quota: 'Cryptographic', keyStates: [Y, D, I, I, I, I, I, Y] },
} satisfies Operations;
