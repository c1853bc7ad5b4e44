/**
 * The wording of every FAILED answer (docs/behaviour.md §8), in one place. Each reason says what
 * was done and, where the request may be resumed, how.
 */
import type { ValidationError } from '../errors.ts';
import type { ActionOutcome, Refusal } from '../types.ts';
import type { RequestProgress } from './progress.ts';

/** Every failure reason ends by saying how to resume. */
export const RESUME_ADVICE = 'Re-running the stack operation (or a retry) resumes: every step is idempotent.';

/** `Invalid properties: <path>: <message>; …` */
export function validationReason(error: ValidationError): string {
  return `Invalid properties: ${error.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`;
}

/** The function's own configuration (environment, invocation) is wrong: nothing was tried. */
export function configurationReason(problems: string[]): string {
  return `Function configuration: ${problems.join('; ')}`;
}

/** The request was not verified as CloudFormation's (lib/request/gate.ts): nothing was read or changed. */
export function unverifiedReason(why: string): string {
  return `Request refused, nothing was changed: ${why}.`;
}

/** The plan was refused before anything was executed. */
export function refusalReason(refusals: Refusal[]): string {
  const texts = refusals.map((r) => `${r.keyName}${r.region === null ? '' : ` (${r.region})`}: ${r.reason}`);
  return `Refused, nothing was changed: ${texts.join('; ')}`;
}

/** `3 of 7 KMS actions did not finish: <first errors>. <resume>. Per Region: … Errors: …` */
export function executionFailureReason(planned: number, outcomes: ActionOutcome[], deadlineReached: boolean, progress: RequestProgress): string {
  const failures = outcomes.filter((o) => o.status === 'failed');
  const skipped = outcomes.filter((o) => o.status === 'skipped').length;
  const headline = deadlineReached
    ? `The deadline was reached before the plan finished (${failures.length} failed, ${skipped} not started of ${planned} KMS actions).`
    : `${failures.length} of ${planned} KMS actions failed${skipped > 0 ? ` and ${skipped} were not started` : ''}.`;
  const errors = failures.map((o) => `${o.region} ${o.kind} ${o.keyName}: ${o.error ?? 'unknown error'}`);
  const first = errors.length > 0 ? ` ${errors[0]!.replace(/\.?$/, '.')}` : '';
  const others = errors.length > 1 ? ` Other errors: ${errors.slice(1).join('; ')}` : '';
  return `${headline}${first} ${RESUME_ADVICE} Per Region: ${progress.summary()}.${others}`;
}

/** The phase and progress for an answer forced by the deadline. */
export function timeoutReason(progress: RequestProgress): string {
  return `The function is about to time out (while ${progress.phase}); done so far: ${progress.summary()}. ${RESUME_ADVICE}`;
}

/** An error nothing expected (a bug, the Account API failing). */
export function unexpectedErrorReason(error: unknown, progress: RequestProgress): string {
  return `Unexpected error while ${progress.phase}: ${errorText(error)}. Done so far: ${progress.summary()}. ${RESUME_ADVICE}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
