/**
 * The product's errors. The AWS layer translates SDK exceptions into these at its boundary, so the
 * rest of `lib/` never inspects SDK error shapes.
 */

export interface ErrorContext {
  region?: string;
  keyName?: string;
  action?: string;
}

/** Base class: carries where it happened. */
export class MultiRegionKmsKeysError extends Error {
  readonly context: ErrorContext;
  constructor(message: string, options: { cause?: unknown; context?: ErrorContext } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MultiRegionKmsKeysError';
    this.context = options.context ?? {};
  }
}

/** One invalid property, named by its path (`CustomerMasterKeys.cmk-prod.DeletionWindowInDays`). */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** Bad input: every issue at once, raised before any KMS call. */
export class ValidationError extends MultiRegionKmsKeysError {
  readonly issues: ValidationIssue[];
  constructor(issues: ValidationIssue[]) {
    super(issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '));
    this.name = 'ValidationError';
    this.issues = issues;
  }
}

export interface ServiceErrorOptions {
  cause?: unknown;
  context?: ErrorContext;
  /** True for throttling, 5xx and network failures: the same call may succeed later. */
  retryable?: boolean;
}

/** An AWS service answered with an error code (`__type`), translated at the SDK boundary. */
export class AwsServiceError extends MultiRegionKmsKeysError {
  /** The service's own code, e.g. `NotFoundException`, `ThrottlingException`. */
  readonly code: string;
  /** True for throttling, 5xx and network failures: the same call may succeed later. */
  readonly retryable: boolean;
  /** The service's message without the code (`message` is `<code>: <detail>`). */
  readonly detail: string;
  constructor(code: string, message: string, options: ServiceErrorOptions = {}) {
    super(`${code}: ${message}`, options);
    this.name = 'AwsServiceError';
    this.code = code;
    this.detail = message;
    this.retryable = options.retryable ?? false;
  }
}

/** KMS answered with an error code (or the request never got an answer). */
export class KmsError extends AwsServiceError {
  constructor(code: string, message: string, options: ServiceErrorOptions = {}) {
    super(code, message, options);
    this.name = 'KmsError';
  }
}

/** The Account API (`ListRegions`) answered with an error code (or the request never got an answer). */
export class AccountApiError extends AwsServiceError {
  constructor(code: string, message: string, options: ServiceErrorOptions = {}) {
    super(code, message, options);
    this.name = 'AccountApiError';
  }
}

/**
 * KMS kept answering AccessDeniedException for a cause other than a service control policy (a role
 * whose IAM policy has not propagated, a permissions boundary, a missing permission): the message
 * names the action, the Region and the policy type KMS gave, and what to do.
 */
export class AccessDeniedError extends KmsError {
  /** The policy type and action KMS's message named (lib/retry/accessDenial.ts). */
  readonly denial: { action: string | null; policyType: string | null; explicit: boolean };
  constructor(message: string, options: ServiceErrorOptions & { denial: AccessDeniedError['denial'] }) {
    super('AccessDeniedException', message, { ...options, retryable: false });
    this.name = 'AccessDeniedError';
    this.message = message;
    this.denial = options.denial;
  }
}

/** CloudFormation (`DescribeStackEvents`) answered with an error code (or the request never got an answer). */
export class CloudFormationApiError extends AwsServiceError {
  constructor(code: string, message: string, options: ServiceErrorOptions = {}) {
    super(code, message, options);
    this.name = 'CloudFormationApiError';
  }
}

/** The Resource Groups Tagging API (`GetResources`, the tag index) answered with an error code (or never answered). */
export class TaggingApiError extends AwsServiceError {
  constructor(code: string, message: string, options: ServiceErrorOptions = {}) {
    super(code, message, options);
    this.name = 'TaggingApiError';
  }
}

/** True when `error` is a KmsError with one of `codes`. */
export function hasCode(error: unknown, ...codes: string[]): error is KmsError {
  return error instanceof KmsError && codes.includes(error.code);
}

/** A plan that contradicts itself (an action without its key): a bug in the planner, never KMS's doing. */
export class PlanError extends MultiRegionKmsKeysError {
  constructor(message: string, options: { context?: ErrorContext } = {}) {
    super(`invalid plan: ${message}`, options);
    this.name = 'PlanError';
  }
}
