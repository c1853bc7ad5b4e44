/**
 * Lambda entry point of `Custom::MultiRegionKmsKeys` (docs/behaviour.md §8). Thin: reads the invocation's
 * context and environment, runs `handleRequest` against the deadline, and answers CloudFormation
 * exactly once on every path — validation error, unexpected exception, approaching timeout — then
 * returns normally, so Lambda never redelivers a request that was already answered.
 */
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { type AwsDependencies, createAwsDependencies } from '../lib/aws/index.ts';
import { type ConfigReading, type Env, type FunctionConfig, readConfig } from '../lib/config.ts';
import { createLogger, type Log } from '../lib/logger.ts';
import { ownerOf, stackNameOf } from '../lib/ownership.ts';
import { partitionOf } from '../lib/regions.ts';
import { handleRequest } from '../lib/request/customResource.ts';
import { deadlinesOf, raceDeadline, serviceTimeoutMsOf } from '../lib/request/deadline.ts';
import { configurationReason, timeoutReason, unexpectedErrorReason, unverifiedReason } from '../lib/request/failureReasons.ts';
import { type GateResult, gateRequest } from '../lib/request/gate.ts';
import { RequestProgress } from '../lib/request/progress.ts';
import { failedResult, type RequestResult } from '../lib/request/requestResult.ts';
import { buildResponseBody, sendResponse } from '../lib/request/response.ts';
import { type Clock, systemClock } from '../lib/retry/clock.ts';
import type { ResourceContext } from '../lib/types.ts';

export interface HandlerOptions {
  /** Default `process.env`, read at each invocation. */
  env?: Env;
  /** Default `createAwsDependencies`, called once per handler with the first invocation's configuration (clients are reused while warm). */
  createAws?: (config: FunctionConfig) => AwsDependencies;
  /** Where log lines go; default stdout. */
  writeLog?: (line: string) => void;
  /** Every wait and deadline of the request; real time when absent. */
  clock?: Clock;
  /** The waits of the request verification's re-reads (lib/request/verification.ts); tests shorten them. */
  verificationRetryDelaysMs?: readonly number[];
}

/** What the handler returns after answering (Lambda ignores it for CloudFormation's asynchronous invocations). */
export interface HandlerResult {
  Status: 'SUCCESS' | 'FAILED';
  PhysicalResourceId: string;
  Reason?: string;
}

/** The account of the invoked function: its ARN's fifth field. */
function accountIdOf(lambda: Context): string {
  return lambda.invokedFunctionArn?.split(':')[4] ?? '';
}

/** The invocation's facts; `problems` lists configuration errors that must fail the request. */
function resourceContextOf(event: CloudFormationCustomResourceEvent, lambda: Context, config: FunctionConfig, problems: string[]): ResourceContext {
  const accountId = accountIdOf(lambda);
  if (!/^\d{12}$/.test(accountId)) problems.push(`cannot tell the account from the invoked function ARN ${JSON.stringify(lambda.invokedFunctionArn)}`);
  // Lambda always sets AWS_REGION; the stack's Region is the same one (custom resources are Regional).
  const region = config.region ?? event.StackId.split(':')[3] ?? '';
  return {
    stackId: event.StackId,
    stackName: stackNameOf(event.StackId),
    logicalResourceId: event.LogicalResourceId,
    accountId,
    partition: partitionOf(region),
    region,
    executionRoleArn: config.executionRoleArn,
  };
}

/** Runs the request against the deadlines; every failure becomes a FAILED result, never a throw. */
async function resultOf(
  event: CloudFormationCustomResourceEvent,
  lambda: Context,
  { config, problems: configProblems }: ConfigReading,
  aws: (config: FunctionConfig) => AwsDependencies,
  log: Log,
  clock: Clock,
): Promise<RequestResult> {
  const progress = new RequestProgress();
  const problems = [...configProblems];
  // CloudFormation stops waiting at ServiceTimeout, which may come before Lambda's timeout.
  const remainingMs = Math.min(lambda.getRemainingTimeInMillis(), serviceTimeoutMsOf(event.ResourceProperties) ?? Number.POSITIVE_INFINITY);
  const deadlines = deadlinesOf(clock.now(), remainingMs, config.deadlineMarginMs);
  try {
    const context = resourceContextOf(event, lambda, config, problems);
    if (problems.length > 0) return failedResult(configurationReason(problems));

    const iam = config.iamPropagationMs === undefined ? {} : { iamPropagationMs: config.iamPropagationMs };
    const work = handleRequest(event, { aws: aws(config), context, deadline: deadlines.work, log, quotas: config.kmsQuotas, progress, clock, ...iam });
    const raced = await raceDeadline(work, deadlines.answer, clock);
    if (raced.kind === 'done') return raced.value;
    log.error('about to time out: answering without waiting for the work', { phase: progress.phase, progress: progress.summary() });
    return failedResult(timeoutReason(progress));
  } catch (error) {
    log.error('unexpected error', { error, phase: progress.phase });
    return failedResult(unexpectedErrorReason(error, progress));
  }
}

/**
 * A refused request: nothing was changed; FAILED goes to the ResponseURL only when it is
 * CloudFormation's; one log line says what was claimed and why it was refused (no key ARN: no key
 * was read).
 */
async function refuse(
  event: CloudFormationCustomResourceEvent,
  lambda: Context,
  refusal: Extract<GateResult, { admitted: false }>,
  log: Log,
  clock: Clock,
): Promise<HandlerResult> {
  const ownerId = ownerOf(event.StackId, event.LogicalResourceId).ownerId;
  const physicalResourceId = event.RequestType === 'Create' ? ownerId : event.PhysicalResourceId || ownerId;
  const reason = unverifiedReason(refusal.reason);
  let answer = 'none: the ResponseURL is not trusted';
  if (refusal.answer) {
    const body = buildResponseBody({
      Status: 'FAILED',
      Reason: reason,
      PhysicalResourceId: physicalResourceId,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
    });
    try {
      await sendResponse(event.ResponseURL, body, { deadline: deadlinesOf(clock.now(), lambda.getRemainingTimeInMillis(), 0).end, clock });
      answer = 'FAILED';
    } catch (error) {
      answer = `FAILED, not delivered (${error instanceof Error ? error.message : String(error)})`;
    }
  }
  const claimed = {
    stackId: event.StackId,
    logicalResourceId: event.LogicalResourceId,
    requestType: event.RequestType,
    physicalResourceId: event.RequestType === 'Create' ? undefined : event.PhysicalResourceId,
    responseHost: refusal.responseHost,
  };
  log.warn('request refused', { claimed, reason: refusal.reason, answer });
  return { Status: 'FAILED', PhysicalResourceId: physicalResourceId, Reason: reason };
}

/** The gate (lib/request/gate.ts): the refused request's answer, or null when it may go on (warned when unverified). */
async function refusalOf(
  event: CloudFormationCustomResourceEvent,
  lambda: Context,
  deps: { config: FunctionConfig; aws: (config: FunctionConfig) => AwsDependencies; options: HandlerOptions; log: Log; clock: Clock },
): Promise<HandlerResult | null> {
  const { config, aws, options, log, clock } = deps;
  const gate = await gateRequest(event, {
    config,
    accountId: accountIdOf(lambda),
    stackEvents: () => aws(config).stackEvents,
    sleep: (ms) => clock.sleep(ms),
    retryDelaysMs: options.verificationRetryDelaysMs,
  });
  if (!gate.admitted) return refuse(event, lambda, gate, log, clock);
  if (gate.verification === 'off') log.warn('REQUEST_VERIFICATION is off: this request was not verified with CloudFormation');
  return null;
}

/** A handler; tests inject the environment, the AWS dependencies and the clock. */
export function createHandler(options: HandlerOptions = {}) {
  const clock = options.clock ?? systemClock;
  let awsDependencies: AwsDependencies | undefined;
  const aws = (config: FunctionConfig) => {
    awsDependencies ??= (options.createAws ?? createAwsDependencies)(config);
    return awsDependencies;
  };
  const answer = async (event: CloudFormationCustomResourceEvent, lambda: Context): Promise<HandlerResult> => {
    const startedAt = clock.now();
    const configuration = readConfig(options.env ?? process.env, { executionRoleRequired: event.RequestType !== 'Delete' });
    const log = createLogger({
      level: configuration.config.logLevel,
      secrets: [event.ResponseURL],
      write: options.writeLog,
      fields: { requestType: event.RequestType, logicalResourceId: event.LogicalResourceId, requestId: event.RequestId, awsRequestId: lambda.awsRequestId },
    });
    // Before anything else, and before any KMS call: only CloudFormation's requests get in.
    const refused = await refusalOf(event, lambda, { config: configuration.config, aws, options, log, clock });
    if (refused !== null) return refused;
    // Stable from StackId + LogicalResourceId; an Update or Delete echoes the id CloudFormation
    // holds, so the answer can never make CloudFormation believe the resource was replaced.
    const ownerId = ownerOf(event.StackId, event.LogicalResourceId).ownerId;
    const physicalResourceId = event.RequestType === 'Create' ? ownerId : event.PhysicalResourceId || ownerId;
    if (physicalResourceId !== ownerId) log.warn('PhysicalResourceId differs from the owner id', { physicalResourceId, ownerId });
    log.info('request', { stackId: event.StackId, physicalResourceId, resourceProperties: event.ResourceProperties });

    const result = await resultOf(event, lambda, configuration, aws, log, clock);
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
    const { end } = deadlinesOf(clock.now(), lambda.getRemainingTimeInMillis(), 0);
    try {
      await sendResponse(event.ResponseURL, body, {
        deadline: end,
        clock,
        onRetry: (info) => log.warn('response PUT failed, retrying', info),
      });
      log.info('answered', { status: result.status, reason: result.reason, bytes: Buffer.byteLength(body), durationMs: clock.now() - startedAt });
    } catch (error) {
      // Nothing more can be done: throwing would make Lambda redeliver a request that may have run.
      log.error('could not answer CloudFormation', { error, status: result.status, reason: result.reason });
    }
    return { Status: result.status, PhysicalResourceId: physicalResourceId, ...(result.reason === undefined ? {} : { Reason: result.reason }) };
  };
  // A plain async handler, no middleware framework: the deadlines above do the early-timeout job
  // (a middleware's TimeoutError would make Lambda retry an invocation that has answered), and a
  // middleware framework with no middleware is bundle paid for nothing (docs/performance.md).
  return answer;
}

export const handler = createHandler();
