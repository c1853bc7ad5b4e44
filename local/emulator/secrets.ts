/**
 * Secrets Manager, as much as the function needs to read imported key material: `GetSecretValue`
 * (awsJson1_1, `X-Amz-Target: secretsmanager.GetSecretValue`, SigV4 service `secretsmanager`; the SDK
 * sends it to `AWS_ENDPOINT_URL` like KMS), and secrets made through the control API
 * (`POST /__emulator/secrets`). A secret is read in its own Region. Not modelled (README): IAM and
 * the secret's own KMS key, versions and stages other than AWSCURRENT, rotation, deletion.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { KmsFault } from './errors.ts';
import type { EmulatorState, SecretRecord } from './state.ts';
import type { Input } from './validate.ts';

export const SECRETS_TARGET_PREFIX = 'secretsmanager.';

/** Secrets Manager appends a hyphen and six random characters to the name in a secret's ARN. */
function secretArn(state: EmulatorState, region: string, name: string): string {
  const suffix = randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').slice(0, 6);
  return `arn:${state.partition(region)}:secretsmanager:${region}:${state.accountId}:secret:${name}-${suffix}`;
}

function notFound(): KmsFault {
  return new KmsFault('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
}

/** The control API's `POST /__emulator/secrets {region, name, secretString? | secretBinary? (base64)}` → `{arn}`. */
export function createSecret(state: EmulatorState, region: string, name: string, value: { secretString?: string; secretBinary?: string }): { arn: string } {
  const record: SecretRecord = { arn: secretArn(state, region, name), name, region, createdDate: state.now() };
  if (value.secretString !== undefined) record.secretString = value.secretString;
  if (value.secretBinary !== undefined) record.secretBinary = Buffer.from(value.secretBinary, 'base64');
  state.secrets.set(record.arn, record);
  return { arn: record.arn };
}

/** GetSecretValue by full ARN or by name, in the request's Region. */
export function secretsOperation(state: EmulatorState, region: string, operation: string, input: Input): Record<string, unknown> {
  if (operation !== 'GetSecretValue') throw new KmsFault('UnknownOperationException', `Unknown operation ${SECRETS_TARGET_PREFIX}${operation}`);
  const id = input.SecretId;
  if (typeof id !== 'string' || id.length === 0 || id.length > 2048) {
    throw new KmsFault(
      'ValidationException',
      "1 validation error detected: Value at 'secretId' failed to satisfy constraint: Member must have length between 1 and 2048",
    );
  }
  const secret = state.secrets.get(id) ?? [...state.secrets.values()].find((s) => s.name === id && s.region === region);
  if (secret === undefined || secret.region !== region) throw notFound();
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: randomUUID(),
    VersionStages: ['AWSCURRENT'],
    CreatedDate: secret.createdDate / 1000,
    ...(secret.secretString === undefined ? {} : { SecretString: secret.secretString }),
    ...(secret.secretBinary === undefined ? {} : { SecretBinary: secret.secretBinary.toString('base64') }),
  };
}
