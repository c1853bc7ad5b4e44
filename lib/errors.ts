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

/** KMS answered with an error code (`__type`), translated at the SDK boundary. */
export class KmsError extends MultiRegionKmsKeysError {
  /** KMS's own code, e.g. `NotFoundException`, `ThrottlingException`. */
  readonly code: string;
  /** True for throttling, 5xx and network failures: the same call may succeed later. */
  readonly retryable: boolean;
  constructor(code: string, message: string, options: { cause?: unknown; context?: ErrorContext; retryable?: boolean } = {}) {
    super(`${code}: ${message}`, options);
    this.name = 'KmsError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** The Account API (`ListRegions`) answered with an error, translated at the SDK boundary. */
export class AccountApiError extends MultiRegionKmsKeysError {
  /** The Account API's code, e.g. `AccessDeniedException`, `TooManyRequestsException`. */
  readonly code: string;
  /** True for throttling, 5xx and network failures: the same call may succeed later. */
  readonly retryable: boolean;
  constructor(code: string, message: string, options: { cause?: unknown; context?: ErrorContext; retryable?: boolean } = {}) {
    super(`${code}: ${message}`, options);
    this.name = 'AccountApiError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** A plan that contradicts itself (an action without its key): a bug in the planner, never KMS's doing. */
export class PlanError extends MultiRegionKmsKeysError {
  constructor(message: string, options: { context?: ErrorContext } = {}) {
    super(`invalid plan: ${message}`, options);
    this.name = 'PlanError';
  }
}
