/**
 * One CloudFormation request, start to answer (docs/behaviour.md §6): validate → desired state → response-size
 * preflight → reconcile (read actual state → plan → execute, again while failures were transient)
 * → attributes. Create, Update and Delete share the reconcile loop; Delete reconciles to nothing.
 * Returns the answer; sending it is the handler's job.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { readActualState } from './actualState.ts';
import { buildAttributes, preflightResponseSize } from './attributes.ts';
import type { AwsDependencies } from './aws/index.ts';
import type { KmsQuotas } from './constants.ts';
import { buildDesiredState, deletionDesiredState } from './desired.ts';
import { ValidationError } from './errors.ts';
import { execute } from './executor.ts';
import type { Log } from './logger.ts';
import { ownerOf } from './ownership.ts';
import { Pacer } from './pacer.ts';
import { plan } from './planner.ts';
import { poll } from './poll.ts';
import { parseProperties } from './properties/index.ts';
import { measureResponseBytes } from './response.ts';
import { realSleep } from './retry.ts';
import type { ActionOutcome, ActualState, DesiredState, Plan, ResourceContext, ResourceProperties } from './types.ts';

/** The answer to one request. */
export interface RequestResult {
  status: 'SUCCESS' | 'FAILED';
  reason?: string;
  data: Record<string, string>;
}

export interface HandleRequestDeps {
  aws: AwsDependencies;
  context: ResourceContext;
  /** Epoch ms: no KMS action starts after it, and no further reconcile pass. */
  deadline: number;
  log: Log;
  quotas?: Partial<KmsQuotas>;
  /** Filled in as the request advances, so an answer forced by the deadline can say what was done. */
  progress?: RequestProgress;
  now?: () => number;
  /** Waits between reads of keys in transition; injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

/** Read, plan and execute at most this many times when failures were transient. */
export const MAX_RECONCILE_PASSES = 3;

/** Every failure reason ends by saying how to resume. */
export const RESUME_ADVICE = 'Re-running the stack operation (or a retry) resumes: every step is idempotent.';

type Status = ActionOutcome['status'];

/**
 * What the request has done so far, per Region and action kind. `done` accumulates over reconcile
 * passes; `failed` and `skipped` describe the latest pass only (a later pass may redo them).
 */
export class RequestProgress {
  /** What the request is doing now, for the timeout answer (`reading the actual state (pass 1)`). */
  phase = 'starting';
  /** region → status → kind → count; `done` kept across passes, the rest reset by `startPass`. */
  readonly #counts = new Map<string, Map<Status, Map<string, number>>>();

  startPass(phase: string): void {
    this.phase = phase;
    for (const byStatus of this.#counts.values()) {
      byStatus.delete('failed');
      byStatus.delete('skipped');
    }
  }

  /** Counts one finished action. */
  record(outcome: Pick<ActionOutcome, 'region' | 'kind' | 'status'>): void {
    let byStatus = this.#counts.get(outcome.region);
    if (byStatus === undefined) {
      byStatus = new Map();
      this.#counts.set(outcome.region, byStatus);
    }
    let byKind = byStatus.get(outcome.status);
    if (byKind === undefined) {
      byKind = new Map();
      byStatus.set(outcome.status, byKind);
    }
    byKind.set(outcome.kind, (byKind.get(outcome.kind) ?? 0) + 1);
  }

  /** `eu-west-1: failed CreateAlias 1 | us-east-1: done CreateAlias 1, CreateKey 1`, or `nothing`. */
  summary(): string {
    const labels: [Status, string][] = [
      ['done', 'done'],
      ['failed', 'failed'],
      ['skipped', 'not started'],
    ];
    const regions = [...this.#counts.entries()]
      .map(([region, byStatus]) => {
        const parts = labels.flatMap(([status, label]) => {
          const byKind = byStatus.get(status);
          return byKind === undefined || byKind.size === 0 ? [] : [`${label} ${countsText(byKind)}`];
        });
        return parts.length === 0 ? '' : `${region}: ${parts.join('; ')}`;
      })
      .filter((text) => text !== '')
      .sort();
    return regions.length === 0 ? 'nothing' : regions.join(' | ');
  }
}

function countsText(counts: Map<string, number>): string {
  return [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
}

/** Per Region → kind → count, for the structured log. */
function countByRegionAndKind(items: { region: string; kind: string }[]): Record<string, Record<string, number>> {
  const counts: Record<string, Record<string, number>> = {};
  for (const { region, kind } of items) {
    counts[region] ??= {};
    counts[region][kind] = (counts[region][kind] ?? 0) + 1;
  }
  return counts;
}

function validationReason(error: ValidationError): string {
  return `Invalid properties: ${error.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`;
}

function failed(reason: string): RequestResult {
  return { status: 'FAILED', reason, data: {} };
}

/** The old properties of an Update, or null when they no longer parse (a rule tightened, an account moved). */
function parseOldProperties(raw: unknown, accountId: string): ResourceProperties | null {
  try {
    return parseProperties(raw, { accountId });
  } catch {
    return null;
  }
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

  if (event.RequestType === 'Delete') {
    progress.phase = 'listing the enabled Regions';
    const enabledRegions = await deps.aws.regions.listEnabledRegions();
    const desired = deletionDesiredState({ rawProperties: event.ResourceProperties, enabledRegions, context });
    return reconcile(desired, [], deps, progress);
  }

  let properties: ResourceProperties;
  let desired: DesiredState;
  try {
    progress.phase = 'validating the properties';
    properties = parseProperties(event.ResourceProperties, { accountId: context.accountId });
    const oldProperties = event.RequestType === 'Update' ? parseOldProperties(event.OldResourceProperties, context.accountId) : null;
    progress.phase = 'listing the enabled Regions';
    const enabledRegions = await deps.aws.regions.listEnabledRegions();
    desired = buildDesiredState({ properties, oldProperties, enabledRegions, context });
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
    return failed(validationReason(error));
  }
  log.info('desired state', {
    regions: desired.regions,
    keys: desired.keys.map((k) => ({ id: k.id, primaryRegion: k.primaryRegion, replicaRegions: k.replicaRegions })),
    invalidCmkInputs: desired.invalidCmkInputs,
  });
  return reconcile(desired, properties.returnAttributes, deps, progress);
}

/**
 * Reads the actual state, waiting while a key is in a transitional state (`Creating`: a replica
 * made by an earlier, interrupted run; `Updating`: a primary Region moving). KMS refuses most
 * operations on such a key (docs/behaviour.md §9: wait for Enabled before using it); it settles within seconds.
 */
async function readSettledState(
  input: Parameters<typeof readActualState>[0],
  deadline: number,
  clock: { now: () => number; sleep: (ms: number) => Promise<void> },
  log: HandleRequestDeps['log'],
): Promise<ActualState> {
  const inTransition = (actual: ActualState) => actual.keys.filter((key) => key.state === 'Creating' || key.state === 'Updating');
  const result = await poll(
    () => readActualState(input),
    (actual) => inTransition(actual).length === 0,
    {
      delay: (n) => Math.min(SETTLE_POLL.firstMs * 2 ** Math.min(n, 30), SETTLE_POLL.capMs),
      ...clock,
      deadline,
      onWait: (actual) => log.info('waiting for keys in transition', { keys: inTransition(actual).map((key) => `${key.region} ${key.keyId} ${key.state}`) }),
    },
  );
  return result.value;
}

/** Waits between reads while keys are in transition: 250 ms, doubling up to 2 s. */
const SETTLE_POLL = { firstMs: 250, capMs: 2_000 } as const;

/** Read → plan → execute, up to `MAX_RECONCILE_PASSES` times while every failure was transient. */
async function reconcile(desired: DesiredState, returnAttributes: string[], deps: HandleRequestDeps, progress: RequestProgress): Promise<RequestResult> {
  const { aws, context, log, deadline } = deps;
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? realSleep;
  const pacer = new Pacer({ quotas: deps.quotas });
  const aliasNames = [...new Set(desired.keys.map((k) => k.aliasName))];
  let last = { planned: 0, outcomes: [] as ActionOutcome[] };

  for (let pass = 1; pass <= MAX_RECONCILE_PASSES; pass++) {
    progress.startPass(`reading the actual state (pass ${pass})`);
    const actual = await readSettledState({ regions: desired.regions, owner: desired.owner, aliasNames, kms: aws.kms, pacer }, deadline, { now, sleep }, log);
    const current = plan(desired, actual);
    log.info('plan', { pass, planned: countByRegionAndKind(current.actions), refusals: current.refusals });
    if (current.refusals.length > 0) {
      const refusals = current.refusals.map((r) => `${r.keyName}${r.region === null ? '' : ` (${r.region})`}: ${r.reason}`);
      return failed(`Refused, nothing was changed: ${refusals.join('; ')}`);
    }
    if (current.actions.length === 0) return succeeded(desired, current, new Map(), context, returnAttributes);

    progress.phase = `executing the plan (pass ${pass})`;
    const result = await execute(current, {
      kms: aws.kms,
      pacer,
      deadline,
      log: (entry) => {
        const outcome = entry as Partial<ActionOutcome>;
        if (typeof outcome.region === 'string' && typeof outcome.kind === 'string' && typeof outcome.status === 'string') {
          progress.record({ region: outcome.region, kind: outcome.kind, status: outcome.status });
        }
        log.debug(String(entry.message ?? 'action'), entry);
      },
    });
    log.info('executed', {
      pass,
      done: countByRegionAndKind(result.outcomes.filter((o) => o.status === 'done')),
      failed: countByRegionAndKind(result.outcomes.filter((o) => o.status === 'failed')),
      notStarted: countByRegionAndKind(result.outcomes.filter((o) => o.status === 'skipped')),
      retries: result.retries,
      deadlineReached: result.deadlineReached,
    });

    last = { planned: current.actions.length, outcomes: result.outcomes };
    const failures = result.outcomes.filter((o) => o.status === 'failed');
    const unfinished = failures.length + result.outcomes.filter((o) => o.status === 'skipped').length;
    if (unfinished === 0) {
      const created = new Map(result.outcomes.flatMap((o) => (o.keyId === undefined ? [] : [[o.actionId, o.keyId] as const])));
      return succeeded(desired, current, created, context, returnAttributes);
    }
    const transient = failures.length > 0 && failures.every((o) => o.retryable === true);
    if (!transient || result.deadlineReached || now() >= deadline) {
      return failed(failureReason(current.actions.length, result.outcomes, result.deadlineReached, progress));
    }
    log.warn('transient failures: reading and planning again', { pass, failures: failures.map((o) => `${o.actionId}: ${o.error ?? ''}`) });
  }
  return failed(failureReason(last.planned, last.outcomes, false, progress));
}

function succeeded(desired: DesiredState, current: Plan, created: Map<string, string>, context: ResourceContext, returnAttributes: string[]): RequestResult {
  const keyIds: Record<string, string> = {};
  for (const [id, ref] of Object.entries(current.bindings)) {
    const keyId = 'keyId' in ref ? ref.keyId : created.get(ref.created);
    if (keyId !== undefined) keyIds[id] = keyId;
  }
  return { status: 'SUCCESS', data: buildAttributes(desired, keyIds, context, returnAttributes) };
}

/** `3 of 7 KMS actions did not finish: <first errors>. <resume>. Per Region: … Errors: …` */
function failureReason(planned: number, outcomes: ActionOutcome[], deadlineReached: boolean, progress: RequestProgress): string {
  const failures = outcomes.filter((o) => o.status === 'failed');
  const skipped = outcomes.filter((o) => o.status === 'skipped').length;
  const headline = deadlineReached
    ? `The deadline was reached before the plan finished (${failures.length} failed, ${skipped} not started of ${planned} KMS actions).`
    : `${failures.length} of ${planned} KMS actions failed${skipped > 0 ? ` and ${skipped} were not started` : ''}.`;
  const errors = failures.map((o) => `${o.region} ${o.kind} ${o.keyName}: ${o.error ?? 'unknown error'}`);
  const first = errors.length > 0 ? ` ${errors[0]!.replace(/\.?$/, '.')}` : '';
  const others = errors.length > 1 ? ` Other errors: ${errors.slice(1).join('; ')}` : '';
  return `${headline}${first} ${RESUME_ADVICE} Per Region: ${progress.summary()}.${others}`;
}

/** The phase and progress for an answer forced by the deadline. */
export function timeoutReason(progress: RequestProgress): string {
  return `The function is about to time out (while ${progress.phase}); done so far: ${progress.summary()}. ${RESUME_ADVICE}`;
}
