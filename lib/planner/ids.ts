/**
 * Stable action ids. Key names never contain `:` (alias syntax), so the `:`-separated parts cannot
 * collide: a new key is named by its key name, an existing one by key name and key id (two owned
 * keys may carry the same KeyName after a crash), an alias action by its alias name.
 */
import type { ActionKind } from '../types.ts';

/** An action on a key this plan creates (or on its replica in `region`). */
export function newKeyActionId(kind: ActionKind, region: string, keyName: string): string {
  return `${kind}:${region}:${keyName}`;
}

/** An action on a key that already exists in `region`. */
export function keyActionId(kind: ActionKind, region: string, keyName: string, keyId: string): string {
  return `${kind}:${region}:${keyName}:${keyId}`;
}

/** An action on the alias `aliasName` of `region`. */
export function aliasActionId(kind: ActionKind, region: string, aliasName: string): string {
  return `${kind}:${region}:${aliasName}`;
}

/** ReplicateKey is sent to the primary's Region; the replica Region makes it unique. */
export function replicateActionId(primaryRegion: string, keyName: string, replicaRegion: string): string {
  return `ReplicateKey:${primaryRegion}:${keyName}:${replicaRegion}`;
}
