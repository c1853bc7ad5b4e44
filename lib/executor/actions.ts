/**
 * What each action kind sends to KMS, and which "already done" answers count as success when a
 * request is repeated (a retry after a lost answer, or a replay after a crash).
 */
import { hasCode, KmsError, PlanError } from '../errors.ts';
import type { KmsApi } from '../kmsApi.ts';
import { OWNERSHIP_TAGS } from '../ownership.ts';
import { DEFAULT_PRIORITY } from '../retry/pacer.ts';
import type { SettlingClass } from '../retry/policy.ts';
import type { Action, KeyState } from '../types.ts';
import type { ExecutionContext } from './context.ts';
import { withKeyStoreAdvice } from './keyStoreErrors.ts';
import { kmsCall } from './kmsCall.ts';
import { awaitNotUpdating, markUpdating, REFUSED_WHILE_UPDATING } from './primaryUpdated.ts';
import { withReplicaCreateKeyAdvice } from './replicaDenied.ts';
import { waitForReplica } from './replicaReady.ts';
import { type RevokeTarget, revokeGrant } from './revokeGrant.ts';

/** What a successful action reports: the key made by CreateKey / ReplicateKey. */
export interface ActionResult {
  keyId?: string;
  arn?: string;
  /** CreateGrant: the grant made (or, repeated, the same one). */
  grantId?: string;
}

const PENDING_DELETION: readonly KeyState[] = ['PendingDeletion', 'PendingReplicaDeletion'];

/** What the handlers of one action share: the context, the action's Region and API, its pacing and settling. */
interface ActionRun {
  ctx: ExecutionContext;
  region: string;
  api: KmsApi;
  priority: number;
  settling: SettlingClass | undefined;
  keyIdOf: (action: Action) => string;
}

type PacedOperation = Parameters<ExecutionContext['pacer']['acquire']>[1];

/**
 * The pacing of a request of `operation` in the action's Region, at its priority, with the action's
 * settling, and its AccessDenied retried while IAM propagates (lib/retry/policy.ts).
 */
function paced(run: ActionRun, operation: PacedOperation) {
  return {
    pace: () => run.ctx.pacer.acquire(run.region, operation, 1, run.priority),
    onThrottled: () => run.ctx.pacer.throttled(run.region, operation),
    settling: run.settling,
    denied: { region: run.region, operation },
  };
}

/** An idempotent request whose answer carries nothing the plan needs. */
function idempotent(run: ActionRun, operation: PacedOperation, send: () => Promise<unknown>): Promise<ActionResult> {
  return kmsCall(run.ctx, { ...paced(run, operation), idempotent: true }, send).then(() => ({}));
}

/** DescribeKey of `keyId` in `inRegion`, a key the reader listed. */
function describe(run: ActionRun, inRegion: string, keyId: string) {
  const pace = () => run.ctx.pacer.acquire(inRegion, 'DescribeKey', 1, run.priority);
  const denied = { region: inRegion, operation: 'DescribeKey' };
  return kmsCall(run.ctx, { pace, idempotent: true, settling: 'listed', denied }, () => run.ctx.kms(inRegion).describeKey(keyId));
}

/**
 * Runs one action; `keyIdOf` resolves its KeyRef. Every request is paced at `priority` (see
 * executor/priority.ts). Rejects with the KmsError that failed it.
 */
export async function runAction(
  ctx: ExecutionContext,
  action: Action,
  keyIdOf: (action: Action) => string,
  priority: number = DEFAULT_PRIORITY,
): Promise<ActionResult> {
  const run: ActionRun = { ctx, region: action.region, api: ctx.kms(action.region), priority, settling: settlingOf(ctx, action, keyIdOf), keyIdOf };
  const { api } = run;
  if ('key' in action && REFUSED_WHILE_UPDATING.has(action.kind)) await awaitNotUpdating(ctx, action.kind, action.region, keyIdOf(action), priority);
  switch (action.kind) {
    case 'CreateKey':
      return createKey(run, action);
    case 'ReplicateKey':
      return replicateKey(run, action);
    case 'CreateAlias':
      return createAlias(run, action);
    case 'UpdateAlias':
      return idempotent(run, 'UpdateAlias', () => api.updateAlias(action.aliasName, keyIdOf(action)));
    case 'DeleteAlias':
      return idempotent(run, 'DeleteAlias', () => api.deleteAlias(action.aliasName)).catch(doneIf('NotFoundException'));
    case 'PutKeyPolicy':
      return putKeyPolicy(run, action);
    case 'TagResource':
      return idempotent(run, 'TagResource', () => api.tagResource(keyIdOf(action), action.tags));
    case 'UntagResource':
      return idempotent(run, 'UntagResource', () => api.untagResource(keyIdOf(action), action.tagKeys));
    case 'UpdateKeyDescription':
      return idempotent(run, 'UpdateKeyDescription', () => api.updateKeyDescription(keyIdOf(action), action.description));
    case 'EnableKey':
      return idempotent(run, 'EnableKey', () => api.enableKey(keyIdOf(action)));
    case 'DisableKey':
      return idempotent(run, 'DisableKey', () => api.disableKey(keyIdOf(action)));
    case 'EnableKeyRotation':
      return idempotent(run, 'EnableKeyRotation', () => api.enableKeyRotation(keyIdOf(action), action.rotationPeriodInDays));
    case 'DisableKeyRotation':
      return idempotent(run, 'DisableKeyRotation', () => api.disableKeyRotation(keyIdOf(action)));
    case 'UpdatePrimaryRegion':
      return updatePrimaryRegion(run, action);
    case 'ScheduleKeyDeletion':
      return scheduleKeyDeletion(run, action);
    case 'CancelKeyDeletion':
      return cancelKeyDeletion(run, action);
    case 'CreateGrant':
      return createGrant(run, action);
    case 'RevokeGrant':
      // NotFound/AccessDenied may only mean KMS has not caught up with the grant; one not listed is made again by name first (executor/revokeGrant.ts): its own wait, not the IAM propagation retry.
      return revokeGrant(ctx, api, { ...grantOf(action), keyId: keyIdOf(action) }, (op) => ({ ...paced(run, op), denied: undefined })).then(() => ({}));
    case 'ImportKeyMaterial':
      return importMaterial(run, action);
    case 'RotateKeyOnDemand':
      // Not repeated on a 5xx: a second rotation finds nothing pending. The next request reads which
      // material is current and plans again (docs/key-material.md).
      return kmsCall(run.ctx, { ...paced(run, 'RotateKeyOnDemand'), idempotent: false }, () => api.rotateKeyOnDemand(keyIdOf(action))).then(() => ({}));
    default:
      return unhandled(action);
  }
}

/** A rejection handler: the answer `code` means the work is done (nothing to report); any other error stays. */
function doneIf(code: string): (error: unknown) => ActionResult {
  return (error) => {
    if (hasCode(error, code)) return {};
    throw error;
  };
}

type ActionOf<K extends Action['kind']> = Extract<Action, { kind: K }>;

async function createKey(run: ActionRun, action: ActionOf<'CreateKey'>): Promise<ActionResult> {
  const { spec, keyUsage, multiRegion, policy, description, tags, origin, customKeyStoreId, xksKeyId } = action;
  // Only what the action carries: an AWS_KMS key in KMS's own store sends no Origin or store at all.
  const source = {
    ...(origin === undefined ? {} : { origin }),
    ...(customKeyStoreId === undefined ? {} : { customKeyStoreId }),
    ...(xksKeyId === undefined ? {} : { xksKeyId }),
  };
  const created = await kmsCall(run.ctx, { ...paced(run, 'CreateKey'), idempotent: false, policy }, () =>
    run.api.createKey({ spec, keyUsage, multiRegion, policy, description, tags, ...source }),
  ).catch((error: unknown) => {
    throw withKeyStoreAdvice(error, action);
  });
  run.ctx.madeKeys.add(created.keyId, run.region);
  return { keyId: created.keyId, arn: created.arn };
}

async function replicateKey(run: ActionRun, action: ActionOf<'ReplicateKey'>): Promise<ActionResult> {
  const { ctx, region, priority } = run;
  const keyId = run.keyIdOf(action);
  const { replicaRegion, policy, description, tags } = action;
  let arn: string;
  try {
    const pace = () => ctx.pacer.acquireReplicateKey(region, replicaRegion, priority).then(() => ctx.reservations.get(action.id)?.());
    const onThrottled = () => ctx.pacer.throttled(region, 'ReplicateKey');
    const denied = { region, operation: 'ReplicateKey' };
    const replica = await kmsCall(ctx, { pace, onThrottled, idempotent: false, policy, settling: run.settling, denied }, () =>
      run.api.replicateKey({ keyId, replicaRegion, policy, description, tags }),
    );
    arn = replica.arn;
  } catch (error) {
    // The replica exists already (same key id = the same multi-Region key): the work is done.
    if (!hasCode(error, 'AlreadyExistsException')) throw withReplicaCreateKeyAdvice(error, action.replicaRegion);
    const existing = await describe(run, replicaRegion, keyId);
    if (existing.role !== 'REPLICA') throw error;
    await requireOwnReplica(run, replicaRegion, keyId, tags[OWNERSHIP_TAGS.owner], error);
    arn = existing.arn;
  }
  ctx.madeKeys.add(keyId, replicaRegion);
  await waitForReplica(ctx, replicaRegion, keyId, priority);
  return { keyId, arn };
}

/**
 * ReplicateKey answered AlreadyExistsException: the replica is this plan's work (a repeat after a
 * lost answer) only when it carries the owner tag the call sets. A replica of another owner or none
 * (retagged by hand, or left pending deletion by a renamed resource's hand-over) is not this
 * resource's: the action fails, naming it, and nothing goes on it (its alias, its tags).
 */
async function requireOwnReplica(run: ActionRun, replicaRegion: string, keyId: string, ownerId: string | undefined, original: KmsError): Promise<void> {
  const pace = () => run.ctx.pacer.acquire(replicaRegion, 'ListResourceTags', 1, run.priority);
  const denied = { region: replicaRegion, operation: 'ListResourceTags' };
  const found = await kmsCall(run.ctx, { pace, idempotent: true, settling: 'listed', denied }, () => run.ctx.kms(replicaRegion).listResourceTags(keyId));
  const owner = found[OWNERSHIP_TAGS.owner];
  if (owner === ownerId) return;
  throw new KmsError(
    'AlreadyExistsException',
    `${keyId} already has a replica in ${replicaRegion} that is not this resource's (${owner === undefined ? 'no owner tag' : `owner ${owner}`}), and KMS makes one replica per Region; ` +
      `cancel its deletion if it is pending and point the key's alias in ${replicaRegion} at it, then retry, or remove ${replicaRegion} from ReplicaRegions`,
    { cause: original, context: { region: replicaRegion } },
  );
}

async function createAlias(run: ActionRun, action: ActionOf<'CreateAlias'>): Promise<ActionResult> {
  const keyId = run.keyIdOf(action);
  try {
    return await idempotent(run, 'CreateAlias', () => run.api.createAlias(action.aliasName, keyId));
  } catch (error) {
    // Repeated after a lost answer: the alias exists and already targets this key.
    if (!hasCode(error, 'AlreadyExistsException')) throw error;
    // Each page is paced.
    await confirmAlias(run.ctx, run.api, action.aliasName, keyId, paced(run, 'ListAliases').pace, error);
    return {};
  }
}

async function putKeyPolicy(run: ActionRun, action: ActionOf<'PutKeyPolicy'>): Promise<ActionResult> {
  const keyId = run.keyIdOf(action);
  await kmsCall(run.ctx, { ...paced(run, 'PutKeyPolicy'), idempotent: true, policy: action.policy }, () => run.api.putKeyPolicy(keyId, action.policy));
  return {};
}

async function updatePrimaryRegion(run: ActionRun, action: ActionOf<'UpdatePrimaryRegion'>): Promise<ActionResult> {
  const { ctx, region, priority } = run;
  // Not repeated blindly: after a lost answer the old primary is a replica and the call fails.
  const keyId = run.keyIdOf(action);
  // KMS counts it in both Regions (DEFAULT_KMS_QUOTAS).
  const pace = () => ctx.pacer.acquireUpdatePrimaryRegion(region, action.primaryRegion, priority);
  await kmsCall(ctx, { ...paced(run, 'UpdatePrimaryRegion'), pace, idempotent: false }, () => run.api.updatePrimaryRegion(keyId, action.primaryRegion));
  ctx.madeKeys.add(keyId, region, action.primaryRegion);
  // Both keys are `Updating` for a while: only what KMS refuses then waits (executor/primaryUpdated.ts).
  markUpdating(ctx, keyId, region, action.primaryRegion);
  return {};
}

async function scheduleKeyDeletion(run: ActionRun, action: ActionOf<'ScheduleKeyDeletion'>): Promise<ActionResult> {
  const keyId = run.keyIdOf(action);
  try {
    await kmsCall(run.ctx, { ...paced(run, 'ScheduleKeyDeletion'), idempotent: true, settling: 'listed' }, () =>
      run.api.scheduleKeyDeletion(keyId, action.pendingWindowInDays),
    );
    return {};
  } catch (error) {
    // KMS refuses to schedule a key that is already pending deletion: that is the goal.
    if (!hasCode(error, 'KMSInvalidStateException')) throw error;
    if (!PENDING_DELETION.includes((await describe(run, run.region, keyId)).state)) throw error;
    return {};
  }
}

async function cancelKeyDeletion(run: ActionRun, action: ActionOf<'CancelKeyDeletion'>): Promise<ActionResult> {
  const keyId = run.keyIdOf(action);
  try {
    await kmsCall(run.ctx, { ...paced(run, 'CancelKeyDeletion'), idempotent: true, settling: 'listed' }, () => run.api.cancelKeyDeletion(keyId));
    return {};
  } catch (error) {
    // KMS refuses to cancel the deletion of a key that is not pending deletion: already restored.
    if (!hasCode(error, 'KMSInvalidStateException')) throw error;
    if (PENDING_DELETION.includes((await describe(run, run.region, keyId)).state)) throw error;
    return {};
  }
}

/** The grant a RevokeGrant action names, without its key. */
function grantOf(action: ActionOf<'RevokeGrant'>): Omit<RevokeTarget, 'keyId'> {
  const { region, grantId, grantName, kmsName, parameters } = action;
  return { region, grantId, grantName, kmsName, parameters };
}

async function createGrant(run: ActionRun, action: ActionOf<'CreateGrant'>): Promise<ActionResult> {
  // Safe to repeat: KMS answers the existing GrantId for the same Name and parameters.
  const keyId = run.keyIdOf(action);
  const { kmsName, granteePrincipal, operations, retiringPrincipal, constraints } = action;
  const created = await kmsCall(run.ctx, { ...paced(run, 'CreateGrant'), idempotent: true }, () =>
    run.api.createGrant({ keyId, kmsName, granteePrincipal, operations, retiringPrincipal, constraints }),
  );
  return { grantId: created.grantId };
}

/**
 * Which answers of KMS mean "not caught up yet" for this action (lib/retry/policy.ts, settling): `made` for a
 * key made or changed in this request (or moving its primary in this plan), `listed` for a key the
 * reader has just listed; none for CreateKey (no key yet) and DeleteAlias (NotFound = already gone).
 */
function settlingOf(ctx: ExecutionContext, action: Action, keyIdOf: (action: Action) => string): SettlingClass | undefined {
  if (action.kind === 'CreateKey' || action.kind === 'DeleteAlias') return undefined;
  if ('created' in action.key) return 'made';
  const keyId = keyIdOf(action);
  return ctx.madeKeys.has(action.region, keyId) || ctx.movingKeyIds.has(keyId) ? 'made' : 'listed';
}

/**
 * CreateAlias answered AlreadyExistsException: done when the alias already targets `keyId` (a repeat
 * after a lost answer). ListAliases may lag the CreateAlias that made it, so an alias the listing does
 * not show yet is looked for again (bounded like any unsettled answer). An alias targeting another key
 * means the actual state this plan came from was stale (or somebody just made the alias): failed as
 * retryable, so the request reads again and plans from what is there.
 */
async function confirmAlias(
  ctx: ExecutionContext,
  api: KmsApi,
  aliasName: string,
  keyId: string,
  pace: () => Promise<void>,
  original: KmsError,
): Promise<void> {
  const notListedYet = () => new KmsError('NotFoundException', `${aliasName} exists but ListAliases does not list it yet`, { cause: original });
  await kmsCall(ctx, { pace: async () => {}, idempotent: true, settling: 'listed' }, async () => {
    const page = <T>(send: () => Promise<T>) => pace().then(send);
    if ((await api.listAliases({ keyId, page })).some((a) => a.aliasName === aliasName)) return;
    const other = (await api.listAliases({ page })).find((a) => a.aliasName === aliasName);
    if (other === undefined) throw notListedYet();
    throw new KmsError(original.code, `${aliasName} already targets ${other.targetKeyId ?? 'no key'}, not ${keyId}: the state read before planning was stale`, {
      cause: original,
      retryable: true,
    });
  });
}

/**
 * GetSecretValue, GetParametersForImport, wrapping and ImportKeyMaterial, as one call (the material
 * never leaves `lib/aws/`). Safe to repeat: the same material imported again only sets the expiry.
 * Different material is refused by KMS: the reason says why and what to do, naming the secret only.
 */
async function importMaterial(run: ActionRun, action: ActionOf<'ImportKeyMaterial'>): Promise<ActionResult> {
  const { secretArn, validTo, keySpec, importType, materialDescription } = action;
  const path = `CustomerMasterKeys.${action.keyName}.KeyMaterial.SecretArn`;
  const keyId = run.keyIdOf(action);
  const getParameters = paced(run, 'GetParametersForImport');
  // Both requests of the import are paced before it starts: GetParametersForImport and ImportKeyMaterial.
  const pace = () => getParameters.pace().then(() => run.ctx.pacer.acquire(run.region, 'ImportKeyMaterial', 1, run.priority));
  // New material imported twice is refused the second time: not repeated; the next request reads it as pending.
  const repeatable = importType !== 'NEW_KEY_MATERIAL';
  const input = {
    keyId,
    keySpec,
    secretArn,
    validTo,
    path,
    ...(importType === undefined ? {} : { importType }),
    ...(materialDescription === undefined ? {} : { materialDescription }),
  };
  try {
    await kmsCall(run.ctx, { ...getParameters, pace, idempotent: repeatable }, () => run.api.importKeyMaterial(input));
    return {};
  } catch (error) {
    if (!hasCode(error, 'IncorrectKeyMaterialException')) throw error;
    throw new KmsError(error.code, incorrectMaterialReason(action, keyId), { cause: error, context: error.context });
  }
}

/** Why KMS refused the material, and what to do; names the secret, never what it holds. */
function incorrectMaterialReason(action: ActionOf<'ImportKeyMaterial'>, keyId: string): string {
  const { secretArn, region } = action;
  if (action.importType === 'NEW_KEY_MATERIAL') {
    return `the material in ${secretArn} is already one of key ${keyId}'s materials in ${region} (or other new material is pending rotation there): AllowRotation rotates only to new material. To record a secret holding the same material, set AllowRotation: false for that update`;
  }
  if (action.reason === 'rotation') {
    return `the material in ${secretArn} is not the new material pending rotation in the primary of key ${keyId}: a replica in ${region} takes only the primary's new material`;
  }
  return `the material in ${secretArn} is not the material key ${keyId} already has in ${region}: a different material is a different key. Set SecretArn back, set KeyMaterial.AllowRotation: true to rotate the key to this material, or set AllowReplacement: true to make a new key with this material`;
}

/** A new action kind that is not handled above fails to compile here. */
function unhandled(action: never): never {
  throw new PlanError(`the executor cannot run action ${JSON.stringify(action)}`);
}
