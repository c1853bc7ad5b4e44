/**
 * Any failure of `npm run plan` as one line that says what to fix: never a stack trace. The AWS
 * layer has already turned SDK exceptions into `KmsError`s and `AccountApiError`s carrying the
 * service's (or the SDK's) own code.
 */
import { AccountApiError, KmsError, ValidationError } from '../../lib/errors.ts';
import { TemplateError } from '../driver/index.ts';
import { UsageError } from './args.ts';

/** SDK error names meaning that no usable credentials were found. */
const NO_CREDENTIALS = new Set(['CredentialsProviderError', 'ProviderError', 'CredentialsError']);
const BAD_CREDENTIALS = new Set(['UnrecognizedClientException', 'InvalidSignatureException', 'ExpiredTokenException', 'InvalidClientTokenId']);
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'TimeoutError', 'NetworkError']);

export function errorLine(error: unknown): string {
  return oneLine(describe(error));
}

function describe(error: unknown): string {
  if (error instanceof UsageError) return error.message;
  if (error instanceof TemplateError) return `template: ${error.message}`;
  if (error instanceof ValidationError) return `invalid properties: ${error.message}`;
  if (error instanceof KmsError || error instanceof AccountApiError) return serviceLine(error);
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') return `cannot read the template: ${(error as Error).message}`;
  if (error instanceof Error) return error.message === '' ? error.name : error.message;
  return String(error);
}

/** A KMS or Account API failure (both carry the service's code and where it happened). */
function serviceLine(error: KmsError | AccountApiError): string {
  const where = [error.context.action, error.context.region === undefined ? undefined : `in ${error.context.region}`].filter((p) => p !== undefined).join(' ');
  const at = where === '' ? '' : ` (${where})`;
  const detail = error.message.replace(/^[\w.-]+: /, '');
  if (NO_CREDENTIALS.has(error.code)) return `no AWS credentials: ${detail} (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)`;
  if (BAD_CREDENTIALS.has(error.code)) return `the AWS credentials were refused${at}: ${error.code}: ${detail}`;
  if (error.code === 'AccessDeniedException' || error.code === 'AccessDenied')
    return `access denied${at}: ${detail} (the plan needs the read-only permissions of docs/plan.md)`;
  if (UNREACHABLE.has(error.code)) return `cannot reach the AWS endpoint${at}: ${error.code}: ${detail} (check AWS_REGION, AWS_ENDPOINT_URL, the network)`;
  return `${error.code}${at}: ${detail}`;
}

/** Line breaks and runs of white space become one space; very long lines are cut. */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 2000 ? `${flat.slice(0, 1997)}...` : flat;
}
