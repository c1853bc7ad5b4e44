/**
 * What the executor's action handlers share (lib/executor/actions.ts and its siblings): one action's
 * run (context, Region, API, priority, settling), its pacing, and the "already done" answers.
 */
import { hasCode } from '../errors.ts';
import type { KmsApi } from '../kmsApi.ts';
import type { SettlingClass } from '../retry/policy.ts';
import type { Action } from '../types.ts';
import type { ExecutionContext } from './context.ts';
import { kmsCall } from './kmsCall.ts';

/** What a successful action reports: the key made by CreateKey / ReplicateKey. */
export interface ActionResult {
  keyId?: string;
  arn?: string;
  /** CreateGrant: the grant made (or, repeated, the same one). */
  grantId?: string;
}

/** What the handlers of one action share: the context, the action's Region and API, its pacing and settling. */
export interface ActionRun {
  ctx: ExecutionContext;
  region: string;
  api: KmsApi;
  priority: number;
  settling: SettlingClass | undefined;
  keyIdOf: (action: Action) => string;
}

export type PacedOperation = Parameters<ExecutionContext['pacer']['acquire']>[1];

export type ActionOf<K extends Action['kind']> = Extract<Action, { kind: K }>;

/**
 * The pacing of a request of `operation` in the action's Region, at its priority, with the action's
 * settling, and its AccessDenied retried while IAM propagates (lib/retry/policy.ts).
 */
export function paced(run: ActionRun, operation: PacedOperation) {
  return {
    pace: () => run.ctx.pacer.acquire(run.region, operation, 1, run.priority),
    onThrottled: () => run.ctx.pacer.throttled(run.region, operation),
    settling: run.settling,
    denied: { region: run.region, operation },
  };
}

/** An idempotent request whose answer carries nothing the plan needs. */
export function idempotent(run: ActionRun, operation: PacedOperation, send: () => Promise<unknown>): Promise<ActionResult> {
  return kmsCall(run.ctx, { ...paced(run, operation), idempotent: true }, send).then(() => ({}));
}

/** DescribeKey of `keyId` in `inRegion`, a key the reader listed. */
export function describe(run: ActionRun, inRegion: string, keyId: string) {
  const pace = () => run.ctx.pacer.acquire(inRegion, 'DescribeKey', 1, run.priority);
  const denied = { region: inRegion, operation: 'DescribeKey' };
  return kmsCall(run.ctx, { pace, idempotent: true, settling: 'listed', denied }, () => run.ctx.kms(inRegion).describeKey(keyId));
}

/** A rejection handler: the answer `code` means the work is done (nothing to report); any other error stays. */
export function doneIf(code: string): (error: unknown) => ActionResult {
  return (error) => {
    if (hasCode(error, code)) return {};
    throw error;
  };
}
