/**
 * Aliases: `alias/<name>` must target the key in the primary Region and in every replica Region.
 * Missing → CreateAlias; on another key of ours (or a sibling's) → UpdateAlias where KMS allows it
 * (same key type and usage), else DeleteAlias then CreateAlias; on somebody else's key → refusal,
 * unless AdoptExistingKeys and that key's owner offered it (`AdoptableBy`, planner/adoption.ts).
 */

import { compare } from './builder.ts';
import { canUpdateAlias } from './changeRules.ts';
import { adoptionConsentRefusal } from './consent.ts';
import { foreignAliasReason, type PlannerContext, unreadableAliasReason } from './context.ts';
import { aliasActionId } from './ids.ts';

/** Where an alias is, as a map key. */
export function aliasSlot(region: string, aliasName: string): string {
  return `${region}\n${aliasName}`;
}

/**
 * Plans every alias request. Returns, per alias slot, the action that moves the alias off the key
 * it targets now (UpdateAlias or DeleteAlias), so that the removal of that key can wait for it.
 */
export function planAliases(ctx: PlannerContext): Map<string, string> {
  const { out, index } = ctx;
  const moves = new Map<string, string>();
  const requests = [...ctx.aliasRequests].sort((a, b) => compare(a.region, b.region) || compare(a.aliasName, b.aliasName));
  for (const request of requests) {
    const { region, aliasName, keyName, key, ready } = request;
    const current = index.alias(region, aliasName);
    const createAlias = (dependsOn: string[]): string =>
      out.add({ kind: 'CreateAlias', id: aliasActionId('CreateAlias', region, aliasName), region, keyName, dependsOn, aliasName, key });
    if (!current) {
      createAlias(ready);
      continue;
    }
    if (current.targetKeyId === request.keyId) continue;
    const target = index.key(region, current.targetKeyId);
    if (!target) {
      out.refuse(keyName, region, unreadableAliasReason(aliasName, region, current.targetKeyId));
      continue;
    }
    if (ctx.ownership(target).kind === 'foreign') {
      const consent = ctx.desired.adoptExistingKeys ? adoptionConsentRefusal(ctx, aliasName, target) : foreignAliasReason(aliasName, region, target.keyId);
      if (consent !== null) {
        out.refuse(keyName, region, consent);
        continue;
      }
    }
    if (canUpdateAlias(target, request)) {
      moves.set(
        aliasSlot(region, aliasName),
        out.add({ kind: 'UpdateAlias', id: aliasActionId('UpdateAlias', region, aliasName), region, keyName, dependsOn: ready, aliasName, key }),
      );
    } else {
      const deleteId = out.add({ kind: 'DeleteAlias', id: aliasActionId('DeleteAlias', region, aliasName), region, keyName, dependsOn: [], aliasName });
      moves.set(aliasSlot(region, aliasName), deleteId);
      createAlias([...ready, deleteId]);
    }
  }
  return moves;
}
