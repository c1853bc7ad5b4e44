/**
 * Hand-written hostile inputs: one or more per rule of docs/behaviour.md §3 (and the size limits of §5 and §7),
 * each a whole `ResourceProperties` in CloudFormation's stringified form, with the property paths a
 * correct Reason names. Every one must be refused before any KMS call.
 */
import type { CustomResourceEvent } from '../../local/driver/index.ts';
import { type CfnMap, type CfnValue, cloneCfn, toCfnMap } from './cfnValue.ts';
import { hostileStatements } from './hostileStatements.ts';
import { referenceProperties } from './reference.ts';

export interface HostileInput {
  name: string;
  properties: CfnMap;
  /** The Reason must name at least one of these paths. */
  expectPaths: string[];
}

type Keys = Record<string, Record<string, CfnValue>>;

const K = 'CustomerMasterKeys';
const PROD = `${K}.cmk-prod`;
const STAGE = `${K}.cmk-stage`;

/** The reference configuration, stringified as CloudFormation sends it. */
export function referenceCfn(): CfnMap {
  return toCfnMap(referenceProperties());
}

/** The reference with `edit` applied to a fresh copy. */
function variant(name: string, expectPaths: string[], edit: (props: CfnMap, keys: Keys) => void, base: () => CfnMap = referenceCfn): HostileInput {
  const properties = cloneCfn(base());
  edit(properties, properties[K] as Keys);
  return { name, properties, expectPaths };
}

/** Sets a property of cmk-prod. */
const prod = (field: string, value: CfnValue, path = `${PROD}.${field}`) =>
  variant(`cmk-prod ${field} = ${show(value)}`, [path], (_, keys) => {
    keys['cmk-prod']![field] = value;
  });
/** Sets a top-level property. */
const top = (field: string, value: CfnValue, path = field) => variant(`${field} = ${show(value)}`, [path], (props) => setOwn(props, field, value));

/** Sets an own property, even one named `__proto__`. */
function setOwn(target: Record<string, CfnValue>, key: string, value: CfnValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
/** Adds a key named `name` (with a valid body) to the map. */
const keyNamed = (label: string, name: string) =>
  variant(`key name ${label}`, [`${K}.${name}`], (_, keys) => {
    keys[name] = { Region: 'us-east-1' };
  });

function show(value: CfnValue): string {
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function manyTags(count: number, prefix = 'tag'): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}-${i}`, `value-${i}`]));
}

function deeplyNested(depth: number): CfnValue {
  let value: CfnValue = 'bottom';
  for (let i = 0; i < depth; i++) value = { level: value };
  return value;
}

const BAD_INTEGERS = ['3', '31', '30 days', '1e1', '7.5', '7.0', '-7', 'NaN', 'Infinity', 'thirty', '0x1E', ' 30', '010', '+10', ''];
const BAD_BOOLEANS = ['yes', 'no', '1', '0', 'on', 'y', 'True', 'FALSE', ''];
const BAD_ARNS = [
  'arn:aws:iam::1234:user/short-account',
  'arn:aws:iam::1111222233334:user/long-account',
  'arn:aws:iam::111122223333:group/admins',
  'arn:aws:s3:::my-bucket',
  'arn:aws-moon:iam::111122223333:root',
  'not-an-arn',
  'arn:aws:iam::111122223333:user/',
  'arn:aws:iam::111122223333:user/ops;DROP TABLE keys;--',
  '*',
];

/** The corpus. */
export function hostileCorpus(): HostileInput[] {
  const inputs: HostileInput[] = [
    // AwsAccountId
    variant('AwsAccountId missing', ['AwsAccountId'], (props) => void delete props.AwsAccountId),
    top('AwsAccountId', '12345'),
    top('AwsAccountId', '999999999999'),
    top('AwsAccountId', ['111122223333']),
    top('AwsAccountId', '111122223333 '),
    top('AwsAccountId', "111122223333' OR '1'='1"),
    // CustomerMasterKeys
    variant('CustomerMasterKeys missing', [K], (props) => void delete props[K]),
    top(K, 'cmk-prod'),
    top(K, ['cmk-prod']),
    variant('cmk-prod is a string', [PROD], (_, keys) => {
      (keys as Record<string, CfnValue>)['cmk-prod'] = 'us-east-1';
    }),
    variant('cmk-prod is a list', [PROD], (_, keys) => {
      (keys as Record<string, CfnValue>)['cmk-prod'] = ['us-east-1'];
    }),
    variant('cmk-prod is an empty string', [PROD], (_, keys) => {
      (keys as Record<string, CfnValue>)['cmk-prod'] = '';
    }),
    // Defaults
    top('DefaultCustomerMasterKeySpec', 'AES_256'),
    top('DefaultCustomerMasterKeySpec', 'symmetric_default'),
    ...BAD_INTEGERS.map((v) => top('DefaultDeletionWindowInDays', v)),
    ...BAD_BOOLEANS.map((v) => top('DefaultEnableKeyRotation', v)),
    ...['89', '2561', '365d', '1e3', '365.0'].map((v) => top('DefaultRotationPeriodInDays', v)),
    top('DefaultDeletionWindowInDays', ['30']),
    top('DefaultEnableKeyRotation', { value: 'true' }),
    // GlobalTags
    top('GlobalTags', 'Owner=platform-team'),
    top('GlobalTags', [{ Key: 'Owner', Value: 'platform-team' }]),
    top('GlobalTags', { Owner: ['platform-team'] }, 'GlobalTags.Owner'),
    top('GlobalTags', { 'MultiRegionKmsKeys:Owner': 'mrkk-forged' }, 'GlobalTags.MultiRegionKmsKeys:Owner'),
    top('GlobalTags', { 'multiregionkmskeys:owner': 'mrkk-forged' }, 'GlobalTags.multiregionkmskeys:owner'),
    top('GlobalTags', { 'aws:cloudformation:stack-name': 'x' }, 'GlobalTags.aws:cloudformation:stack-name'),
    top('GlobalTags', { ['k'.repeat(129)]: 'v' }, `GlobalTags.${'k'.repeat(129)}`),
    top('GlobalTags', { Owner: 'v'.repeat(257) }, 'GlobalTags.Owner'),
    variant('51 tags on a key', ['GlobalTags', `${PROD}.Tags`, PROD, STAGE], (props) => {
      props.GlobalTags = manyTags(51);
    }),
    variant('45 user tags leave no room for the ownership tags', [`${PROD}.Tags`, PROD], (_, keys) => {
      keys['cmk-prod']!.Tags = manyTags(44);
    }),
    variant('5,000 global tags', ['GlobalTags', PROD, STAGE], (props) => {
      props.GlobalTags = manyTags(5000);
    }),
    // OptInRegions, ReturnAttributes, AdoptExistingKeys
    top('OptInRegions', { 'us-east-1': 'true' }),
    top('OptInRegions', ['not a region'], 'OptInRegions[0]'),
    top('OptInRegions', [['us-east-1']], 'OptInRegions[0]'),
    top('ReturnAttributes', { KeyArns: '*' }),
    top('ReturnAttributes', ['Key Arns.*'], 'ReturnAttributes[0]'),
    top('ReturnAttributes', ['KeyArns.*', '$(rm -rf /)'], 'ReturnAttributes[1]'),
    ...['yes', 'adopt', '1'].map((v) => top('AdoptExistingKeys', v)),
    // Unknown names and spellings
    top('CustomerMasterKey', { x: { Region: 'us-east-1' } }),
    top('awsAccountId', '111122223333'),
    top('Foo', 'bar'),
    top('__proto__', 'polluted'),
    top('constructor', { prototype: 'x' }),
    top('Default_Deletion_Window_In_Days', '30'),
    variant('both spellings of AwsAccountId', ['AwsAccountId'], (props) => {
      props.aws_account_id = '111122223333';
    }),
    variant('both spellings of CustomerMasterKeys', [K], (props) => {
      props.customer_master_keys = {};
    }),
    variant('both spellings of a key field', [`${PROD}.DeletionWindowInDays`], (_, keys) => {
      keys['cmk-prod']!.deletion_window_in_days = '7';
    }),
    prod('Regions', ['us-east-1']),
    prod('deletionWindowInDays', '7'),
    prod('Alias', 'alias/cmk-prod'),
    prod('KeyRotation', 'true'),
    variant(
      'snake_case spelling with a bad value',
      [`${PROD}.DeletionWindowInDays`],
      (_, keys) => {
        keys['cmk-prod']!.deletion_window_in_days = '3';
      },
      () => {
        const props = referenceCfn();
        const keys = props[K] as Keys;
        delete keys['cmk-prod']!.DeletionWindowInDays;
        return props;
      },
    ),
    // Per key: Regions
    prod('Region', ['us-east-1']),
    // Names ListRegions reports under no status: validation errors, before any KMS call
    prod('Region', 'us-eats-1'),
    prod('ReplicaRegions', ['eu-wset-1', 'us-west-2'], `${PROD}.ReplicaRegions`),
    top('OptInRegions', ['us-east-1', 'eu-wset-1']),
    prod('Region', { name: 'us-east-1' }),
    prod('ReplicaRegions', { 'us-west-2': 'true' }),
    prod('ReplicaRegions', [['us-west-2']], `${PROD}.ReplicaRegions[0]`),
    variant('ReplicaRegions without Region', [`${STAGE}.ReplicaRegions`], (_, keys) => {
      delete keys['cmk-stage']!.Region;
      keys['cmk-stage']!.ReplicaRegions = ['us-west-2'];
    }),
    variant('ReplicaRegions * without Region', [`${STAGE}.ReplicaRegions`], (_, keys) => {
      delete keys['cmk-stage']!.Region;
      keys['cmk-stage']!.ReplicaRegions = ['*'];
    }),
    prod('MultiRegion', 'yes'),
    prod('MultiRegion', 'false'),
    // Principals
    ...BAD_ARNS.map((arn) => prod('CmkAdministratorIamArns', [arn], `${PROD}.CmkAdministratorIamArns[0]`)),
    ...BAD_ARNS.map((arn) => prod('CmkUserIamArns', [arn], `${PROD}.CmkUserIamArns[0]`)),
    ...BAD_ARNS.map((arn) => prod('CmkExternalUserIamArns', [arn], `${PROD}.CmkExternalUserIamArns[0]`)),
    prod('CmkUserIamArns', [{ Name: ['*'], Conditions: [] }], `${PROD}.CmkUserIamArns[0]`),
    prod('CmkReadOnlyUserIamArns', [{ Name: ['*'] }], `${PROD}.CmkReadOnlyUserIamArns[0]`),
    prod('CmkDescribeOnlyUserIamArns', ['*'], `${PROD}.CmkDescribeOnlyUserIamArns[0]`),
    prod('CmkUserIamArns', { Name: ['arn:aws:iam::111122223333:user/dev'] }),
    prod('CmkUserIamArns', [{ Nam: ['arn:aws:iam::111122223333:user/dev'] }], `${PROD}.CmkUserIamArns[0]`),
    prod(
      'CmkUserIamArns',
      [{ Name: ['arn:aws:iam::111122223333:user/dev'], Conditions: [{ Test: 'StringEquals', Variable: 'kms:ViaService' }] }],
      `${PROD}.CmkUserIamArns[0]`,
    ),
    prod(
      'CmkUserIamArns',
      [{ Name: ['arn:aws:iam::111122223333:user/dev'], Conditions: [{ Test: 'StringEquals', Variable: 'kms:ViaService', Values: ['x'], Value: 'x' }] }],
      `${PROD}.CmkUserIamArns[0]`,
    ),
    prod('CmkUserIamArns', [{ Name: ['arn:aws:iam::111122223333:user/dev'], Conditions: 'StringEquals' }], `${PROD}.CmkUserIamArns[0]`),
    prod('CmkReadOnlyUserIamArns', { qa: 'arn:aws:iam::111122223333:user/qa' }),
    prod('CmkServicePrincipals', 's3.amazonaws.com'),
    prod('CmkServicePrincipals', [{ Name: ['s3.amazonaws.com'], Actions: ['kms:Encrypt'], Conditions: [] }], `${PROD}.CmkServicePrincipals[0]`),
    prod('CmkServicePrincipals', [{ Name: 's3.amazonaws.com', Actions: ['kms:Encrypt'], Conditions: [], Extra: 'x' }], `${PROD}.CmkServicePrincipals[0]`),
    prod('AllowManageKeyPermissionsWithIam', 'yes'),
    // Numbers, booleans, choices
    ...BAD_INTEGERS.map((v) => prod('DeletionWindowInDays', v)),
    ...['89', '2561', '365 days', '1e3', '-365'].map((v) => prod('RotationPeriodInDays', v)),
    ...BAD_BOOLEANS.map((v) => prod('EnableKeyRotation', v)),
    ...['yes', 'disabled', 'enabled'].map((v) => prod('Enabled', v)),
    ...['yes', '1'].map((v) => prod('AllowReplacement', v)),
    ...['AES_256', 'rsa_2048', 'SYMMETRIC_DEFAULT ', 'RSA_1024'].map((v) => prod('Spec', v)),
    ...['ENCRYPT', 'encrypt_decrypt', 'SIGN'].map((v) => prod('KeyUsage', v)),
    ...['Keep', 'Destroy', 'Snapshot'].map((v) => prod('RemovalPolicy', v)),
    variant('SYMMETRIC_DEFAULT with SIGN_VERIFY', [`${PROD}.KeyUsage`], (_, keys) => {
      keys['cmk-prod']!.KeyUsage = 'SIGN_VERIFY';
    }),
    variant('SYMMETRIC_DEFAULT with KEY_AGREEMENT', [`${PROD}.KeyUsage`], (_, keys) => {
      keys['cmk-prod']!.KeyUsage = 'KEY_AGREEMENT';
    }),
    variant('HMAC_256 with ENCRYPT_DECRYPT', [`${STAGE}.KeyUsage`], (_, keys) =>
      Object.assign(keys['cmk-stage']!, { Spec: 'HMAC_256', KeyUsage: 'ENCRYPT_DECRYPT' }),
    ),
    variant('explicit rotation on an RSA key', [`${STAGE}.EnableKeyRotation`], (_, keys) =>
      Object.assign(keys['cmk-stage']!, { Spec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', EnableKeyRotation: 'true' }),
    ),
    prod('Description', 'd'.repeat(8193)),
    prod('Description', ['a description']),
    // Tags of a key
    prod('Tags', 'Environment=prod'),
    prod('Tags', { 'MultiRegionKmsKeys:KeyName': 'cmk-stage' }, `${PROD}.Tags.MultiRegionKmsKeys:KeyName`),
    prod('Tags', { 'MultiRegionKmsKeys:"; DROP TABLE keys;--': 'x' }, `${PROD}.Tags.MultiRegionKmsKeys:"; DROP TABLE keys;--`),
    prod('Tags', { Environment: { nested: 'prod' } }, `${PROD}.Tags.Environment`),
    prod('Tags', { Environment: deeplyNested(500) }, `${PROD}.Tags.Environment`),
    prod('Tags', { '': 'empty key' }, `${PROD}.Tags`),
    // Key names
    keyNamed('aws/ prefix', 'aws/my-key'),
    keyNamed('alias/ prefix (the product adds it)', 'alias/app'),
    keyNamed('with a space', 'bad name'),
    keyNamed('with !', 'name!'),
    keyNamed('with a dot', 'cmk.prod'),
    keyNamed('path traversal', '../../etc/passwd'),
    keyNamed('Cyrillic', 'ключ'),
    keyNamed('emoji', 'key-🔑'),
    keyNamed('NUL inside', 'cmk\u0000prod'),
    keyNamed('line break', 'cmk\nprod'),
    keyNamed('right-to-left override', 'cmk\u202Eevil'),
    keyNamed('lone surrogate', 'cmk\uD800'),
    keyNamed('SQL injection', "cmk';DROP TABLE keys;--"),
    keyNamed('shell injection', 'cmk$(reboot)'),
    keyNamed('CloudFormation substitution', ['$', '{AWS::Region}'].join('')),
    keyNamed('HTML', '<script>alert(1)</script>'),
    keyNamed('percent-encoded', 'cmk%20prod'),
    keyNamed('empty', ''),
    keyNamed('alias over 256 characters', 'k'.repeat(251)),
    // Huge and deep
    variant('5,000 keys with a bad window each', [K], (props) => {
      props[K] = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`key-${i}`, { Region: 'us-east-1', DeletionWindowInDays: '3' }]));
    }),
    variant('5,000 keys: the response cannot fit 4,096 bytes', ['ReturnAttributes'], (props) => {
      props[K] = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`key-${i}`, { Region: 'us-east-1' }]));
    }),
    variant('40 keys in every Region: the response cannot fit 4,096 bytes', ['ReturnAttributes'], (props) => {
      props[K] = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`key-${i}`, {}]));
    }),
    variant('5,000 unknown properties', ['unknown-0'], (props) =>
      Object.assign(props, Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`unknown-${i}`, 'x']))),
    ),
    variant('key policy over 32 KB', [PROD], (_, keys) => {
      keys['cmk-prod']!.CmkUserIamArns = Array.from({ length: 800 }, (_, i) => `arn:aws:iam::111122223333:user/a-rather-long-user-name-${i}`);
    }),
    variant('5,000 administrators, the first malformed', [`${PROD}.CmkAdministratorIamArns[0]`, PROD], (_, keys) => {
      keys['cmk-prod']!.CmkAdministratorIamArns = [
        'arn:aws:iam::1:user/bad',
        ...Array.from({ length: 4999 }, (_, i) => `arn:aws:iam::111122223333:user/u${i}`),
      ];
    }),
    // Grants (docs/behaviour.md §12)
    ...hostileGrants(),
    top('Deep', deeplyNested(1000)),
    variant('deeply nested key', [`${PROD}.Region`], (_, keys) => {
      keys['cmk-prod']!.Region = deeplyNested(1000);
    }),
    // PolicyStatements, DefaultPolicyStatements, Aliases
    ...hostileStatements(),
  ];
  return inputs;
}

const GRANTS = `${PROD}.Grants`;
const ASG_ROLE = 'arn:aws:iam::444455556666:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling';

/** cmk-prod with `grants` as its Grants. */
const grants = (name: string, expectPaths: string[], value: CfnValue) =>
  variant(`cmk-prod Grants ${name}`, expectPaths, (_, keys) => {
    keys['cmk-prod']!.Grants = value;
  });

/** One grant `g` of cmk-prod, a valid one with `fields` over it. */
const grant = (label: string, path: string, fields: Record<string, CfnValue>) =>
  grants(label, [`${GRANTS}.g${path}`], { g: { GranteePrincipal: ASG_ROLE, GrantedOperations: ['Decrypt'], ...fields } });

function hostileGrants(): HostileInput[] {
  return [
    grants('a list', [GRANTS], ['g']),
    grants('a string', [GRANTS], 'g'),
    grants('a grant that is a string', [`${GRANTS}.g`], { g: 'Decrypt' }),
    grants('a grant name with a dot', [`${GRANTS}.a.b`], { 'a.b': { GranteePrincipal: ASG_ROLE, GrantedOperations: ['Decrypt'] } }),
    grants('a grant name with a colon', [`${GRANTS}.a:b`], { 'a:b': { GranteePrincipal: ASG_ROLE, GrantedOperations: ['Decrypt'] } }),
    grants('a grant name over 182 characters', [`${GRANTS}.${'g'.repeat(183)}`], {
      ['g'.repeat(183)]: { GranteePrincipal: ASG_ROLE, GrantedOperations: ['Decrypt'] },
    }),
    grants('without a grantee', [`${GRANTS}.g.GranteePrincipal`], { g: { GrantedOperations: ['Decrypt'] } }),
    grants('without operations', [`${GRANTS}.g.GrantedOperations`], { g: { GranteePrincipal: ASG_ROLE } }),
    ...BAD_ARNS.map((arn) => grant(`grantee ${show(arn)}`, '.GranteePrincipal', { GranteePrincipal: arn })),
    grant('retiring principal not an ARN', '.RetiringPrincipal', { RetiringPrincipal: 'retire-me' }),
    grant('no operations', '.GrantedOperations', { GrantedOperations: [] }),
    grant('operations a string', '.GrantedOperations', { GrantedOperations: 'Decrypt' }),
    grant('an unknown operation', '.GrantedOperations[0]', { GrantedOperations: ['kms:*'] }),
    grant('Sign on an encryption key', '.GrantedOperations[0]', { GrantedOperations: ['Sign'] }),
    grant('GenerateMac on an encryption key', '.GrantedOperations[0]', { GrantedOperations: ['GenerateMac'] }),
    grant('an unknown constraint', '.Constraints.EncryptionContextLike', { Constraints: { EncryptionContextLike: { a: 'b' } } }),
    grant('an empty constraint', '.Constraints', { Constraints: {} }),
    grant('nine encryption context pairs', '.Constraints.EncryptionContextSubset', { Constraints: { EncryptionContextSubset: manyTags(9) } }),
    grant('a Region of another key', '.Regions', { Regions: ['ap-south-1'] }),
    grant('a mistyped Region', '.Regions', { Regions: ['us-eats-1'] }),
    grant('a malformed Region', '.Regions[0]', { Regions: ['US_EAST_1'] }),
    grant('no Regions', '.Regions', { Regions: [] }),
    grant('an unknown field', '.Colour', { Colour: 'red' }),
    grant('both spellings', '.GranteePrincipal', { grantee_principal: ASG_ROLE }),
    variant(
      'cmk-stage (signing) Grants with Decrypt and a constraint',
      [`${STAGE}.Grants.g.GrantedOperations[0]`, `${STAGE}.Grants.g.Constraints`],
      (_, keys) => {
        keys['cmk-stage']!.Spec = 'ECC_NIST_P256';
        keys['cmk-stage']!.EnableKeyRotation = 'false';
        keys['cmk-stage']!.Grants = { g: { GranteePrincipal: ASG_ROLE, GrantedOperations: ['Decrypt'], Constraints: { EncryptionContextEquals: { a: 'b' } } } };
      },
    ),
  ];
}

/** A request CloudFormation is not carrying out (docs/iam.md "Who can use the function"): it must be refused, changing nothing. */
export interface ForgedEvent {
  name: string;
  event: CustomResourceEvent;
  /** The ResponseURL is not the trusted one: no PUT at all may leave. */
  untrusted: boolean;
}

const CFN_BUCKET_HOST = 'cloudformation-custom-resource-response-useast1.s3.amazonaws.com';

/**
 * Forged events against a deployed resource (`victim` builds the events CloudFormation would send
 * it): foreign StackIds, real stacks with nothing in progress, wrong ids, another stack's resource
 * (`attackerStackId`: a stack whose own Delete is really in progress), and ResponseURLs that are
 * not CloudFormation's.
 */
export function forgedEvents(victim: (type: 'Create' | 'Update' | 'Delete') => CustomResourceEvent, attackerStackId: string): ForgedEvent[] {
  const del = victim('Delete');
  const stackId = del.StackId;
  const path = (e: CustomResourceEvent) => new URL(e.ResponseURL).pathname + new URL(e.ResponseURL).search;
  const trusted = (name: string, edit: Partial<CustomResourceEvent>, base = victim('Delete')): ForgedEvent => ({
    name,
    event: { ...base, ...edit },
    untrusted: false,
  });
  const url = (name: string, responseUrl: (e: CustomResourceEvent) => string): ForgedEvent => {
    const event = victim('Delete');
    return { name, event: { ...event, ResponseURL: responseUrl(event) }, untrusted: true };
  };
  return [
    trusted('StackId of another account', { StackId: stackId.replace(/:(\d{12}):/, ':444455556666:') }),
    trusted('StackId of another Region', { StackId: stackId.replace(':us-east-1:', ':eu-west-1:') }),
    trusted('StackId of another partition', { StackId: stackId.replace('arn:aws:', 'arn:aws-cn:') }),
    trusted('StackId that is not a stack ARN', { StackId: stackId.split('/')[1] ?? 'stack' }),
    trusted('a real stack with no operation in progress (Delete)', {}),
    trusted('a real stack with no operation in progress (Update)', {}, victim('Update')),
    trusted('a replayed Create of a completed resource', {}, victim('Create')),
    trusted('a wrong PhysicalResourceId', { PhysicalResourceId: 'mrkk-ffffffffffffffffffffffffffffffff' }),
    trusted('another logical ID of the stack', { LogicalResourceId: 'OtherKeys' }),
    trusted("a Delete aimed at another stack's resource", { StackId: attackerStackId }),
    url('an http ResponseURL to a loopback server that would accept it', (e) => e.ResponseURL.replace('http://127.0.0.1:', 'http://localhost:')),
    url("an https ResponseURL on somebody else's host", (e) => `https://collector.attacker.example${path(e)}`),
    url("http:// on CloudFormation's bucket host", (e) => `http://${CFN_BUCKET_HOST}${path(e)}`),
    url('userinfo in the ResponseURL', (e) => `https://cloudformation:x@${CFN_BUCKET_HOST}${path(e)}`),
    url('a lookalike host (suffix)', (e) => `https://${CFN_BUCKET_HOST}.evil.example${path(e)}`),
    url('a lookalike host (prefix)', (e) => `https://evil-${CFN_BUCKET_HOST}${path(e)}`),
    url("another Region's response bucket", (e) => `https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com${path(e)}`),
    url("a port on CloudFormation's bucket host", (e) => `https://${CFN_BUCKET_HOST}:8443${path(e)}`),
    url('a ResponseURL that is not a URL', () => 'not a url'),
  ];
}
