/**
 * The plan of `--update v2.yaml` before it runs (docs/behaviour.md §13): what CloudFormation's change set
 * cannot show. `npm run plan`'s own read-only planning (`local/plan/planResource.ts`: properties,
 * desired state, the actual state read with the product's reader, the pure planner), here against
 * the emulator, rendered by `local/plan/` (per Region and key, destructive actions and refusals marked).
 */
import { AccountClient } from '@aws-sdk/client-account';
import { KMSClient } from '@aws-sdk/client-kms';
import { createRegionsApi } from '../../lib/aws/account.ts';
import { createKmsApi } from '../../lib/aws/kms.ts';
import { ValidationError } from '../../lib/errors.ts';
import type { KmsApi, KmsApiFactory } from '../../lib/kmsApi.ts';
import type { ResourceContext } from '../../lib/types.ts';
import { type PlanResourceResult, planResource, renderPlanText } from '../plan/index.ts';

export interface UpdatePlanInput {
  /** `ResourceProperties` of the Update, as the event carries them. */
  properties: unknown;
  /** `OldResourceProperties` of the Update (v1's, as CloudFormation recorded them): aliases that left the list are retired. */
  previousProperties: unknown;
  context: ResourceContext;
  /** The emulator. */
  endpointUrl: string;
}

/** KMS of the emulator, per Region (planResource wraps it read-only). */
function emulatorKms(endpointUrl: string): KmsApiFactory {
  const apis = new Map<string, KmsApi>();
  return (region) => {
    let api = apis.get(region);
    if (api === undefined) {
      const client = new KMSClient({ region, endpoint: endpointUrl, maxAttempts: 1, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      api = createKmsApi(client, region);
      apis.set(region, api);
    }
    return api;
  };
}

/**
 * The plan of the Update against the emulator, as `npm run plan` makes it: v2's properties with
 * v1's as the previous properties, the execution role the preview's function runs as.
 * @throws ValidationError for invalid new properties (the Update would be refused)
 */
export async function planUpdate(input: UpdatePlanInput): Promise<PlanResourceResult> {
  const { executionRoleArn, ...context } = input.context;
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  return planResource({
    propertiesFor: () => input.properties,
    previousPropertiesFor: () => input.previousProperties,
    context,
    executionRoleArn,
    kms: emulatorKms(input.endpointUrl),
    // Every Region with its status, as the function lists them: a Region typo in v2 shows as the refusal it will be.
    accountRegions: await createRegionsApi(new AccountClient({ region: 'us-east-1', endpoint: input.endpointUrl, maxAttempts: 1, credentials })).listRegions(),
  });
}

/** The plan as text; for invalid properties, the reason the Update will be refused. */
export async function renderUpdatePlan(input: UpdatePlanInput): Promise<string> {
  try {
    return renderPlanText((await planUpdate(input)).report);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return `REFUSED: the new properties are invalid, the Update would change nothing:\n${error.issues.map((i) => `  x ${i.path ? `${i.path}: ` : ''}${i.message}`).join('\n')}\n`;
  }
}
