/** Automatic rotation of a key that exists: a property of the primary, synced by KMS to replicas. */
import type { ActualKey, DesiredKey } from '../types.ts';
import { isActive, isPendingDeletion } from './actualIndex.ts';
import { deps } from './builder.ts';
import type { PlannerContext } from './context.ts';
import { keyActionId } from './ids.ts';

/**
 * Rotation lives on the primary (KMS syncs replicas). KMS changes it only on an enabled key
 * (DisabledException otherwise), so it runs after EnableKey or before DisableKey; a key that is
 * disabled and stays disabled keeps its rotation setting until it is enabled again.
 */
export function planRotation(
  ctx: PlannerContext,
  key: DesiredKey,
  memberP: ActualKey,
  actual: ActualKey['rotation'],
  gate: { cancel: string | null; enable: string | null },
  moveId: string | null,
): string | null {
  const wanted = key.rotation;
  if (wanted === null) return null;
  const needed = wanted.enabled ? !actual?.enabled || actual.periodInDays !== wanted.periodInDays : actual?.enabled === true;
  const enabledDuringPlan = key.enabled || (!isPendingDeletion(memberP.state) && isActive(memberP.state));
  if (!needed || !enabledDuringPlan) return null;
  const base = { region: key.primaryRegion, keyName: key.keyName, dependsOn: deps(gate.cancel, gate.enable, moveId), key: { keyId: memberP.keyId } };
  return wanted.enabled
    ? ctx.out.add({
        ...base,
        kind: 'EnableKeyRotation',
        id: keyActionId('EnableKeyRotation', key.primaryRegion, key.keyName, memberP.keyId),
        rotationPeriodInDays: wanted.periodInDays,
      })
    : ctx.out.add({ ...base, kind: 'DisableKeyRotation', id: keyActionId('DisableKeyRotation', key.primaryRegion, key.keyName, memberP.keyId) });
}
