/**
 * `ResourceProperties` as CloudFormation delivers them → validated, coerced, defaulted
 * `ResourceProperties` (docs/behaviour.md §3). Every issue is collected and thrown at once as a
 * `ValidationError`, before any KMS call.
 */

import { DEFAULTS } from '../constants.ts';
import { ValidationError } from '../errors.ts';
import { compare } from '../text/order.ts';
import { KEY_SPECS, type KeyProperties, type ResourceProperties } from '../types.ts';
import { checkAliasOwners } from './aliases.ts';
import { isAbsent, isRecord, readBoolean, readChoice, readInteger, readList, readString } from './coerce.ts';
import { addIssue, describeValue, fieldPath, type Issues } from './issues.ts';
import { readKey } from './key.ts';
import { LIMITS } from './limits.ts';
import { readRegionList } from './regionNames.ts';
import { checkUniqueSids, readPolicyStatements } from './statements.ts';
import { CLOUDFORMATION_FIELDS, fieldReader, readFields, TOP_LEVEL_FIELDS } from './synonyms.ts';
import { readTags } from './tags.ts';

export { keyNameProblem } from './key.ts';
export { allowedKeyUsagesOf, canRotate, defaultKeyUsageOf } from './keySpec.ts';

const ACCOUNT_ID = /^\d{12}$/;
// Attribute names are made of family names, Region names and key names; `*` is the only wildcard.
const RETURN_ATTRIBUTE_PATTERN = /^[A-Za-z0-9./_*-]+$/;

/**
 * Validates and resolves the raw properties of one request.
 * @param raw `event.ResourceProperties` (or `OldResourceProperties`)
 * @param opts.accountId the account the function runs in; `AwsAccountId` must equal it
 * @throws ValidationError listing every issue, each with its property path
 */
export function parseProperties(raw: unknown, opts: { accountId: string }): ResourceProperties {
  const issues: Issues = [];
  if (!isRecord(raw)) {
    throw new ValidationError([{ path: '', message: `ResourceProperties must be an object, got ${describeValue(raw)}` }]);
  }
  const fields = readFields(raw, '', issues, TOP_LEVEL_FIELDS, CLOUDFORMATION_FIELDS) ?? {};
  // ServiceToken / ServiceTimeout belong to CloudFormation, Dependencies only orders resources: all ignored.
  const read = fieldReader(fields, '', issues);
  const { deletionWindowInDays: window, rotationPeriodInDays: period } = LIMITS;

  const awsAccountId = readAccountId(fields.AwsAccountId, opts.accountId, issues);
  const defaultSpec = isAbsent(fields.DefaultCustomerMasterKeySpec) ? DEFAULTS.keySpec : (read('DefaultCustomerMasterKeySpec', readChoice, KEY_SPECS) ?? null);
  const defaultDeletionWindowInDays = read('DefaultDeletionWindowInDays', readInteger, window.min, window.max) ?? DEFAULTS.deletionWindowInDays;
  const defaults = {
    spec: defaultSpec,
    deletionWindowInDays: defaultDeletionWindowInDays,
    enableKeyRotation: read('DefaultEnableKeyRotation', readBoolean) ?? DEFAULTS.enableKeyRotation,
    rotationPeriodInDays: read('DefaultRotationPeriodInDays', readInteger, period.min, period.max) ?? DEFAULTS.rotationPeriodInDays,
    globalTags: read('GlobalTags', readTags) ?? {},
    policyStatements: read('DefaultPolicyStatements', readPolicyStatements) ?? [],
  };

  checkUniqueSids(defaults.policyStatements, issues);

  const keys: KeyProperties[] = [];
  if (isAbsent(fields.CustomerMasterKeys)) {
    addIssue(issues, 'CustomerMasterKeys', 'is required (it may be an empty map)');
  } else if (!isRecord(fields.CustomerMasterKeys)) {
    addIssue(issues, 'CustomerMasterKeys', `must be a map of key name to key, got ${describeValue(fields.CustomerMasterKeys)}`);
  } else {
    for (const [name, rawKey] of Object.entries(fields.CustomerMasterKeys)) {
      keys.push(readKey(name, rawKey, defaults, fieldPath('CustomerMasterKeys', name), issues));
    }
    checkAliasOwners(keys, issues);
  }

  const optInRegions = read('OptInRegions', readRegionList, { allowAll: false }) ?? null;
  const returnAttributes = read('ReturnAttributes', readReturnAttributes) ?? [...DEFAULTS.returnAttributes];
  const adoptExistingKeys = read('AdoptExistingKeys', readBoolean) ?? false;

  if (issues.length > 0) throw new ValidationError(issues);
  return {
    awsAccountId,
    keys: keys.sort((a, b) => compare(a.name, b.name)),
    optInRegions,
    returnAttributes,
    adoptExistingKeys,
    defaultDeletionWindowInDays,
  };
}

function readAccountId(value: unknown, accountId: string, issues: Issues): string {
  if (isAbsent(value)) {
    addIssue(issues, 'AwsAccountId', `is required: the 12-digit id of the account to deploy in (this function runs in ${accountId})`);
    return '';
  }
  const text = readString(value, 'AwsAccountId', issues);
  if (text === undefined) return '';
  if (!ACCOUNT_ID.test(text)) {
    addIssue(issues, 'AwsAccountId', `must be a 12-digit AWS account id, got ${describeValue(text)}`);
  } else if (text !== accountId) {
    addIssue(
      issues,
      'AwsAccountId',
      `is ${text}, but the function runs in account ${accountId}: nothing was changed; deploy to account ${text} or set AwsAccountId to ${accountId}`,
    );
  }
  return text;
}

function readReturnAttributes(value: unknown, path: string, issues: Issues): string[] | undefined {
  return readList(value, path, issues, (entry, entryPath) => {
    const text = readString(entry, entryPath, issues);
    if (text === undefined) return undefined;
    if (RETURN_ATTRIBUTE_PATTERN.test(text)) return text;
    addIssue(issues, entryPath, `must be an attribute name or a glob with * (e.g. KeyArns.*, *.eu-west-1.*), got ${describeValue(text)}`);
    return undefined;
  });
}
