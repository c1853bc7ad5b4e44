/** State shared by the planner's steps while one plan is built. */
import { type Ownership, ownershipOf } from '../ownership.ts';
import type { ActualKey, DesiredState, KeyRef, KeySpec, KeyUsage } from '../types.ts';
import type { ActualIndex } from './actualIndex.ts';
import { PlanBuilder } from './builder.ts';

/** `alias/<name>` in `region` must target `key` once `ready` actions are done. */
export interface AliasRequest {
  region: string;
  aliasName: string;
  keyName: string;
  key: KeyRef;
  /** The existing key id, or null for a key this plan creates. */
  keyId: string | null;
  spec: KeySpec;
  keyUsage: KeyUsage;
  ready: string[];
}

/** A key (primary or replica) to remove once the aliases have been planned. */
export interface PendingRemoval {
  member: ActualKey;
  keyName: string;
  dependsOn: string[];
  /** This plan cancels its deletion first (so it is no longer pending when the removal runs). */
  cancelled: boolean;
}

export interface PlannerContext {
  desired: DesiredState;
  index: ActualIndex;
  out: PlanBuilder;
  aliasRequests: AliasRequest[];
  removals: PendingRemoval[];
  ownership(key: ActualKey): Ownership;
}

export function createContext(desired: DesiredState, index: ActualIndex): PlannerContext {
  return {
    desired,
    index,
    out: new PlanBuilder(),
    aliasRequests: [],
    removals: [],
    ownership: (key) => ownershipOf(key.tags, desired.owner),
  };
}

/** The refusal for an alias that targets a key of somebody else (docs/behaviour.md §6 "Existing alias"). */
export function foreignAliasReason(aliasName: string, region: string, keyId: string): string {
  return `${aliasName} in ${region} already targets key ${keyId}, which this resource does not own; set AdoptExistingKeys to take it over`;
}

/** The refusal for an alias whose key the reader could not describe (not ours by definition). */
export function unreadableAliasReason(aliasName: string, region: string, keyId: string): string {
  return `${aliasName} in ${region} targets key ${keyId}, which this resource cannot read; it does not change keys it cannot inspect`;
}
