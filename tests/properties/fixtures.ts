/** Shared inputs for the properties, desired-state and attributes tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ResourceContext } from '../../lib/types.ts';

export const ACCOUNT_ID = '111122223333';

export const STACK_ID = 'arn:aws:cloudformation:us-east-1:111122223333:stack/baseline/0f0e0d0c-1111-2222-3333-444455556666';

export const CONTEXT: ResourceContext = {
  stackId: STACK_ID,
  stackName: 'baseline',
  logicalResourceId: 'Keys',
  accountId: ACCOUNT_ID,
  partition: 'aws',
  region: 'us-east-1',
  executionRoleArn: 'arn:aws:iam::111122223333:role/baseline-KeysFunctionRole-ABC123',
};

/** The 17 Regions enabled by default in a commercial account. */
export const DEFAULT_REGIONS = [
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'eu-central-1',
  'eu-north-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
];

// The reference configurations of the specification, kept in the repository (examples/).
const EXAMPLES = join(__dirname, '..', '..', 'examples');

/** A reference configuration of examples/, parsed from YAML. */
export function referenceProperties(spelling: 'pascal' | 'terraform'): Record<string, unknown> {
  return parse(readFileSync(join(EXAMPLES, `reference-keys.${spelling}.yaml`), 'utf8')) as Record<string, unknown>;
}

/** What CloudFormation does to properties: every scalar becomes a string. */
export function stringifyScalars(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stringifyScalars);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stringifyScalars(v)]));
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value;
}

/** A response body measure like the handler's, for attribute preflight tests. */
export function measureResponse(data: Record<string, string>): number {
  return Buffer.byteLength(
    JSON.stringify({
      Status: 'SUCCESS',
      PhysicalResourceId: `mrkk-${'0'.repeat(32)}`,
      StackId: STACK_ID,
      RequestId: '5b8c3a1e-2f4d-4c6b-9a7e-1d2c3b4a5f60',
      LogicalResourceId: 'Keys',
      Data: data,
    }),
  );
}
