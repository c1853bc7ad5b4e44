/** Limits shared across modules (the request quotas are the operations table of lib/kmsApi.ts). */

/** CloudFormation refuses a response body larger than this. */
export const MAX_RESPONSE_BYTES = 4096;

/** KMS's limit on a key policy document. */
export const MAX_KEY_POLICY_BYTES = 32768;

/** KMS's limit on tags per key. */
export const MAX_TAGS_PER_KEY = 50;

/** The waiting period `ScheduleKeyDeletion` accepts, in days. */
export const DELETION_WINDOW_IN_DAYS = { min: 7, max: 30 } as const;

export const DEFAULTS = {
  keySpec: 'SYMMETRIC_DEFAULT',
  deletionWindowInDays: 30,
  enableKeyRotation: true,
  rotationPeriodInDays: 365,
  returnAttributes: ['*'],
} as const;
