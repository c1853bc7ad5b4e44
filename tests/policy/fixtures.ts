/** Hand-built inputs for the key policy tests (the properties parser is not needed here). */
import type { KeyProperties, ResourceContext } from '../../lib/types.ts';

export const EXECUTION_ROLE_ARN = 'arn:aws:iam::111122223333:role/mrkk-KeysFunctionRole-1A2B3C';

export const context: ResourceContext = {
  stackId: 'arn:aws:cloudformation:us-east-1:111122223333:stack/baseline/0f0e0d0c-1111-2222-3333-444455556666',
  stackName: 'baseline',
  logicalResourceId: 'Keys',
  accountId: '111122223333',
  partition: 'aws',
  region: 'us-east-1',
  executionRoleArn: EXECUTION_ROLE_ARN,
};

/** A key with no principals at all and the product's defaults; override what a test is about. */
export function keyOf(overrides: Partial<KeyProperties> = {}): KeyProperties {
  return {
    name: 'cmk-test',
    region: 'us-east-1',
    replicaRegions: [],
    multiRegion: false,
    administrators: [],
    users: [],
    readOnlyUsers: [],
    describeOnlyUsers: [],
    externalUsers: [],
    servicePrincipals: [],
    allowManageKeyPermissionsWithIam: false,
    deletionWindowInDays: 30,
    enableKeyRotation: true,
    rotationPeriodInDays: 365,
    spec: 'SYMMETRIC_DEFAULT',
    keyUsage: 'ENCRYPT_DECRYPT',
    description: null,
    enabled: true,
    tags: {},
    removalPolicy: 'Delete',
    allowReplacement: false,
    policyStatements: [],
    aliases: [],
    ...overrides,
  };
}

/** `cmk-stage` of /work/shared/examples/reference-keys.pascal.yaml. */
export const cmkStage = keyOf({
  name: 'cmk-stage',
  region: 'us-west-1',
  administrators: ['arn:aws:iam::111122223333:user/admin'],
  users: [{ principals: ['arn:aws:iam::111122223333:user/dev'], conditions: [] }],
  readOnlyUsers: [{ principals: ['arn:aws:iam::111122223333:user/qa'], conditions: [] }],
  describeOnlyUsers: [{ principals: ['arn:aws:iam::111122223333:user/qa'], conditions: [] }],
  externalUsers: ['arn:aws:iam::444455556666:root'],
  servicePrincipals: [{ name: 's3.amazonaws.com', actions: ['kms:Encrypt'], conditions: [] }],
  tags: { Owner: 'platform-team' },
});

/** `cmk-prod` of the same file. */
export const cmkProd = keyOf({
  name: 'cmk-prod',
  region: 'us-east-1',
  replicaRegions: ['eu-west-1', 'us-west-2'],
  multiRegion: true,
  administrators: ['arn:aws:iam::111122223333:user/admin'],
  users: [
    {
      principals: ['arn:aws:iam::111122223333:role/prod-app'],
      conditions: [{ test: 'StringEquals', variable: 'kms:EncryptionContext:service', values: ['billing'] }],
    },
  ],
  allowManageKeyPermissionsWithIam: true,
  deletionWindowInDays: 7,
  tags: { Owner: 'platform-team', Environment: 'prod' },
});

/** The statement with this Sid, or undefined. */
export function statementOf(policy: string, sid: string): Record<string, unknown> | undefined {
  const document = JSON.parse(policy) as { Statement: Record<string, unknown>[] };
  return document.Statement.find((statement) => statement.Sid === sid);
}

/** The Sids, in order. */
export function sidsOf(policy: string): string[] {
  return (JSON.parse(policy) as { Statement: { Sid: string }[] }).Statement.map((statement) => statement.Sid);
}
