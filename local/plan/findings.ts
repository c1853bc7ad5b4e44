/**
 * Why an action is in the plan, in terms of what was found in KMS: "the key is Disabled", "alias
 * moved to key …", "tag Team is ops (template: platform)". Against the deployed template every
 * finding is drift: a change made outside CloudFormation.
 */

import { OWNERSHIP_TAGS } from '../../lib/ownership.ts';
import { canonicalizeJsonText } from '../../lib/text/canonicalJson.ts';
import type { Action, ActualAlias, ActualKey, ActualState, DesiredState, KeyRef, TagMap } from '../../lib/types.ts';

/** Look-ups over the actual state the plan was computed from. */
export interface ActualLookup {
  key(region: string, ref: KeyRef): ActualKey | undefined;
  alias(region: string, aliasName: string): ActualAlias | undefined;
}

export function lookupOf(actual: ActualState): ActualLookup {
  const keys = new Map(actual.keys.map((k) => [`${k.region}\n${k.keyId}`, k]));
  const aliases = new Map(actual.aliases.map((a) => [`${a.region}\n${a.aliasName}`, a]));
  return {
    key: (region, ref) => ('keyId' in ref ? keys.get(`${region}\n${ref.keyId}`) : undefined),
    alias: (region, aliasName) => aliases.get(`${region}\n${aliasName}`),
  };
}

/** What the actual state shows that this action corrects, or null when there is nothing to say. */
export function findingOf(action: Action, lookup: ActualLookup, desired: DesiredState): string | null {
  const keyIn = (region: string, ref: KeyRef) => lookup.key(region, ref);
  switch (action.kind) {
    case 'CreateKey':
      return `no key of ${action.keyName} owned by this resource in ${action.region}`;
    case 'ReplicateKey':
      // A replica of a key this plan creates is part of making it: nothing was found missing.
      return 'keyId' in action.key ? `no replica in ${action.replicaRegion} (deleted, or never made)` : null;
    case 'CreateAlias': {
      // After a DeleteAlias of the same plan: the alias moves to a key of another type.
      const alias = lookup.alias(action.region, action.aliasName);
      return alias === undefined
        ? `${action.aliasName} does not exist in ${action.region}`
        : `${action.aliasName} targets key ${alias.targetKeyId}: deleted, then created again`;
    }
    case 'UpdateAlias': {
      const alias = lookup.alias(action.region, action.aliasName);
      return alias === undefined ? null : `${action.aliasName} targets key ${alias.targetKeyId}`;
    }
    case 'DeleteAlias': {
      const alias = lookup.alias(action.region, action.aliasName);
      return alias === undefined ? null : `${action.aliasName} targets key ${alias.targetKeyId}, which is being removed`;
    }
    case 'PutKeyPolicy': {
      const key = keyIn(action.region, action.key);
      return key === undefined ? null : policyFinding(key.policy, action.policy);
    }
    case 'TagResource': {
      const key = keyIn(action.region, action.key);
      if (key === undefined) return null;
      const newOwner = action.tags[OWNERSHIP_TAGS.owner];
      if (newOwner !== undefined && newOwner !== desired.owner.ownerId) return `the key goes back to resource ${newOwner} (a renamed logical ID rolled back)`;
      if (newOwner !== undefined && key.tags[OWNERSHIP_TAGS.owner] !== newOwner) {
        const from = key.tags[OWNERSHIP_TAGS.owner];
        return from === undefined
          ? 'the key is not owned by this resource yet: AdoptExistingKeys takes it over'
          : `ownership moves here from resource ${from} (a renamed logical ID)`;
      }
      return tagsFinding(key.tags, action.tags);
    }
    case 'UntagResource': {
      const key = keyIn(action.region, action.key);
      if (key === undefined) return null;
      if (action.tagKeys.includes(OWNERSHIP_TAGS.owner)) return 'RemovalPolicy: Retain: the key and its aliases stay, unmanaged';
      return `tags not in the template: ${action.tagKeys.map((k) => `${k}=${key.tags[k] ?? ''}`).join(', ')}`;
    }
    case 'UpdateKeyDescription': {
      const key = keyIn(action.region, action.key);
      return key === undefined ? null : `description is ${JSON.stringify(key.description)}`;
    }
    case 'EnableKey': {
      const key = keyIn(action.region, action.key);
      return key === undefined ? null : `the key is ${key.state}`;
    }
    case 'DisableKey': {
      const key = keyIn(action.region, action.key);
      return key === undefined ? 'the template sets Enabled: false' : `the key is ${key.state}; the template sets Enabled: false`;
    }
    case 'EnableKeyRotation': {
      const rotation = keyIn(action.region, action.key)?.rotation;
      if (rotation === undefined || rotation === null) return null;
      return rotation.enabled ? `rotation every ${rotation.periodInDays ?? '?'} days` : 'rotation is off';
    }
    case 'DisableKeyRotation':
      return 'rotation is on';
    case 'UpdatePrimaryRegion':
      return `the primary is in ${action.region}`;
    case 'ScheduleKeyDeletion': {
      const key = keyIn(action.region, action.key);
      const wanted = desired.keys.some((k) => k.keyName === action.keyName);
      if (key?.role === 'REPLICA' && wanted) return `${action.region} is no longer one of the key's ReplicaRegions`;
      return wanted ? 'the key is replaced or no longer wanted in this Region' : `${action.keyName} is no longer in the template`;
    }
    case 'CancelKeyDeletion': {
      const key = keyIn(action.region, action.key);
      return key === undefined ? null : `the key is ${key.state}${key.deletionDate === null ? '' : ` (deletion on ${key.deletionDate.slice(0, 10)})`}`;
    }
    default:
      return null;
  }
}

/** Which statements (by Sid) were added, removed or changed, compared with the generated policy. */
export function policyFinding(actualPolicy: string | null, wantedPolicy: string): string {
  if (actualPolicy === null) return 'the key policy could not be read';
  const actual = statementsOf(actualPolicy);
  const wanted = statementsOf(wantedPolicy);
  if (actual === null) return 'the key policy is not valid JSON';
  if (wanted === null) return 'the key policy differs from the generated one';
  const added = [...actual.keys()].filter((sid) => !wanted.has(sid));
  const removed = [...wanted.keys()].filter((sid) => !actual.has(sid));
  const changed = [...wanted.keys()].filter((sid) => actual.has(sid) && actual.get(sid) !== wanted.get(sid));
  const parts = [
    added.length > 0 ? `statements not in the template: ${added.join(', ')}` : '',
    removed.length > 0 ? `statements missing: ${removed.join(', ')}` : '',
    changed.length > 0 ? `statements changed: ${changed.join(', ')}` : '',
  ].filter((part) => part !== '');
  return `the key policy differs from the generated one${parts.length > 0 ? ` (${parts.join('; ')})` : ''}`;
}

/** Sid (or `#n` for a statement without one) → canonical JSON; null when the text is not a policy. */
function statementsOf(policy: string): Map<string, string> | null {
  const canonical = canonicalizeJsonText(policy);
  if (canonical === null) return null;
  const document = JSON.parse(canonical) as { Statement?: unknown };
  const statements = Array.isArray(document.Statement) ? document.Statement : document.Statement === undefined ? [] : [document.Statement];
  return new Map(
    statements.map((statement: unknown, i) => {
      const sid =
        statement !== null && typeof statement === 'object' && typeof (statement as { Sid?: unknown }).Sid === 'string'
          ? (statement as { Sid: string }).Sid
          : `#${i + 1}`;
      return [sid, JSON.stringify(statement)];
    }),
  );
}

function tagsFinding(actual: TagMap, wanted: TagMap): string {
  const changes = Object.keys(wanted)
    .sort()
    .filter((k) => actual[k] !== wanted[k])
    .map((k) => (actual[k] === undefined ? `${k} is missing (template: ${wanted[k]})` : `${k} is ${actual[k]} (template: ${wanted[k]})`));
  return changes.length === 0 ? 'tags differ' : `tag ${changes.join(', tag ')}`;
}
