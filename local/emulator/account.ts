/**
 * The Account API's ListRegions (REST-JSON, `POST /listRegions`): every Region of the account with
 * its opt status, filtered by `RegionOptStatusContains`, paginated by `MaxResults` / `NextToken`.
 */
import { faults } from './errors.ts';
import { type RegionOptStatus, regionStatuses } from './regions.ts';
import type { EmulatorState } from './state.ts';
import type { Input } from './validate.ts';

const STATUSES: readonly RegionOptStatus[] = ['ENABLED', 'ENABLING', 'DISABLING', 'DISABLED', 'ENABLED_BY_DEFAULT'];
const DEFAULT_PAGE_SIZE = 20;

function encodeToken(offset: number): string {
  return Buffer.from(`regions:${offset}`, 'utf8').toString('base64');
}

function decodeToken(token: unknown): number {
  if (token === undefined || token === null) return 0;
  const match = typeof token === 'string' ? /^regions:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8')) : null;
  if (!match) throw faults.validation('The NextToken is not valid.');
  return Number(match[1]);
}

export function listRegions(state: EmulatorState, input: Input): Record<string, unknown> {
  const maxResults = input.MaxResults;
  if (maxResults !== undefined && (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 1 || maxResults > 50)) {
    throw faults.validation('MaxResults must be between 1 and 50.');
  }
  if (input.AccountId !== undefined && input.AccountId !== state.accountId) {
    throw faults.accessDenied(`The caller is not allowed to list the Regions of account ${String(input.AccountId)}.`);
  }
  const filter = input.RegionOptStatusContains;
  if (filter !== undefined && (!Array.isArray(filter) || filter.some((s) => !STATUSES.includes(s as RegionOptStatus)))) {
    throw faults.validation(`RegionOptStatusContains must contain only ${STATUSES.join(', ')}.`);
  }
  const wanted = filter === undefined || filter.length === 0 ? null : new Set(filter as string[]);
  const regions = regionStatuses(state.regions).filter((r) => wanted === null || wanted.has(r.RegionOptStatus));
  const offset = decodeToken(input.NextToken);
  const size = (maxResults as number | undefined) ?? DEFAULT_PAGE_SIZE;
  const pageItems = regions.slice(offset, offset + size);
  return offset + size < regions.length ? { Regions: pageItems, NextToken: encodeToken(offset + size) } : { Regions: pageItems };
}
