import { OWNERSHIP_TAGS } from '../../lib/ownership.ts';
import { EXECUTION_ROLE_ACTIONS, EXECUTION_ROLE_IAM_POLICY_ACTIONS } from '../../lib/policy/actions.ts';
import { actionsCalledByCode, actionsOf, loadTemplate, resourcesOf, roleStatements, SAM_TEMPLATE_TEXT, type Statement } from './helpers.ts';

const template = loadTemplate(SAM_TEMPLATE_TEXT);
const OWNER_TAG = OWNERSHIP_TAGS.owner;
const RESOURCE_TAG_PRESENT = `aws:ResourceTag/${OWNER_TAG}`;
const REQUEST_TAG_PRESENT = `aws:RequestTag/${OWNER_TAG}`;
const KEY_ARNS = `arn:\${AWS::Partition}:kms:*:\${AWS::AccountId}:key/*`;
const ALIAS_ARNS = `arn:\${AWS::Partition}:kms:*:\${AWS::AccountId}:alias/*`;

/** Actions granted that the code does not call itself, each with the reason it is needed. */
const JUSTIFIED_EXTRA_ACTIONS: Record<string, string> = {
  'iam:CreateServiceLinkedRole': "KMS creates the multi-Region key service-linked role with the caller's permission",
};

/** KMS operations that change nothing. */
const READ_ONLY = new Set(['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags', 'kms:ListKeys', 'kms:ListAliases']);

function nullCondition(statement: Statement, key: string): unknown {
  return statement.Condition?.Null?.[key];
}

function grantedActions(statements: Statement[]): Set<string> {
  return new Set(statements.flatMap(actionsOf));
}

describe('Function: execution role policy', () => {
  it('grants exactly the AWS operations lib/aws calls, plus the justified extras', () => {
    // Prepare
    const { actions: called, unknownPackages } = actionsCalledByCode();
    const granted = grantedActions(roleStatements(template, { AdoptionAllowed: true }));

    // Act
    const notGranted = [...called].filter((action) => !granted.has(action));
    const notCalled = [...granted].filter((action) => !called.has(action) && !(action in JUSTIFIED_EXTRA_ACTIONS));

    // Assess
    expect(unknownPackages).toEqual([]);
    expect([...called].filter((action) => action.startsWith('kms:')).length).toBeGreaterThan(0);
    expect(called.has('account:ListRegions')).toBe(true);
    expect(notGranted).toEqual([]);
    expect(notCalled).toEqual([]);
  });

  it('never grants a wildcard action', () => {
    // Prepare
    const statements = roleStatements(template, { AdoptionAllowed: true });

    // Act
    const wildcards = statements.flatMap(actionsOf).filter((action) => action.includes('*'));

    // Assess
    expect(wildcards).toEqual([]);
  });

  it('covers every action the key policies grant the role and the IAM-only ones', () => {
    // Prepare
    const granted = grantedActions(roleStatements(template));

    // Act
    const missing = [...EXECUTION_ROLE_ACTIONS, ...EXECUTION_ROLE_IAM_POLICY_ACTIONS].filter((action) => !granted.has(action));

    // Assess
    expect(missing).toEqual([]);
  });

  it('conditions every mutating action on existing keys on the ownership tag', () => {
    // Prepare
    const statements = roleStatements(template);
    const { actions: called } = actionsCalledByCode();
    const mutatingOnExistingKeys = [...called].filter((a) => a.startsWith('kms:') && !READ_ONLY.has(a) && a !== 'kms:CreateKey');

    // Act
    const ownedOnly = statements.filter((s) => nullCondition(s, RESOURCE_TAG_PRESENT) === 'false');
    const uncovered = mutatingOnExistingKeys.filter((action) => !ownedOnly.some((s) => actionsOf(s).includes(action)));
    // Aliases carry no tags: their statement is scoped to alias ARNs, the key side is conditioned here.
    const unconditioned = statements.filter(
      (s) =>
        actionsOf(s).some((a) => a.startsWith('kms:') && !READ_ONLY.has(a)) &&
        !resourcesOf(s).every((resource) => resource === ALIAS_ARNS) &&
        nullCondition(s, RESOURCE_TAG_PRESENT) !== 'false' &&
        nullCondition(s, REQUEST_TAG_PRESENT) !== 'false' &&
        // The replica side of ReplicateKey, which is itself conditioned on an owned primary.
        s.Condition?.StringEquals?.['kms:MultiRegionKeyType'] !== 'REPLICA',
    );

    // Assess
    expect(mutatingOnExistingKeys.length).toBeGreaterThan(0);
    expect(uncovered).toEqual([]);
    expect(unconditioned.map((s) => s.Sid)).toEqual([]);
    for (const statement of ownedOnly) expect(resourcesOf(statement)).toEqual([KEY_ARNS]);
  });

  it('creates keys only with the ownership tag in the request, and replicas only through ReplicateKey of an owned primary', () => {
    // Prepare
    const statements = roleStatements(template);
    const isReplicaSide = (s: Statement) => s.Condition?.StringEquals?.['kms:MultiRegionKeyType'] === 'REPLICA';

    // Act
    const create = statements.filter((s) => actionsOf(s).includes('kms:CreateKey') && !isReplicaSide(s));
    const tagOnCreate = statements.filter(
      (s) => actionsOf(s).includes('kms:TagResource') && nullCondition(s, RESOURCE_TAG_PRESENT) === undefined && !isReplicaSide(s),
    );
    const replicaSide = statements.filter(isReplicaSide);
    const replicate = statements.filter((s) => actionsOf(s).includes('kms:ReplicateKey'));

    // Assess
    expect(create).toHaveLength(1);
    expect(actionsOf(create[0]!)).toEqual(['kms:CreateKey']);
    expect(resourcesOf(create[0]!)).toEqual(['*']);
    expect(nullCondition(create[0]!, REQUEST_TAG_PRESENT)).toBe('false');
    expect(create[0]!.Condition?.['ForAnyValue:StringEquals']?.['aws:TagKeys']).toEqual(OWNER_TAG);
    expect(tagOnCreate).toHaveLength(1);
    expect(resourcesOf(tagOnCreate[0]!)).toEqual([KEY_ARNS]);
    expect(nullCondition(tagOnCreate[0]!, REQUEST_TAG_PRESENT)).toBe('false');
    expect(tagOnCreate[0]!.Condition?.['ForAnyValue:StringEquals']?.['aws:TagKeys']).toEqual(OWNER_TAG);
    // The replica-side CreateKey and TagResource of ReplicateKey, allowed without request tags.
    expect(replicaSide.flatMap(actionsOf).sort()).toEqual(['kms:CreateKey', 'kms:TagResource']);
    for (const statement of replicaSide) expect(statement.Condition).toEqual({ StringEquals: { 'kms:MultiRegionKeyType': 'REPLICA' } });
    expect(replicate).toHaveLength(1);
    expect(replicate[0]!.Condition).toEqual({ Null: { [RESOURCE_TAG_PRESENT]: 'false' } });
  });

  it('conditions each action only on condition keys KMS supports for it (an unsupported key is absent, and the statement never applies)', () => {
    // Prepare: the Service Authorization Reference for AWS KMS: each action's condition keys, plus
    // those of the `key` resource type for actions on a key (CreateKey has no resource type).
    const KEY_RESOURCE = [
      'aws:ResourceTag/',
      'kms:KeyOrigin',
      'kms:KeySpec',
      'kms:KeyUsage',
      'kms:MultiRegion',
      'kms:MultiRegionKeyType',
      'kms:ResourceAliases',
    ];
    const COMMON = ['kms:CallerAccount', 'kms:ViaService'];
    const ACTION_KEYS: Record<string, string[]> = {
      'kms:CreateKey': [
        'aws:ResourceTag/',
        'aws:RequestTag/',
        'aws:TagKeys',
        'kms:BypassPolicyLockoutSafetyCheck',
        'kms:KeySpec',
        'kms:KeyUsage',
        'kms:KeyOrigin',
        'kms:MultiRegion',
        'kms:MultiRegionKeyType',
      ],
      'kms:TagResource': ['aws:RequestTag/', 'aws:TagKeys', ...KEY_RESOURCE],
      'kms:UntagResource': ['aws:TagKeys', ...KEY_RESOURCE],
      'kms:ReplicateKey': ['kms:ReplicaRegion', ...KEY_RESOURCE],
      'kms:UpdatePrimaryRegion': ['kms:PrimaryRegion', ...KEY_RESOURCE],
      'kms:ScheduleKeyDeletion': ['kms:ScheduleKeyDeletionPendingWindowInDays', ...KEY_RESOURCE],
      'kms:PutKeyPolicy': ['kms:BypassPolicyLockoutSafetyCheck', ...KEY_RESOURCE],
      'kms:EnableKeyRotation': ['kms:RotationPeriodInDays', ...KEY_RESOURCE],
    };
    const supports = (action: string, key: string) =>
      key.startsWith('aws:') && !key.startsWith('aws:RequestTag/') && key !== 'aws:TagKeys' && !key.startsWith('aws:ResourceTag/')
        ? true
        : [...COMMON, ...(ACTION_KEYS[action] ?? KEY_RESOURCE)].some((supported) => (supported.endsWith('/') ? key.startsWith(supported) : key === supported));

    // Act
    const unsupported = roleStatements(template, { AdoptionAllowed: true }).flatMap((s) =>
      actionsOf(s)
        .filter((action) => action.startsWith('kms:'))
        .flatMap((action) =>
          Object.values(s.Condition ?? {})
            .flatMap((byKey) => Object.keys(byKey))
            .filter((key) => !supports(action, key))
            .map((key) => `${s.Sid} ${action} ${key}`),
        ),
    );

    // Assess
    expect(unsupported).toEqual([]);
  });

  it('scopes reads to the keys of the account, aliases to its aliases, listings to *', () => {
    // Prepare
    const statements = roleStatements(template);
    const bySid = (sid: string) => statements.find((s) => s.Sid === sid)!;

    // Act
    const reads = bySid('ReadKeys');
    const aliases = bySid('ManageAliases');
    const listings = bySid('ListKeysAndAliases');

    // Assess
    expect(actionsOf(reads).sort()).toEqual(['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags']);
    expect(resourcesOf(reads)).toEqual([KEY_ARNS]);
    expect(reads.Condition).toBeUndefined();
    expect(actionsOf(aliases).sort()).toEqual(['kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias']);
    expect(resourcesOf(aliases)).toEqual([ALIAS_ARNS]);
    expect(actionsOf(listings).sort()).toEqual(['kms:ListAliases', 'kms:ListKeys']);
    expect(resourcesOf(listings)).toEqual(['*']);
  });

  it("reads only the stack events of the account's stacks in its own Region (request verification), and the template never turns verification off", () => {
    // Prepare
    const statements = roleStatements(template, { AdoptionAllowed: true }).filter((s) => actionsOf(s).some((a) => a.startsWith('cloudformation:')));

    // Assess
    expect(statements.flatMap(actionsOf)).toEqual(['cloudformation:DescribeStackEvents']);
    expect(statements.flatMap(resourcesOf)).toEqual([`arn:\${AWS::Partition}:cloudformation:\${AWS::Region}:\${AWS::AccountId}:stack/*`]);
    expect(SAM_TEMPLATE_TEXT).not.toContain('REQUEST_VERIFICATION');
    expect(SAM_TEMPLATE_TEXT).not.toContain('TRUSTED_RESPONSE_HOSTS');
  });

  it('lets IAM create only the multi-Region key service-linked role', () => {
    // Prepare
    const statements = roleStatements(template);

    // Act
    const iam = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('iam:')));

    // Assess
    expect(iam).toHaveLength(1);
    expect(actionsOf(iam[0]!)).toEqual(['iam:CreateServiceLinkedRole']);
    expect(iam[0]!.Condition).toEqual({ StringEquals: { 'iam:AWSServiceName': 'mrk.kms.amazonaws.com' } });
    expect(resourcesOf(iam[0]!)[0]).toMatch(/:role\/aws-service-role\/mrk\.kms\.amazonaws\.com\/AWSServiceRoleForKeyManagementServiceMultiRegionKeys$/);
  });

  it('adds the adoption statement only when AllowAdoptingExistingKeys is true, never with deletion', () => {
    // Prepare
    const parameters = template.Parameters as Record<string, Record<string, unknown>>;

    // Act
    const without = roleStatements(template, { AdoptionAllowed: false });
    const withAdoption = roleStatements(template, { AdoptionAllowed: true });
    const adoption = withAdoption.filter((s) => !without.includes(s) && !without.some((w) => w.Sid === s.Sid));

    // Assess
    expect(parameters.AllowAdoptingExistingKeys?.Default).toBe('false');
    expect(adoption.map((s) => s.Sid)).toEqual(['AdoptExistingKeys', 'ReleaseAdoptedKeys']);
    const [adopt, release] = adoption as [Statement, Statement];
    expect(nullCondition(adopt, RESOURCE_TAG_PRESENT)).toBe('true');
    expect(resourcesOf(adopt)).toEqual([KEY_ARNS]);
    expect(actionsOf(adopt)).toEqual(expect.arrayContaining(['kms:TagResource', 'kms:PutKeyPolicy']));
    for (const forbidden of ['kms:ScheduleKeyDeletion', 'kms:UntagResource', 'kms:DeleteAlias']) {
      expect(actionsOf(adopt)).not.toContain(forbidden);
    }
    // Releasing a just-adopted key: only the product's own tags may go, nothing that deletes.
    expect(actionsOf(release)).toEqual(['kms:UntagResource']);
    expect(nullCondition(release, RESOURCE_TAG_PRESENT)).toBe('true');
    expect(release.Condition?.['ForAllValues:StringLike']).toEqual({ 'aws:TagKeys': 'MultiRegionKmsKeys:*' });
  });

  it('drops the CreateReplicaKeys condition only when RelaxReplicaKeyTypeCondition is true (default false)', () => {
    // Prepare
    const parameters = template.Parameters as Record<string, Record<string, unknown>>;
    const replicaCreate = (relaxed: boolean) => roleStatements(template, { ReplicaKeyTypeRelaxed: relaxed }).find((s) => s.Sid === 'CreateReplicaKeys')!;

    // Act
    const strict = replicaCreate(false);
    const relaxed = replicaCreate(true);

    // Assess
    expect(parameters.RelaxReplicaKeyTypeCondition?.Default).toBe('false');
    expect(parameters.RelaxReplicaKeyTypeCondition?.AllowedValues).toEqual(['true', 'false']);
    expect(strict.Condition).toEqual({ StringEquals: { 'kms:MultiRegionKeyType': 'REPLICA' } });
    expect(relaxed.Condition).toBeUndefined();
    expect(actionsOf(relaxed)).toEqual(['kms:CreateKey']);
  });

  it('writes logs only to its own log group', () => {
    // Prepare
    const logging = loadTemplate(SAM_TEMPLATE_TEXT).Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;

    // Act
    const policy = logging.FunctionLoggingPolicy!;
    const statements = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;

    // Assess
    expect(policy.Type).toBe('AWS::IAM::Policy');
    expect(policy.Properties.Roles).toEqual([{ Ref: 'FunctionRole' }]);
    expect(statements.flatMap(actionsOf).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(statements[0]!.Resource).toEqual({ 'Fn::GetAtt': ['LogGroup', 'Arn'] });
  });
});
