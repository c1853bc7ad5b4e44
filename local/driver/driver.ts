/**
 * One delivery of one request, end to end: issue the ResponseURL, run the handler in a child
 * process, collect the PUTs this delivery produced and check them as CloudFormation would.
 */
import { randomUUID } from 'node:crypto';
import { type CheckedAnswer, checkAnswer } from './checks.ts';
import { createStackEventLog, type StackEventLog } from './cloudFormation.ts';
import { type BuildEventInput, buildEvent, type CustomResourceEvent, type RequestType } from './events.ts';
import { type ChildExit, type InvokeOptions, invokeHandler } from './invoke.ts';
import { type ReceivedPut, type ResponseServer, startResponseServer } from './responseServer.ts';

/** Options for every delivery of a driver (the invocation options without the per-delivery ones). */
export type DriverOptions = Omit<InvokeOptions, 'onSpawn' | 'awsRequestId'> & {
  /** Share a response server (e.g. one for several stacks); default: the driver starts its own. */
  responseServer?: ResponseServer;
  /**
   * Pause before each request of a stack after its first, as CloudFormation takes seconds between
   * operations on a resource (and Lambda a minute before retrying a crashed invocation). Lets an
   * eventually consistent emulator catch up as AWS does between requests. Default 0.
   */
  requestGapMs?: number;
  /**
   * Play CloudFormation for the function's request verification (`cloudFormation.ts`): record each
   * request's stack events on the emulator at `endpointUrl`. Default: on whenever `endpointUrl` is
   * set. Without it the function runs with `REQUEST_VERIFICATION=off`, set explicitly.
   */
  playCloudFormation?: boolean;
};

/** Per-delivery options. */
export interface DeliverOptions {
  onSpawn?: InvokeOptions['onSpawn'];
  /** Lambda's request id; an asynchronous retry of the same event keeps it. */
  awsRequestId?: string;
  timeoutMs?: number;
  /** false: CloudFormation is not carrying out this request (a forged event): record no stack event. Default true. */
  recordStackEvents?: boolean;
}

/** The result of one delivery: the checked answer plus how the invocation went. */
export interface RequestResult extends CheckedAnswer {
  requestType: RequestType;
  event: CustomResourceEvent;
  exit: ChildExit;
  pid: number;
  /** Every PUT of this delivery, stored or not (retries after injected faults included). */
  puts: ReceivedPut[];
  /** The function's log output. */
  stdout: string;
  stderr: string;
  initMs: number | null;
  durationMs: number | null;
  /** CPU of the function's process while the handler ran (init excluded), ms. */
  handlerCpuMs: number | null;
  awsRequestId: string;
}

export interface Driver {
  readonly responses: ResponseServer;
  readonly options: DriverOptions;
  /** The stack events the driver records as CloudFormation; null when it does not play CloudFormation. */
  readonly stackEvents: StackEventLog | null;
  /** Builds an event with a freshly issued ResponseURL. */
  event(input: Omit<BuildEventInput, 'responseUrl' | 'requestId'> & { requestId?: string }): CustomResourceEvent;
  /** Delivers `event` once to a fresh child process and checks the answer. */
  deliver(event: CustomResourceEvent, options?: DeliverOptions): Promise<RequestResult>;
  /** Stops the response server if the driver started it. */
  close(): Promise<void>;
}

/** Starts a driver (and its response server unless one is given). */
export async function createDriver(options: DriverOptions = {}): Promise<Driver> {
  const ownServer = options.responseServer === undefined;
  const responses = options.responseServer ?? (await startResponseServer());
  const stackEvents = options.endpointUrl !== undefined && options.playCloudFormation !== false ? createStackEventLog(options.endpointUrl) : null;
  // The response server on loopback is the local stand-in for CloudFormation's bucket: trusted explicitly.
  const verificationEnv: Record<string, string> = {
    TRUSTED_RESPONSE_HOSTS: `127.0.0.1:${responses.port}`,
    ...(stackEvents === null ? { REQUEST_VERIFICATION: 'off' } : {}),
  };
  return {
    responses,
    options,
    stackEvents,
    event(input) {
      const requestId = input.requestId ?? randomUUID();
      const responseUrl = responses.issueUrl(input.resource.stackId, input.resource.logicalResourceId, requestId);
      return buildEvent({ ...input, requestId, responseUrl });
    },
    async deliver(event, deliverOptions = {}) {
      const before = responses.putsFor(event.ResponseURL).length;
      const { responseServer: _server, playCloudFormation: _play, ...invokeOptions } = options;
      const recorded = stackEvents !== null && deliverOptions.recordStackEvents !== false;
      if (recorded) await stackEvents.begin(event);
      const invocation = await invokeHandler(event, {
        ...invokeOptions,
        env: { ...verificationEnv, ...invokeOptions.env },
        ...(deliverOptions.timeoutMs === undefined ? {} : { timeoutMs: deliverOptions.timeoutMs }),
        onSpawn: deliverOptions.onSpawn,
        awsRequestId: deliverOptions.awsRequestId,
      });
      const puts = responses.putsFor(event.ResponseURL).slice(before);
      const checked = checkAnswer(event, puts, invocation.exit);
      if (recorded) stackEvents.answered(event, checked.status, checked.physicalResourceId);
      return {
        ...checked,
        requestType: event.RequestType,
        event,
        exit: invocation.exit,
        pid: invocation.pid,
        puts,
        stdout: invocation.stdout,
        stderr: invocation.stderr,
        initMs: invocation.initMs,
        durationMs: invocation.durationMs,
        handlerCpuMs: invocation.handlerCpuMs,
        awsRequestId: invocation.awsRequestId,
      };
    },
    async close() {
      if (ownServer) await responses.close();
    },
  };
}
