/** CreateGrant, and the grant a RevokeGrant names (lib/executor/actions.ts runs them; revokeGrant.ts revokes). */
import { type ActionOf, type ActionResult, type ActionRun, paced } from './actionRun.ts';
import { kmsCall } from './kmsCall.ts';
import type { RevokeTarget } from './revokeGrant.ts';

/** The grant a RevokeGrant action names, without its key. */
export function grantOf(action: ActionOf<'RevokeGrant'>): Omit<RevokeTarget, 'keyId'> {
  const { region, grantId, grantName, kmsName, parameters } = action;
  return { region, grantId, grantName, kmsName, parameters };
}

export async function createGrant(run: ActionRun, action: ActionOf<'CreateGrant'>): Promise<ActionResult> {
  // Safe to repeat: KMS answers the existing GrantId for the same Name and parameters.
  const keyId = run.keyIdOf(action);
  const { kmsName, granteePrincipal, operations, retiringPrincipal, constraints } = action;
  const created = await kmsCall(run.ctx, { ...paced(run, 'CreateGrant'), idempotent: true }, () =>
    run.api.createGrant({ keyId, kmsName, granteePrincipal, operations, retiringPrincipal, constraints }),
  );
  return { grantId: created.grantId };
}
