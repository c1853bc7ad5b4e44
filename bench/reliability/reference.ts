/**
 * The reference configuration (`examples/reference-keys.pascal.yaml`, a copy of the specification's) and the
 * in-place changes the crash-point suite replays: one of each kind docs/behaviour.md §6 lists.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
// identity.ts and events.ts directly: the driver's index pulls in process code that unit tests need not load.
import type { ResourceAddress } from '../../local/driver/events.ts';
import { DEFAULT_IDENTITY, functionArnOf, stackIdOf } from '../../local/driver/identity.ts';

/** Properties as a template author writes them (the driver stringifies them as CloudFormation does). */
export type Properties = Record<string, unknown>;

export const REFERENCE_PATH = new URL('../../examples/reference-keys.pascal.yaml', import.meta.url);

/** The Regions of a default (CI-sized) run: the reference's four plus one it never uses. */
export const CI_REGIONS = ['eu-central-1', 'eu-west-1', 'us-east-1', 'us-west-1', 'us-west-2'];

const ACCOUNT = DEFAULT_IDENTITY.accountId;

/** A user the policy change adds; registered with the emulator like the reference's own. */
export const ADDED_USER = `arn:aws:iam::${ACCOUNT}:user/ops`;

/** IAM users and roles the reference (and its changes) name: they must exist for KMS to accept the policy. */
export const REFERENCE_PRINCIPALS = [
  `arn:aws:iam::${ACCOUNT}:user/admin`,
  `arn:aws:iam::${ACCOUNT}:user/dev`,
  `arn:aws:iam::${ACCOUNT}:user/qa`,
  `arn:aws:iam::${ACCOUNT}:role/prod-app`,
  ADDED_USER,
];

/** The reference properties, freshly parsed (callers may mutate their copy). */
export function referenceProperties(): Properties {
  return parse(readFileSync(REFERENCE_PATH, 'utf8')) as Properties;
}

type Keys = Record<string, Record<string, unknown>>;

function changed(edit: (props: Properties, keys: Keys) => void): () => Properties {
  return () => {
    const props = referenceProperties();
    edit(props, props.CustomerMasterKeys as Keys);
    return props;
  };
}

/** One in-place Update of the reference configuration. */
export interface UpdateStep {
  name: string;
  properties: () => Properties;
}

/** Every in-place change kind of docs/behaviour.md §6, each applied to the reference configuration. */
export const UPDATE_STEPS: UpdateStep[] = [
  {
    name: 'policy: add a user',
    properties: changed((_, keys) => {
      (keys['cmk-prod']!.CmkUserIamArns as unknown[]).push({ Name: [ADDED_USER], Conditions: [] });
    }),
  },
  {
    name: 'tags',
    properties: changed((props, keys) => {
      props.GlobalTags = { Owner: 'platform-team', CostCenter: '4711' };
      keys['cmk-prod']!.Tags = { Environment: 'production' };
    }),
  },
  {
    name: 'description',
    properties: changed((_, keys) => {
      keys['cmk-stage']!.Description = 'Staging data key';
    }),
  },
  {
    name: 'Enabled false',
    properties: changed((_, keys) => {
      keys['cmk-prod']!.Enabled = false;
    }),
  },
  {
    name: 'rotation period',
    properties: changed((_, keys) => {
      keys['cmk-prod']!.RotationPeriodInDays = 180;
    }),
  },
  {
    name: 'replica added and removed',
    properties: changed((_, keys) => {
      keys['cmk-prod']!.ReplicaRegions = ['us-west-2', 'eu-central-1'];
    }),
  },
  { name: 'key removed', properties: changed((_, keys) => void delete keys['cmk-stage']) },
  {
    name: 'extra aliases and own statements added',
    properties: withAliasesAndStatements(['cmk-prod-v1', 'orders']),
  },
  {
    name: 'grants added',
    properties: changed((_, keys) => {
      keys['cmk-prod']!.Grants = REFERENCE_GRANTS;
    }),
  },
];

/** Nobody outside the organization decrypts: the org-wide Deny of docs/key-policy.md. */
export const ORG_WIDE_DENY = {
  Sid: 'DenyDecryptOutsideOrganization',
  Effect: 'Deny',
  Principal: '*',
  Action: ['kms:Decrypt', 'kms:ReEncryptFrom'],
  Resource: '*',
  Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' }, Bool: { 'aws:PrincipalIsAWSService': 'false' } },
};

/** The reference with `aliases` as cmk-prod's extra aliases (in its primary and both replica Regions) and the org-wide Deny for every key. */
export function withAliasesAndStatements(aliases: string[]): () => Properties {
  return changed((props, keys) => {
    props.DefaultPolicyStatements = [ORG_WIDE_DENY];
    keys['cmk-prod']!.Aliases = aliases;
  });
}

/** Another account's Auto Scaling service-linked role: the grantee of docs/grants.md's AMI example. */
export const GRANTEE = 'arn:aws:iam::444455556666:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling';

/** Grants on cmk-prod: one in every Region of the key, one narrowed to a replica Region. */
export const REFERENCE_GRANTS = {
  'asg-ami': {
    GranteePrincipal: GRANTEE,
    GrantedOperations: ['Decrypt', 'DescribeKey', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo', 'CreateGrant'],
  },
  'app-eu': { GranteePrincipal: `arn:aws:iam::${ACCOUNT}:role/prod-app`, GrantedOperations: ['Decrypt'], Regions: ['eu-west-1'] },
};

/** The reference with REFERENCE_GRANTS on cmk-prod: the state the grant-change Update starts from. */
export const withReferenceGrants: () => Properties = changed((_, keys) => {
  keys['cmk-prod']!.Grants = REFERENCE_GRANTS;
});

/** From `withReferenceGrants`: `asg-ami` changed (a new grant, then the old revoked), `app-eu` removed, one added. */
export const grantsChanged: () => Properties = changed((_, keys) => {
  keys['cmk-prod']!.Grants = {
    'asg-ami': { ...REFERENCE_GRANTS['asg-ami'], GrantedOperations: ['Decrypt', 'DescribeKey'] },
    'app-us': { GranteePrincipal: `arn:aws:iam::${ACCOUNT}:role/prod-app`, GrantedOperations: ['Encrypt'], Regions: ['us-east-1'] },
  };
});

/** The address of a stack of its own per scenario, so no two scenarios share ownership tags. */
export function stackAddress(stackName: string): ResourceAddress {
  const identity = { ...DEFAULT_IDENTITY, stackName };
  return {
    stackId: stackIdOf(identity),
    logicalResourceId: 'Keys',
    resourceType: 'Custom::MultiRegionKmsKeys',
    serviceToken: functionArnOf(identity, `${stackName}-KeysFunction`),
  };
}
