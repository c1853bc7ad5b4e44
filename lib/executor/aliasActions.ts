/** CreateAlias, and what its AlreadyExistsException means (lib/executor/actions.ts runs it). */
import { hasCode, KmsError } from '../errors.ts';
import type { KmsApi } from '../kmsApi.ts';
import { type ActionOf, type ActionResult, type ActionRun, idempotent, paced } from './actionRun.ts';
import type { ExecutionContext } from './context.ts';
import { kmsCall } from './kmsCall.ts';

export async function createAlias(run: ActionRun, action: ActionOf<'CreateAlias'>): Promise<ActionResult> {
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
