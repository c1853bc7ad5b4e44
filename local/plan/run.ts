/**
 * `npm run plan`, start to exit code, without touching `process` (the CLI in cli.ts does that):
 * template → properties → desired state → actual state (read-only) → the product's planner →
 * report. Exit 0: nothing would change; 2: changes, refusals or drift; 1: error, with one line.
 */
import { readFile } from 'node:fs/promises';
import { type AwsDependencies, createAwsDependencies } from '../../lib/aws/index.ts';
import { parseProperties } from '../../lib/properties/index.ts';
import { parseTemplate } from '../driver/index.ts';
import { type PlanArgs, parsePlanArgs, USAGE } from './args.ts';
import { errorLine } from './errorLine.ts';
import { type ExecutionRole, executionRoleNote, placeholderRoleArn } from './executionRole.ts';
import { planResource } from './planResource.ts';
import { renderPlanText } from './renderText.ts';
import type { PlanReport } from './report.ts';
import { parseStackId, resolveForPlan } from './stackTemplate.ts';

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
  /** The file whose properties were taken as the Update's previous properties (`--previous-template`, or `--template` with --drift). */
  previousTemplate: string;
}

export async function runPlan(argv: string[], options: PlanRunOptions = {}): Promise<PlanRunResult> {
  try {
    const args = parsePlanArgs(argv);
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
  // The deployed template: its properties are what CloudFormation sends as OldResourceProperties.
  const previousTemplate = args.previousTemplate === undefined ? template : parseTemplate(await readFile(args.previousTemplate, 'utf8'));
  const resolveIn = (from: typeof template, logicalId: string | undefined, executionRoleArn: string) =>
    resolveForPlan({
      template: from,
      stack,
      logicalId,
      parameters: args.parameters,
      imports: args.imports,
      refs: args.refs,
      getAtts: args.getAtts,
      executionRoleArn,
    });
  const resolve = (executionRoleArn: string) => resolveIn(template, args.resource, executionRoleArn);
  const { accountId, region, stackName } = stack.identity;
  const probe = resolve(args.executionRoleArn ?? placeholderRoleArn(stack.partition, accountId));
  // Validation before any request: a template whose properties are invalid costs no KMS call.
  parseProperties(probe.properties, { accountId });
  const context = { stackId: stack.stackId, stackName, logicalResourceId: probe.logicalResourceId, accountId, partition: stack.partition, region };
  const result = await planResource({
    propertiesFor: (executionRoleArn) => resolve(executionRoleArn).properties,
    previousPropertiesFor: (executionRoleArn) => resolveIn(previousTemplate, probe.logicalResourceId, executionRoleArn).properties,
    context,
    executionRoleArn: args.executionRoleArn,
    kms: aws.kms,
    accountRegions: await aws.regions.listRegions(),
  });
  return {
    ...result.report,
    resource: { stackId: stack.stackId, logicalResourceId: probe.logicalResourceId, ownerId: result.desired.owner.ownerId, accountId },
    executionRole: result.executionRole,
    mode: args.drift ? 'drift' : 'plan',
    previousTemplate: args.previousTemplate ?? args.template,
  };
}

function notesOf(json: PlanJson): string[] {
  return [
    `Resource ${json.resource.logicalResourceId} of ${json.resource.stackId} (owner ${json.resource.ownerId})`,
    executionRoleNote(json.executionRole),
    `Previous properties (OldResourceProperties): ${json.previousTemplate}`,
  ];
}
