/**
 * A failed Create removes what it made before it answers (docs/behaviour.md §6, DESIGN.md "A Delete
 * right after a failed Create"). CloudFormation sends the rollback's Delete seconds after a FAILED
 * Create, when ListKeys, ListAliases and the tag index may not show the keys made moments ago yet;
 * the Create itself knows each of them (`madeKeys`) and reads them directly, whatever the listings
 * say. The clean-up is the Delete's own plan (the same properties, so `Retain`, hand-overs and
 * adoptions are undone exactly as the Delete would), narrowed to the Regions where the Create made
 * keys. A key scheduled for deletion is restored by a later Create or Update that wants it
 * (CancelKeyDeletion), so a retry after the failure loses nothing.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { deletionDesiredState } from '../desired/index.ts';
import type { MadeKeys } from '../executor/madeKeys.ts';
import { aliasNamesOf } from '../reader/index.ts';
import type { AccountRegion } from '../regions.ts';
import { systemClock } from '../retry/clock.ts';
import type { ResourceProperties } from '../types.ts';
import { type ReconcileDeps, reconcile } from './reconcile.ts';
import type { RequestResult } from './requestResult.ts';

export interface FailedCreateInput {
  event: CloudFormationCustomResourceEvent;
  properties: ResourceProperties;
  /** The failed Create's answer. */
  failed: RequestResult;
  /** The keys the Create made or changed. */
  madeKeys: MadeKeys;
  enabledRegions: string[];
  accountRegions: AccountRegion[];
}

/** The failed Create's answer, after removing what it made; its Reason says what the clean-up did. */
export async function cleanUpFailedCreate(input: FailedCreateInput, deps: ReconcileDeps): Promise<RequestResult> {
  const { event, failed, madeKeys, log } = { ...input, log: deps.log };
  const now = () => (deps.clock ?? systemClock).now();
  const regions = new Set(madeKeys.regions());
  const made = `the ${madeKeys.size} key(s) it made or changed (${[...regions].join(', ')})`;
  const listed = [...regions].map((region) => ({ region, keyIds: madeKeys.inRegion(region) }));
  if (now() >= deps.deadline) {
    log.warn('no time left to clean up after the failed Create', { madeKeys: listed });
    return { ...failed, reason: `${failed.reason ?? ''} No time was left to remove ${made}; the rollback's Delete removes them.` };
  }
  const deletion = deletionDesiredState({
    rawProperties: event.ResourceProperties,
    enabledRegions: input.enabledRegions,
    accountRegions: input.accountRegions,
    context: deps.context,
  });
  deletion.regions = deletion.regions.filter((region) => regions.has(region));
  log.info('cleaning up after the failed Create', { madeKeys: listed });
  const cleanup = await reconcile({ desired: deletion, returnAttributes: [], tagIndexAliasNames: aliasNamesOf(input.properties.keys) }, { ...deps, madeKeys });
  log.info('cleaned up after the failed Create', { status: cleanup.status, reason: cleanup.reason });
  const outcome =
    cleanup.status === 'SUCCESS'
      ? `Cleaned up: ${made} were removed as a Delete removes them (scheduled for deletion, or released when RemovalPolicy is Retain), so none depends on KMS's listings catching up before the rollback's Delete.`
      : `Removing ${made} failed too (${cleanup.reason ?? 'no reason'}); the rollback's Delete removes what is left.`;
  return { ...failed, reason: `${failed.reason ?? ''} ${outcome}` };
}
