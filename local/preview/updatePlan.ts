/**
 * The plan of `--update v2.yaml` before it runs (docs/behaviour.md §13): what CloudFormation's change set
 * cannot show. The product's own steps — properties, desired state, the actual state read from the
 * emulator with the product's reader (read requests only), the pure planner — and the plan
 * renderer of `local/plan/` (per Region and key, destructive actions and refusals marked).
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { readActualState } from '../../lib/actualState.ts';
import { createKmsApi } from '../../lib/aws/kms.ts';
import { buildDesiredState } from '../../lib/desired.ts';
import { ValidationError } from '../../lib/errors.ts';
import type { KmsApi } from '../../lib/kmsApi.ts';
import { plan } from '../../lib/planner.ts';
import { parseProperties } from '../../lib/properties/index.ts';
import type { ResourceContext } from '../../lib/types.ts';
import { buildPlanReport, planAroundRefusals, renderPlanText } from '../plan/index.ts';

export interface UpdatePlanInput {
  /** `OldResourceProperties` and `ResourceProperties` of the Update, as the event carries them. */
  oldProperties: unknown;
  newProperties: unknown;
  context: ResourceContext;
  enabledRegions: string[];
  /** The emulator. */
  endpointUrl: string;
}

/** The plan as text; for invalid properties, the reason the Update will be refused. */
export async function renderUpdatePlan(input: UpdatePlanInput): Promise<string> {
  const { context } = input;
  let desired: ReturnType<typeof buildDesiredState>;
  try {
    const properties = parseProperties(input.newProperties, { accountId: context.accountId });
    let oldProperties = null;
    try {
      oldProperties = parseProperties(input.oldProperties, { accountId: context.accountId });
    } catch {
      // As the handler does: old properties that no longer parse only widen nothing.
    }
    desired = buildDesiredState({ properties, oldProperties, enabledRegions: input.enabledRegions, context });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return `REFUSED: the new properties are invalid, the Update would change nothing:\n${error.issues.map((i) => `  x ${i.path ? `${i.path}: ` : ''}${i.message}`).join('\n')}\n`;
  }
  const apis = new Map<string, KmsApi>();
  const kms = (region: string) => {
    let api = apis.get(region);
    if (api === undefined) {
      const client = new KMSClient({ region, endpoint: input.endpointUrl, maxAttempts: 1, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      api = createKmsApi(client, region);
      apis.set(region, api);
    }
    return api;
  };
  const aliasNames = [...new Set(desired.keys.map((k) => k.aliasName))];
  const actual = await readActualState({ regions: desired.regions, owner: desired.owner, aliasNames, kms });
  const planned = plan(desired, actual);
  const heldBack = planned.refusals.length > 0 ? (planAroundRefusals(desired, actual, planned) ?? undefined) : undefined;
  return renderPlanText(buildPlanReport({ desired, actual, plan: planned, ...(heldBack === undefined ? {} : { heldBack }) }));
}
