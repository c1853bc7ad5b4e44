/**
 * A refused plan has no actions (lib/planner/: a refusal fails the whole request before anything
 * runs), which hides the rest of the change from whoever reads it. `planAroundRefusals` plans again
 * with the refusals taken out of the way, so the report can list what the request would do once
 * they are resolved: a refused replacement as if the key set `AllowReplacement: true`, any other
 * refused key set aside (its desired entry, its keys and its aliases left out: untouched).
 */
import { OWNERSHIP_TAGS } from '../../lib/ownership.ts';
import { plan } from '../../lib/planner/index.ts';
import type { ActualState, DesiredState, Plan } from '../../lib/types.ts';

/** Each pass resolves at least one key name; a template has few keys, but never loop for ever. */
const MAX_PASSES = 10;

/** The plan of everything the refusals of `refused` do not stop, or null when that plan is refused too. */
export function planAroundRefusals(desired: DesiredState, actual: ActualState, refused: Plan): Plan | null {
  let current = refused;
  let state = { desired, actual };
  for (let pass = 0; pass < MAX_PASSES && current.refusals.length > 0; pass++) {
    const replace = new Set(current.refusals.filter((r) => /needs a new key/.test(r.reason)).map((r) => r.keyName));
    const setAside = new Set(current.refusals.map((r) => r.keyName).filter((name) => !replace.has(name)));
    // A key already allowed to be replaced and still refused cannot be helped this way.
    const stuck = state.desired.keys.some((k) => replace.has(k.keyName) && k.allowReplacement);
    if (stuck) return null;
    state = withoutKeys(withReplacementAllowed(state, replace), setAside);
    current = plan(state.desired, state.actual);
  }
  return current.refusals.length > 0 ? null : current;
}

function withReplacementAllowed(state: { desired: DesiredState; actual: ActualState }, names: Set<string>) {
  const keys = state.desired.keys.map((k) => (names.has(k.keyName) ? { ...k, allowReplacement: true } : k));
  return { desired: { ...state.desired, keys }, actual: state.actual };
}

function withoutKeys(state: { desired: DesiredState; actual: ActualState }, names: Set<string>) {
  if (names.size === 0) return state;
  const aliasNames = new Set([...names].map((name) => `alias/${name}`));
  const aliasTargets = new Set(state.actual.aliases.filter((a) => aliasNames.has(a.aliasName)).map((a) => a.targetKeyId));
  const removed = new Set(state.actual.keys.filter((k) => names.has(k.tags[OWNERSHIP_TAGS.keyName] ?? '') || aliasTargets.has(k.keyId)).map((k) => k.keyId));
  const keys = state.actual.keys.filter((k) => !removed.has(k.keyId));
  const aliases = state.actual.aliases.filter((a) => !aliasNames.has(a.aliasName) && !removed.has(a.targetKeyId));
  return {
    desired: { ...state.desired, keys: state.desired.keys.filter((k) => !names.has(k.keyName)) },
    actual: { keys, aliases },
  };
}
