/**
 * The read-only plan of one resource, for `npm run plan` and for previews (`npm start -- --update`):
 * raw properties → validated properties → desired state → actual state (read-only KMS) → the
 * product's planner → report. What the function does on an Update, without the execution.
 */
import { buildDesiredState } from '../../lib/desired/index.ts';
import { placementWarnings } from '../../lib/desired/warnings.ts';
import type { KmsApiFactory } from '../../lib/kmsApi.ts';
import { plan } from '../../lib/planner/index.ts';
import { parseProperties } from '../../lib/properties/index.ts';
import { aliasNamesOf } from '../../lib/reader/index.ts';
import { type AccountRegion, enabledRegionsOf } from '../../lib/regions.ts';
import { preflightResponseSize } from '../../lib/request/attributes.ts';
import { measureResponseBytes } from '../../lib/request/response.ts';
import type { ActualState, DesiredState, Plan, ResourceContext, ResourceProperties } from '../../lib/types.ts';
import { type ExecutionRole, executionRoleFromPolicies, placeholderRoleArn } from './executionRole.ts';
import { planAroundRefusals } from './heldBack.ts';
import { readOnlyKmsFactory } from './readOnlyKms.ts';
import { readStateForPlan } from './readState.ts';
import { buildPlanReport, type PlanReport } from './report.ts';

export interface PlanResourceInput {
  /**
   * `ResourceProperties` as CloudFormation would send them, given the execution role's ARN (a
   * template may name the role, e.g. `!GetAtt FunctionRole.Arn`). Called once or twice.
   * @throws ValidationError, TemplateError: before any KMS call
   */
  propertiesFor: (executionRoleArn: string) => unknown;
  /**
   * The `OldResourceProperties` the Update would carry: the deployed template's properties. With
   * them the plan reads the Regions and retires the aliases the function would (docs/behaviour.md
   * §13); without them (null: unknown) every enabled Region is read and no extra alias is retired.
   * Properties that no longer parse count as unknown, as in the function.
   */
  previousPropertiesFor?: ((executionRoleArn: string) => unknown) | null;
  /** The resource's context; `executionRoleArn` is filled in from `executionRoleArn` or the keys' policies. */
  context: Omit<ResourceContext, 'executionRoleArn'>;
  /** Known role (`--execution-role-arn`, or the local driver's); else found in the owned keys' policies. */
  executionRoleArn?: string;
  /** Wrapped read-only here whatever it is. */
  kms: KmsApiFactory;
  /** Every Region of the partition with its status (ListRegions): unknown names are validation errors, as in the function. */
  accountRegions: AccountRegion[];
}

export interface PlanResourceResult {
  report: PlanReport;
  desired: DesiredState;
  actual: ActualState;
  plan: Plan;
  executionRole: ExecutionRole;
}

/** The previous properties parsed as the function parses them; null when unknown or no longer valid. */
function previousOf(raw: unknown, accountId: string): ResourceProperties | null {
  try {
    return parseProperties(raw, { accountId });
  } catch {
    return null;
  }
}

/** The desired state the function would build for this Update, and the inputs it leaves out. */
interface DesiredFor {
  desired: DesiredState;
  warnings: string[];
  /** The aliases whose targets the reader reads whatever the tag index says; null: no index (as the function). Absent: the desired aliases. */
  tagIndexAliasNames?: string[] | null;
}

function desiredStateFor(input: PlanResourceInput, executionRoleArn: string): DesiredFor {
  const { context, accountRegions } = input;
  const enabledRegions = enabledRegionsOf(accountRegions);
  const withRole: ResourceContext = { ...context, executionRoleArn };
  const properties = parseProperties(input.propertiesFor(executionRoleArn), { accountId: context.accountId });
  const previousFor = input.previousPropertiesFor;
  if (previousFor === undefined || previousFor === null) {
    // Unknown previous properties: every enabled Region is read (as if the previous OptInRegions
    // were all of them), so an owned key in a Region the template no longer opts into is found.
    const oldProperties = { ...properties, optInRegions: null };
    const desired = buildDesiredState({ properties, oldProperties, enabledRegions, accountRegions, context: withRole });
    preflightAnswerSize(desired, withRole, properties);
    return { desired, warnings: placementWarnings(properties, desired) };
  }
  // Known: exactly what the function builds on this Update (lib/request/customResource.ts).
  const oldProperties = previousOf(previousFor(executionRoleArn), context.accountId);
  const desired = buildDesiredState({ properties, oldProperties, enabledRegions, accountRegions, context: withRole });
  preflightAnswerSize(desired, withRole, properties);
  const tagIndexAliasNames = oldProperties === null ? null : aliasNamesOf([...properties.keys, ...oldProperties.keys]);
  return { desired, warnings: placementWarnings(properties, desired), tagIndexAliasNames };
}

/**
 * The function's response-size preflight (lib/request/attributes.ts): an Update whose answer could not
 * fit CloudFormation's 4,096 bytes is refused before any KMS call, and so is its plan, with the same
 * ValidationError. The RequestId is a stand-in of a CloudFormation RequestId's length (a UUID).
 */
function preflightAnswerSize(desired: DesiredState, context: ResourceContext, properties: ResourceProperties): void {
  const envelope = {
    Status: 'SUCCESS',
    PhysicalResourceId: desired.owner.ownerId,
    StackId: context.stackId,
    RequestId: '00000000-0000-0000-0000-000000000000',
    LogicalResourceId: context.logicalResourceId,
  } as const;
  preflightResponseSize(desired, context, properties.returnAttributes, (data) => measureResponseBytes(envelope, data));
}

export async function planResource(input: PlanResourceInput): Promise<PlanResourceResult> {
  const { context } = input;
  const kms = readOnlyKmsFactory(input.kms);

  // The role changes the generated policies only: the Regions, keys and aliases to read do not depend on it.
  const firstRole = input.executionRoleArn ?? placeholderRoleArn(context.partition, context.accountId);
  const scanned = desiredStateFor(input, firstRole);
  const { actual, skippedRegions } = await readStateForPlan(scanned.desired, kms, scanned.tagIndexAliasNames);

  let executionRole: ExecutionRole;
  if (input.executionRoleArn !== undefined) executionRole = { arn: input.executionRoleArn, source: 'flag' };
  else {
    const found = executionRoleFromPolicies(actual, scanned.desired.owner);
    executionRole = found === null ? { arn: firstRole, source: 'unknown' } : { ...found, source: 'keyPolicies' };
  }
  const { desired, warnings } = executionRole.arn === firstRole ? scanned : desiredStateFor(input, executionRole.arn);

  const result = plan(desired, actual);
  const heldBack = result.refusals.length > 0 ? (planAroundRefusals(desired, actual, result) ?? undefined) : undefined;
  const report = buildPlanReport({ desired, actual, plan: result, heldBack, skippedRegions, warnings });
  return { report, desired, actual, plan: result, executionRole };
}
