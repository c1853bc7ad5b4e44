/**
 * The field realism every end-to-end test runs with: fresh keys answer NotFoundException half the
 * time and listings lag writes (consistency delay), the tag index lags tag changes, both keys stay `Updating` after
 * UpdatePrimaryRegion, and — where a test asks for it — every KMS request is authorised against the
 * execution role's identity policy as template.yaml deploys it (the file that ships, not a copy).
 * Delays are small, to keep CI fast, but longer than the gaps between the calls they disturb.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_IDENTITY, executionRoleArnOf, executionRolePolicy, parseTemplate } from '../../local/driver/index.ts';
import type { FieldRealismOptions } from '../../local/emulator/realism.ts';

/**
 * The tag index (GetResources) lags tag changes by longer than the gap between two requests, so every
 * request after a tag change meets an index that does not show it yet (the safe rule's hard case).
 */
export const E2E_REALISM = { consistencyDelayMs: 600, updatingMs: 800, tagIndexLagMs: 5_000 } as const satisfies FieldRealismOptions;

/**
 * The driver's pause between two requests of a stack (`requestGapMs`): CloudFormation takes seconds
 * between operations on a resource, longer than KMS's listings lag; the tests take the lag's bound.
 */
export const E2E_REQUEST_GAP_MS = E2E_REALISM.consistencyDelayMs;

/** template.yaml, as `sam deploy` reads it. */
export const TEMPLATE_PATH = join(__dirname, '..', '..', 'template.yaml');

/**
 * Realism plus IAM: the identity policy of template.yaml's FunctionRole, resolved for the driver's
 * account (`parameters`: template parameters such as `AllowAdoptingExistingKeys`), and the caller
 * the function runs as (its EXECUTION_ROLE_ARN). New tags take effect in `aws:ResourceTag` only after
 * `tagPropagationMs` (AWS: up to five minutes), longer than any test.
 */
export function iamRealism(parameters: Record<string, string> = {}): FieldRealismOptions & { callerArn: string } {
  const template = parseTemplate(readFileSync(TEMPLATE_PATH, 'utf8'));
  return {
    ...E2E_REALISM,
    identityPolicy: executionRolePolicy(template, { parameters }) as unknown as Record<string, unknown>,
    callerArn: executionRoleArnOf(DEFAULT_IDENTITY),
    tagPropagationMs: 600_000,
  };
}
