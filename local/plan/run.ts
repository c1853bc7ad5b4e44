/**
 * `npm run plan`, start to exit code, without touching `process` (the CLI in cli.ts does that):
 * template → properties → desired state → actual state (read-only) → the product's planner →
 * report. Exit 0: nothing would change; 2: changes, refusals or drift; 1: error, with one line.
 */
import { readFile } from 'node:fs/promises';
import { type AwsDependencies, createAwsDependencies } from '../../lib/aws/index.ts';
import { buildDesiredState } from '../../lib/desired.ts';
import { plan } from '../../lib/planner.ts';
import { parseProperties } from '../../lib/properties/index.ts';
import type { DesiredState, ResourceContext } from '../../lib/types.ts';
import { parseTemplate } from '../driver/index.ts';
import { type PlanArgs, parsePlanArgs, USAGE } from './args.ts';
import { errorLine } from './errorLine.ts';
import { type ExecutionRole, executionRoleFromPolicies, executionRoleNote, placeholderRoleArn } from './executionRole.ts';
import { planAroundRefusals } from './heldBack.ts';
import { readOnlyKmsFactory } from './readOnlyKms.ts';
import { readStateForPlan } from './readState.ts';
import { renderPlanText } from './renderText.ts';
import { buildPlanReport, type PlanReport } from './report.ts';
import { parseStackId, resolveForPlan, type StackAddress } from './stackTemplate.ts';

export const EXIT = { unchanged: 0, error: 1, changes: 2 } as const;

export interface PlanRunResult {
  exitCode: (typeof EXIT)[keyof typeof EXIT];
  stdout: string;
  stderr: string;
}

export interface PlanRunOptions {
  /** Default: the SDK's standard configuration (credentials, AWS_REGION, AWS_ENDPOINT_URL*). */
  aws?: AwsDependencies;
}

/** The JSON output: the report plus what it was computed against. */
export interface PlanJson extends PlanReport {
  resource: { stackId: string; logicalResourceId: string; ownerId: string; accountId: string };
  executionRole: ExecutionRole;
  mode: 'plan' | 'drift';
}

export async function runPlan(argv: string[], options: PlanRunOptions = {}): Promise<PlanRunResult> {
  let args: PlanArgs;
  try {
    args = parsePlanArgs(argv);
    if (args.help) return { exitCode: EXIT.unchanged, stdout: `${USAGE}\n`, stderr: '' };
    const json = await planFor(args, options.aws ?? createAwsDependencies());
    const text = args.json ? `${JSON.stringify(json, null, 2)}\n` : renderPlanText(json, { mode: json.mode, notes: notesOf(json) });
    return { exitCode: json.status === 'unchanged' ? EXIT.unchanged : EXIT.changes, stdout: text, stderr: '' };
  } catch (error) {
    return { exitCode: EXIT.error, stdout: '', stderr: `plan: ${errorLine(error)}\n` };
  }
}

async function planFor(args: PlanArgs, aws: AwsDependencies): Promise<PlanJson> {
  const stack = parseStackId(args.stackId);
  const template = parseTemplate(await readFile(args.template, 'utf8'));
  const kms = readOnlyKmsFactory(aws.kms);

  // The role changes the generated policies only: Regions, keys and aliases to read do not depend on it.
  const first = desiredFor(args, template, stack, args.executionRoleArn ?? placeholderRoleArn(stack.partition, stack.identity.accountId));
  const enabledRegions = await aws.regions.listEnabledRegions();
  const scanned = first.desiredWith(enabledRegions);
  const { actual, skippedRegions } = await readStateForPlan(scanned, kms);

  let role: ExecutionRole;
  if (args.executionRoleArn !== undefined) role = { arn: args.executionRoleArn, source: 'flag' };
  else {
    const found = executionRoleFromPolicies(actual, scanned.owner);
    role = found === null ? { arn: placeholderRoleArn(stack.partition, stack.identity.accountId), source: 'unknown' } : { ...found, source: 'keyPolicies' };
  }
  const desired = role.arn === first.roleArn ? scanned : desiredFor(args, template, stack, role.arn).desiredWith(enabledRegions);

  const result = plan(desired, actual);
  const heldBack = result.refusals.length > 0 ? (planAroundRefusals(desired, actual, result) ?? undefined) : undefined;
  const report = buildPlanReport({ desired, actual, plan: result, heldBack, skippedRegions });
  return {
    ...report,
    resource: { stackId: stack.stackId, logicalResourceId: first.logicalResourceId, ownerId: desired.owner.ownerId, accountId: stack.identity.accountId },
    executionRole: role,
    mode: args.drift ? 'drift' : 'plan',
  };
}

/** Resolves and validates the properties (before any KMS call); the desired state once the enabled Regions are known. */
function desiredFor(args: PlanArgs, template: Parameters<typeof resolveForPlan>[0]['template'], stack: StackAddress, roleArn: string) {
  const resolved = resolveForPlan({
    template,
    stack,
    logicalId: args.resource,
    parameters: args.parameters,
    imports: args.imports,
    refs: args.refs,
    getAtts: args.getAtts,
    executionRoleArn: roleArn,
  });
  const { accountId, region, stackName } = stack.identity;
  const properties = parseProperties(resolved.properties, { accountId });
  const context: ResourceContext = {
    stackId: stack.stackId,
    stackName,
    logicalResourceId: resolved.logicalResourceId,
    accountId,
    partition: stack.partition,
    region,
    executionRoleArn: roleArn,
  };
  return {
    logicalResourceId: resolved.logicalResourceId,
    roleArn,
    // Every enabled Region is read (as if the previous OptInRegions were all of them): an owned key
    // in a Region the template no longer opts into is found, and its removal shown.
    desiredWith: (enabledRegions: string[]): DesiredState =>
      buildDesiredState({ properties, oldProperties: { ...properties, optInRegions: null }, enabledRegions, context }),
  };
}

function notesOf(json: PlanJson): string[] {
  return [`Resource ${json.resource.logicalResourceId} of ${json.resource.stackId} (owner ${json.resource.ownerId})`, executionRoleNote(json.executionRole)];
}
