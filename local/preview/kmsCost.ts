/**
 * What KMS charges for the keys a template holds, from AWS's pricing page
 * (https://aws.amazon.com/kms/pricing/, us-east-1): each KMS key costs $1 a month, prorated hourly,
 * "the same for symmetric keys, asymmetric keys, HMAC keys, multi-Region keys (each primary and each
 * replica multi-Region key)"; with automatic rotation, "each newly generated backing key costs an
 * additional $1/month"; keys scheduled for deletion cost nothing; requests cost $0.03 per 10,000
 * (symmetric and most others; the free tier of 20,000 requests a month across all Regions is left
 * out, so the figures are an upper bound). A `Region: ''` key is one key per enabled Region,
 * replicas are keys, and a stack set multiplies all of it by the accounts it deploys to.
 */

import type { SnapshotKey } from '../emulator/client.ts';

export const KMS_PRICE = { perKeyMonth: 1, perRequest: 0.03 / 10_000 } as const;

/** Dollars a month for `keys` keys (before rotation adds backing keys). */
export function monthlyKeyCost(keys: number): number {
  return keys * KMS_PRICE.perKeyMonth;
}

/** Dollars for `requests` KMS requests. */
export function requestCost(requests: number): number {
  return requests * KMS_PRICE.perRequest;
}

/**
 * The preview's line: how many keys the resource holds and what they cost a month. Keys pending
 * deletion are not billed and not counted.
 */
export function keyCostLine(keys: SnapshotKey[]): string {
  const billed = keys.filter((k) => k.keyState !== 'PendingDeletion' && k.keyState !== 'PendingReplicaDeletion');
  const replicas = billed.filter((k) => k.multiRegionKeyType === 'REPLICA').length;
  const rotating = billed.filter((k) => k.rotation.enabled).length;
  const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
  const rotation = rotating === 0 ? '' : `, plus $1 a month per backing key each rotation of the ${plural(rotating, 'rotating key')} adds`;
  return (
    `KMS cost: ${plural(billed.length, 'key')} (${plural(replicas, 'replica')} among them) × $${KMS_PRICE.perKeyMonth} = ` +
    `$${monthlyKeyCost(billed.length).toLocaleString('en-US')} a month in this account${rotation}; requests $0.03 per 10,000 (aws.amazon.com/kms/pricing)`
  );
}
