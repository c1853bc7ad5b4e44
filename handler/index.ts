/**
 * Lambda entry point of `Custom::MultiRegionKmsKeys` (docs/behaviour.md §8). Thin: reads the invocation's
 * context and environment, runs `handleRequest` against the deadline, and answers CloudFormation
 * exactly once on every path — validation error, unexpected exception, approaching timeout — then
 * returns normally, so Lambda never redelivers a request that was already answered.
 */
import middy from '@middy/core';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { type AwsDependencies, createAwsDependencies } from '../lib/aws/index.ts';
import { DEFAULT_KMS_QUOTAS, type KmsQuotas } from '../lib/constants.ts';
import { handleRequest, RESUME_ADVICE, RequestProgress, type RequestResult, timeoutReason } from '../lib/customResource.ts';
import { DEFAULT_DEADLINE_MARGIN_MS, deadlineMarginFromEnv, deadlinesOf, raceDeadline, serviceTimeoutMsOf } from '../lib/deadline.ts';
import { createLogger, type Log, logLevelFromEnv } from '../lib/logger.ts';
import { ownerOf, stackNameOf } from '../lib/ownership.ts';
import { partitionOf } from '../lib/regions.ts';
import { buildResponseBody, sendResponse } from '../lib/response.ts';
import type { ResourceContext } from '../lib/types.ts';

type Env = Record<string, string | undefined>;

export interface HandlerOptions {
  /** Default `process.env`, read at each invocation. */
  env?: Env;
  /** Default `createAwsDependencies`, called once per handler (clients are reused while warm). */
  createAws?: () => AwsDependencies;
  /** Where log lines go; default stdout. */
  writeLog?: (line: string) => void;
  now?: () => number;
}

/** What the handler returns after answering (Lambda ignores it for CloudFormation's asynchronous invocations). */
export interface HandlerResult {
  Status: 'SUCCESS' | 'FAILED';
  PhysicalResourceId: string;
  Reason?: string;
}

/**
 * `KMS_QUOTAS`: a JSON object of KMS operation → requests per second, for accounts with raised quotas.
 * @throws Error naming every problem: a typo must not silently keep the default
 */
export function parseKmsQuotas(text: string | undefined): Partial<KmsQuotas> {
  if (text === undefined || text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`KMS_QUOTAS is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error('KMS_QUOTAS must be a JSON object of KMS operation → requests per second');
  const problems: string[] = [];
  for (const [operation, rate] of Object.entries(value)) {
    if (!Object.hasOwn(DEFAULT_KMS_QUOTAS, operation)) problems.push(`unknown operation ${JSON.stringify(operation)}`);
    else if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0)
      problems.push(`${operation} must be a positive number, got ${JSON.stringify(rate)}`);
  }
  if (problems.length > 0) throw new Error(`KMS_QUOTAS: ${problems.join('; ')}`);
  return value as Partial<KmsQuotas>;
}

/** The invocation's facts; `problems` lists configuration errors that must fail the request. */
function resourceContextOf(event: CloudFormationCustomResourceEvent, lambda: Context, env: Env, problems: string[]): ResourceContext {
  const accountId = lambda.invokedFunctionArn?.split(':')[4] ?? '';
  if (!/^\d{12}$/.test(accountId)) problems.push(`cannot tell the account from the invoked function ARN ${JSON.stringify(lambda.invokedFunctionArn)}`);
  // Lambda always sets AWS_REGION; the stack's Region is the same one (custom resources are Regional).
  const region = env.AWS_REGION ?? event.StackId.split(':')[3] ?? '';
  const executionRoleArn = env.EXECUTION_ROLE_ARN ?? '';
  // Only a key policy needs the role; a Delete must not fail for want of it.
  if (executionRoleArn === '' && event.RequestType !== 'Delete') problems.push('EXECUTION_ROLE_ARN is not set');
  return {
    stackId: event.StackId,
    stackName: stackNameOf(event.StackId),
    logicalResourceId: event.LogicalResourceId,
    accountId,
    partition: partitionOf(region),
    region,
    executionRoleArn,
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs the request against the deadlines; every failure becomes a FAILED result, never a throw. */
async function resultOf(
  event: CloudFormationCustomResourceEvent,
  lambda: Context,
  options: HandlerOptions,
  aws: () => AwsDependencies,
  log: Log,
): Promise<RequestResult> {
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now;
  const progress = new RequestProgress();
  const problems: string[] = [];
  let margin = DEFAULT_DEADLINE_MARGIN_MS;
  try {
    margin = deadlineMarginFromEnv(env);
  } catch (error) {
    problems.push(errorText(error));
  }
  // CloudFormation stops waiting at ServiceTimeout, which may come before Lambda's timeout.
  const remainingMs = Math.min(lambda.getRemainingTimeInMillis(), serviceTimeoutMsOf(event.ResourceProperties) ?? Number.POSITIVE_INFINITY);
  const deadlines = deadlinesOf(now(), remainingMs, margin);
  try {
    const context = resourceContextOf(event, lambda, env, problems);
    let quotas: Partial<KmsQuotas> = {};
    try {
      quotas = parseKmsQuotas(env.KMS_QUOTAS);
    } catch (error) {
      problems.push(errorText(error));
    }
    if (problems.length > 0) return { status: 'FAILED', reason: `Function configuration: ${problems.join('; ')}`, data: {} };

    const work = handleRequest(event, { aws: aws(), context, deadline: deadlines.work, log, quotas, progress, now });
    const raced = await raceDeadline(work, deadlines.answer, now);
    if (raced.kind === 'done') return raced.value;
    log.error('about to time out: answering without waiting for the work', { phase: progress.phase, progress: progress.summary() });
    return { status: 'FAILED', reason: timeoutReason(progress), data: {} };
  } catch (error) {
    log.error('unexpected error', { error, phase: progress.phase });
    return {
      status: 'FAILED',
      reason: `Unexpected error while ${progress.phase}: ${errorText(error)}. Done so far: ${progress.summary()}. ${RESUME_ADVICE}`,
      data: {},
    };
  }
}

/** A handler; tests inject the environment, the AWS dependencies and the clock. */
export function createHandler(options: HandlerOptions = {}) {
  let awsDependencies: AwsDependencies | undefined;
  const aws = () => {
    awsDependencies ??= (options.createAws ?? createAwsDependencies)();
    return awsDependencies;
  };
  const answer = async (event: CloudFormationCustomResourceEvent, lambda: Context): Promise<HandlerResult> => {
    const env = options.env ?? process.env;
    const now = options.now ?? Date.now;
    const startedAt = now();
    const log = createLogger({
      level: logLevelFromEnv(env),
      secrets: [event.ResponseURL],
      write: options.writeLog,
      fields: { requestType: event.RequestType, logicalResourceId: event.LogicalResourceId, requestId: event.RequestId, awsRequestId: lambda.awsRequestId },
    });
    // Stable from StackId + LogicalResourceId; an Update or Delete echoes the id CloudFormation
    // holds, so the answer can never make CloudFormation believe the resource was replaced.
    const ownerId = ownerOf(event.StackId, event.LogicalResourceId).ownerId;
    const physicalResourceId = event.RequestType === 'Create' ? ownerId : event.PhysicalResourceId || ownerId;
    if (physicalResourceId !== ownerId) log.warn('PhysicalResourceId differs from the owner id', { physicalResourceId, ownerId });
    log.info('request', { stackId: event.StackId, physicalResourceId, resourceProperties: event.ResourceProperties });

    const result = await resultOf(event, lambda, options, aws, log);
    const body = buildResponseBody({
      Status: result.status,
      Reason: result.reason,
      PhysicalResourceId: physicalResourceId,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
      Data: result.status === 'SUCCESS' && Object.keys(result.data).length > 0 ? result.data : undefined,
    });
    // Retries of the PUT may use the whole time Lambda still gives.
    const { end } = deadlinesOf(now(), lambda.getRemainingTimeInMillis(), 0);
    try {
      await sendResponse(event.ResponseURL, body, {
        deadline: end,
        onRetry: (info) => log.warn('response PUT failed, retrying', info),
      });
      log.info('answered', { status: result.status, reason: result.reason, bytes: Buffer.byteLength(body), durationMs: now() - startedAt });
    } catch (error) {
      // Nothing more can be done: throwing would make Lambda redeliver a request that may have run.
      log.error('could not answer CloudFormation', { error, status: result.status, reason: result.reason });
    }
    return { Status: result.status, PhysicalResourceId: physicalResourceId, ...(result.reason === undefined ? {} : { Reason: result.reason }) };
  };
  // Middy's own early timeout is off: the deadlines above answer first, and its TimeoutError
  // would make Lambda retry an invocation that has answered.
  return middy<CloudFormationCustomResourceEvent, HandlerResult, Error, Context>(answer, { timeoutEarlyInMillis: 0 });
}

export const handler = createHandler();
