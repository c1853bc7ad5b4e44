/**
 * One CloudFormation request, start to answer (docs/behaviour.md §6): validate → desired state → response-size
 * preflight → reconcile (lib/request/reconcile.ts) → attributes. Returns the answer; sending it is the
 * handler's job.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { AwsDependencies } from '../aws/index.ts';
import { buildDesiredState, deletionDesiredState } from '../desired/index.ts';
import { placementWarnings } from '../desired/warnings.ts';
import { ValidationError } from '../errors.ts';
import { MadeKeys } from '../executor/madeKeys.ts';
import { ownerOf } from '../ownership.ts';
import { parseProperties } from '../properties/index.ts';
import { aliasNamesOf } from '../reader/index.ts';
import { type AccountRegion, enabledRegionsOf } from '../regions.ts';
import { systemClock } from '../retry/clock.ts';
import type { DesiredState, ResourceProperties } from '../types.ts';
import { preflightResponseSize } from './attributes.ts';
import { cleanUpFailedCreate } from './failedCreate.ts';
import { validationReason } from './failureReasons.ts';
import { RequestProgress } from './progress.ts';
import { type ReconcileDeps, reconcile } from './reconcile.ts';
import { failedResult, type RequestResult } from './requestResult.ts';
import { measureResponseBytes } from './response.ts';

export interface HandleRequestDeps extends Omit<ReconcileDeps, 'kms' | 'progress'> {
  aws: AwsDependencies;
  /** Filled in as the request advances, so an answer forced by the deadline can say what was done. */
  progress?: RequestProgress;
}

/** The old properties of an Update, or null when they no longer parse (a rule tightened, an account moved). */
function parseOldProperties(raw: unknown, accountId: string): ResourceProperties | null {
  try {
    return parseProperties(raw, { accountId });
  } catch {
    return null;
  }
}

/** A Delete: every key of the resource goes, found through its tags and the properties' aliases. */
async function handleDelete(event: CloudFormationCustomResourceEvent, deps: HandleRequestDeps, progress: RequestProgress): Promise<RequestResult> {
  const { context } = deps;
  progress.phase = 'listing the Regions';
  const accountRegions = await deps.aws.regions.listRegions();
  const enabledRegions = enabledRegionsOf(accountRegions);
  const desired = deletionDesiredState({ rawProperties: event.ResourceProperties, enabledRegions, accountRegions, context });
  // The Create's or last Update's properties: through their aliases the rollback of an adoption finds its key.
  const parsed = parseOldProperties(event.ResourceProperties, context.accountId);
  const tagIndexAliasNames = parsed === null ? null : aliasNamesOf(parsed.keys);
  return reconcile({ desired, returnAttributes: [], tagIndexAliasNames }, { ...deps, kms: deps.aws.kms, progress });
}

/**
 * Handles one request and returns the answer for CloudFormation. Validation problems (including
 * `AwsAccountId` not being the running account, and a response that would not fit 4,096 bytes)
 * answer FAILED before any KMS call; KMS failures answer FAILED saying per Region what was done.
 * @throws only on unexpected errors (a bug, the Account API failing); the handler answers those
 */
export async function handleRequest(event: CloudFormationCustomResourceEvent, deps: HandleRequestDeps): Promise<RequestResult> {
  const { context, log } = deps;
  const progress = deps.progress ?? new RequestProgress();
  const owner = ownerOf(context.stackId, context.logicalResourceId);

  if (event.RequestType === 'Delete') return handleDelete(event, deps, progress);

  let properties: ResourceProperties;
  let desired: DesiredState;
  let accountRegions: AccountRegion[];
  let enabledRegions: string[];
  let tagIndexAliasNames: string[] | null;
  try {
    progress.phase = 'validating the properties';
    properties = parseProperties(event.ResourceProperties, { accountId: context.accountId, now: (deps.clock ?? systemClock).now() });
    const oldProperties = event.RequestType === 'Update' ? parseOldProperties(event.OldResourceProperties, context.accountId) : null;
    progress.phase = 'listing the Regions';
    accountRegions = await deps.aws.regions.listRegions();
    enabledRegions = enabledRegionsOf(accountRegions);
    desired = buildDesiredState({ properties, oldProperties, enabledRegions, accountRegions, requestId: event.RequestId, context });
    // An Update whose previous properties no longer parse may be the rollback of an adoption they named: no index.
    tagIndexAliasNames = event.RequestType === 'Update' && oldProperties === null ? null : aliasNamesOf([...properties.keys, ...(oldProperties?.keys ?? [])]);
    const envelope = {
      Status: 'SUCCESS',
      PhysicalResourceId: owner.ownerId,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
    } as const;
    preflightResponseSize(desired, context, properties.returnAttributes, (data) => measureResponseBytes(envelope, data));
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    log.warn('invalid properties', { issues: error.issues });
    return failedResult(validationReason(error));
  }
  // Inputs left out (InvalidCmkInputs, InvalidReplicaRegions): logged whether or not an attribute selects them.
  const warnings = placementWarnings(properties, desired);
  if (warnings.length > 0) log.warn('inputs left out', { warnings });
  log.info('desired state', {
    regions: desired.regions,
    keys: desired.keys.map((k) => ({ id: k.id, primaryRegion: k.primaryRegion, replicaRegions: k.replicaRegions })),
    invalidCmkInputs: desired.invalidCmkInputs,
  });
  const awaitingImport = desired.keys.filter((k) => k.origin === 'EXTERNAL' && k.keyMaterial === undefined).map((k) => k.id);
  if (awaitingImport.length > 0) {
    log.info('Origin EXTERNAL without KeyMaterial: these keys are left PendingImport and each awaits import of its key material', { keys: awaitingImport });
  }
  const madeKeys = new MadeKeys();
  const reconcileDeps = { ...deps, kms: deps.aws.kms, progress };
  const request = { desired, returnAttributes: properties.returnAttributes, tagIndexAliasNames };
  const result = await reconcile(request, { ...reconcileDeps, madeKeys });
  if (event.RequestType !== 'Create' || result.status !== 'FAILED' || madeKeys.size === 0) return result;
  // The rollback's Delete comes seconds later, before KMS's listings show these keys: remove them now.
  return cleanUpFailedCreate({ event, properties, failed: result, madeKeys, enabledRegions, accountRegions }, reconcileDeps);
}
