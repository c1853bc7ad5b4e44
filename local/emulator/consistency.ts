/**
 * Eventual consistency (field realism, `consistencyDelayMs`): KMS is a distributed service, and
 * right after CreateKey/ReplicateKey a request on the new key can reach a host that has not heard of
 * it yet. KMS says so itself: "The KMS API follows an eventual consistency model" (every operation's
 * API reference, and "AWS KMS eventual consistency" in the Developer Guide's "Accessing AWS KMS").
 * How long and how often is not documented: the figures here are the emulator's guess.
 *
 * Modelled:
 * - a key made by CreateKey/ReplicateKey is *fresh* for `consistencyDelayMs`: every request that
 *   names it answers NotFoundException with probability ½ (seeded dice, `state.realismRandom`);
 * - ListKeys omits a new key, ListAliases shows an alias as it was before a write, and
 *   ListResourceTags shows a key's tags as they were before a TagResource/UntagResource, each for a
 *   random time up to `consistencyDelayMs` after the write.
 * - a grant made by CreateGrant is fresh the same way: ListGrants omits it for a random time up to
 *   `consistencyDelayMs`, and RevokeGrant of it answers NotFoundException with probability ½
 *   (`freshGrantNotFoundRate`) until
 *   `consistencyDelayMs` has passed. KMS: "When you create, retire, or revoke a grant, there might be
 *   a brief delay, usually less than five minutes, until the grant is available throughout AWS KMS"
 *   (CreateGrant and RevokeGrant API references).
 * Keys seeded through the control API are never fresh (they stand for keys made long ago).
 */
import { faults } from './errors.ts';
import type { AliasRecord, EmulatorState, GrantRecord, KeyRecord, Lag } from './state.ts';

/** A lag of at most `consistencyDelayMs`, drawn from the realism dice. */
function lagUntil(state: EmulatorState): number {
  return state.now() + state.realismRandom() * state.config.consistencyDelayMs;
}

/** Marks a key just made by CreateKey/ReplicateKey as fresh (no-op when the mode is off). */
export function markFresh(state: EmulatorState, key: KeyRecord): void {
  if (state.config.consistencyDelayMs <= 0) return;
  key.freshUntil = state.now() + state.config.consistencyDelayMs;
  key.listedFrom = lagUntil(state);
}

/** NotFoundException with probability ½ while the key is fresh. */
export function checkFresh(state: EmulatorState, key: KeyRecord): void {
  if (key.freshUntil === undefined) return;
  if (state.now() >= key.freshUntil) {
    delete key.freshUntil;
    return;
  }
  if (state.realismRandom() < 0.5) throw faults.keyNotFound(key.arn);
}

/** Whether ListKeys shows the key yet. */
export function isListed(state: EmulatorState, key: KeyRecord): boolean {
  return key.listedFrom === undefined || state.now() >= key.listedFrom;
}

function stillLagging<T>(state: EmulatorState, lag: Lag<T> | undefined): lag is Lag<T> {
  return lag !== undefined && state.now() < lag.visibleAt;
}

/**
 * Call before an alias write (create, update, delete): ListAliases keeps showing what it showed
 * before (the oldest unseen version) for a while.
 */
export function beforeAliasWrite(state: EmulatorState, region: string, aliasName: string): void {
  if (state.config.consistencyDelayMs <= 0) return;
  let lags = state.aliasLag.get(region);
  if (!lags) {
    lags = new Map();
    state.aliasLag.set(region, lags);
  }
  const previous = lags.get(aliasName);
  const current = state.aliasesIn(region).get(aliasName);
  const shown = stillLagging(state, previous) ? previous.shown : current ? { ...current } : null;
  lags.set(aliasName, { visibleAt: Math.max(previous?.visibleAt ?? 0, lagUntil(state)), shown });
}

/** The aliases of a Region as ListAliases sees them now. */
export function listedAliases(state: EmulatorState, region: string): AliasRecord[] {
  const current = state.aliasesIn(region);
  const lags = state.aliasLag.get(region);
  if (!lags || lags.size === 0) return [...current.values()];
  const names = new Set([...current.keys(), ...lags.keys()]);
  const listed: AliasRecord[] = [];
  for (const name of names) {
    const lag = lags.get(name);
    if (stillLagging(state, lag)) {
      if (lag.shown) listed.push(lag.shown);
    } else {
      lags.delete(name);
      const alias = current.get(name);
      if (alias) listed.push(alias);
    }
  }
  return listed;
}

/** Call before a tag write: ListResourceTags keeps showing the previous tags for a while. */
export function beforeTagWrite(state: EmulatorState, key: KeyRecord): void {
  if (state.config.consistencyDelayMs > 0) {
    const shown = stillLagging(state, key.tagsLag) ? key.tagsLag.shown : new Map(key.tags);
    key.tagsLag = { visibleAt: Math.max(key.tagsLag?.visibleAt ?? 0, lagUntil(state)), shown };
  }
  if (state.config.tagPropagationMs > 0) {
    const shown = stillLagging(state, key.authTagsLag) ? key.authTagsLag.shown : new Map(key.tags);
    key.authTagsLag = { visibleAt: state.now() + state.config.tagPropagationMs, shown };
  }
}

/** The key's tags as ListResourceTags sees them now. */
export function listedTags(state: EmulatorState, key: KeyRecord): Map<string, string> {
  return stillLagging(state, key.tagsLag) ? key.tagsLag.shown : key.tags;
}

/** The key's tags as `aws:ResourceTag/*` sees them now (`tagPropagationMs` after a change). */
export function authorisationTags(state: EmulatorState, key: KeyRecord): Map<string, string> {
  return stillLagging(state, key.authTagsLag) ? key.authTagsLag.shown : key.tags;
}

/** Marks a grant just made by CreateGrant as fresh: not listed yet, and its revocation may miss it. */
export function markGrantFresh(state: EmulatorState, grant: GrantRecord): void {
  if (state.config.consistencyDelayMs <= 0) return;
  grant.freshUntil = state.now() + state.config.consistencyDelayMs;
  grant.listedFrom = lagUntil(state);
}

/** Whether ListGrants shows the grant yet. */
export function isGrantListed(state: EmulatorState, grant: GrantRecord): boolean {
  return grant.listedFrom === undefined || state.now() >= grant.listedFrom;
}

/** NotFoundException (the message RevokeGrant gives an unknown grant) with probability `freshGrantNotFoundRate` (½) while the grant is fresh. */
export function checkGrantFresh(state: EmulatorState, grant: GrantRecord, notFound: () => Error): void {
  if (grant.freshUntil === undefined) return;
  if (state.now() >= grant.freshUntil) {
    delete grant.freshUntil;
    return;
  }
  if (state.realismRandom() < state.config.freshGrantNotFoundRate) throw notFound();
}
