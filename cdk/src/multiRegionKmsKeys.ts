/**
 * `MultiRegionKmsKeys`: one `Custom::MultiRegionKmsKeys` resource with typed camelCase props, the
 * attributes an app reads as tokens (and exactly those in `ReturnAttributes`, computed at synth),
 * `kms.IKey`s, and CDK-style grants. Checked at synth with the function's own validation.
 */
import { Aws, CfnResource, type Duration, Fn, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { answerSizeProblem } from './answerSize.ts';
import type { CustomerMasterKeyProps, MultiRegionKmsKeysProperties, PolicyStatementJson } from './generated/props.ts';
import { checkProperties, issuesOf, STAND_IN_ACCOUNT, toResourceProperties } from './properties.ts';
import { dependOnProvider, type IMultiRegionKmsKeysProvider, MultiRegionKmsKeysProvider, type MultiRegionKmsKeysProviderProps } from './provider.ts';

/** The props: the resource's properties in camelCase, without `ReturnAttributes` (computed), plus the provider. */
export interface MultiRegionKmsKeysProps extends Omit<MultiRegionKmsKeysProperties, 'awsAccountId' | 'returnAttributes'> {
  /** The account the keys are in; it must be the function's. @default the stack's account (`AWS::AccountId`) */
  readonly awsAccountId?: string;
  /** The function. @default the stack's `MultiRegionKmsKeysProvider`, made with `providerProps` */
  readonly provider?: IMultiRegionKmsKeysProvider;
  /** Settings of the stack's default function (ignored with `provider`). */
  readonly providerProps?: MultiRegionKmsKeysProviderProps;
  /** How long CloudFormation waits for an answer. @default the provider's (template.yaml: 960 s) */
  readonly serviceTimeout?: Duration;
}

/** Where a grant applies. */
export interface GrantOptions {
  /** The Regions of a key without a fixed `region` (a separate key per Region) to grant in. @default the key's Regions; required for such keys */
  readonly regions?: string[];
}

/** The actions of CDK's `kms.Key` grants, given to the grantee's principal policy. */
const ACTIONS = {
  decrypt: ['kms:Decrypt'],
  encrypt: ['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
} as const;

/** How a grant names the grantee in the key policy. */
type KeyPolicyRole = 'cmkUserIamArns' | 'cmkReadOnlyUserIamArns' | { actions: string[]; sid: string };

/** KMS keys in many Regions from one resource (docs/cdk.md). */
export class MultiRegionKmsKeys extends Construct {
  /** The custom resource. */
  readonly resource: CfnResource;
  /** The function behind it. */
  readonly provider: IMultiRegionKmsKeysProvider;
  private readonly props: MultiRegionKmsKeysProps;
  private readonly reads = new Set<string>();
  private readonly readRegions = new Set<string>();
  private readonly keys = new Map<string, kms.IKey>();
  private readonly additions = new Map<string, { cmkUserIamArns: string[]; cmkReadOnlyUserIamArns: string[]; policyStatements: PolicyStatementJson[] }>();
  private statementCount = 0;

  constructor(scope: Construct, id: string, props: MultiRegionKmsKeysProps) {
    super(scope, id);
    this.props = props;
    this.provider = props.provider ?? MultiRegionKmsKeysProvider.of(this, props.providerProps);
    this.resource = new CfnResource(this, 'Resource', {
      type: 'Custom::MultiRegionKmsKeys',
      properties: {
        ServiceToken: this.provider.serviceToken,
        ServiceTimeout: props.serviceTimeout?.toSeconds() ?? this.provider.serviceTimeout,
        ...Object.fromEntries(Object.keys(this.converted().properties).map((name) => [name, Lazy.any({ produce: () => this.converted().properties[name] })])),
        ReturnAttributes: Lazy.list({ produce: () => [...this.reads].sort() }),
      },
    });
    dependOnProvider(this.resource, this.provider);
    this.node.addValidation({ validate: () => this.validate() });
  }

  /** Any attribute by name (`KeyArns.eu-west-1.cmk-prod`, `InvalidCmkInputs`, …): a token, and the attribute joins `ReturnAttributes`. */
  attribute(name: string): string {
    this.reads.add(name);
    const region = name.split('.')[1];
    if (region !== undefined && /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/.test(region)) this.readRegions.add(region);
    return Token.asString(this.resource.getAtt(name));
  }

  /** The ARN of key `keyName` in `region` (default: the key's `region`). */
  keyArn(keyName: string, region?: string): string {
    return this.attribute(`KeyArns.${this.regionOf(keyName, region)}.${keyName}`);
  }

  /** The key id (`mrk-…` for a multi-Region key, the same in every Region). */
  keyId(keyName: string, region?: string): string {
    return this.attribute(`KeyIds.${this.regionOf(keyName, region)}.${keyName}`);
  }

  /** The key's alias, `alias/<keyName>`. */
  keyAlias(keyName: string, region?: string): string {
    return this.attribute(`KeyAliases.${this.regionOf(keyName, region)}.${keyName}`);
  }

  /** Key `keyName` in `region` as a `kms.IKey`, for any construct that takes one. */
  key(keyName: string, region?: string): kms.IKey {
    const where = this.regionOf(keyName, region);
    const id = `Key.${keyName}.${where}`;
    const existing = this.keys.get(id);
    if (existing !== undefined) return existing;
    const key = kms.Key.fromKeyArn(this, id, this.keyArn(keyName, where));
    this.keys.set(id, key);
    return key;
  }

  /** Encrypt and decrypt: the key policy lists the grantee in `CmkUserIamArns`. */
  grantEncryptDecrypt(grantee: iam.IGrantable, keyName: string, options: GrantOptions = {}): iam.Grant {
    return this.grantWith(grantee, keyName, 'cmkUserIamArns', [...ACTIONS.decrypt, ...ACTIONS.encrypt], options);
  }

  /** Decrypt: the key policy lists the grantee in `CmkReadOnlyUserIamArns` (kms:Decrypt, kms:DescribeKey). */
  grantDecrypt(grantee: iam.IGrantable, keyName: string, options: GrantOptions = {}): iam.Grant {
    return this.grantWith(grantee, keyName, 'cmkReadOnlyUserIamArns', [...ACTIONS.decrypt], options);
  }

  /** Encrypt only: a statement of the key's `PolicyStatements` allows the grantee exactly these actions. */
  grantEncrypt(grantee: iam.IGrantable, keyName: string, options: GrantOptions = {}): iam.Grant {
    return this.grantWith(grantee, keyName, { actions: [...ACTIONS.encrypt], sid: 'Encrypt' }, [...ACTIONS.encrypt], options);
  }

  /** `actions` on key `keyName`: a statement of the key's `PolicyStatements` allows the grantee exactly these actions. */
  grant(grantee: iam.IGrantable, keyName: string, ...actions: string[]): iam.Grant {
    if (actions.length === 0) throw new Error(`grant(…, ${keyName}): name at least one kms: action`);
    return this.grantWith(grantee, keyName, { actions, sid: 'Actions' }, actions, {});
  }

  private grantWith(grantee: iam.IGrantable, keyName: string, role: KeyPolicyRole, actions: string[], options: GrantOptions): iam.Grant {
    const arns = principalArnsOf(grantee, keyName);
    const resourceArns = this.grantArns(keyName, options);
    const added = this.additionsOf(keyName);
    if (role === 'cmkUserIamArns' || role === 'cmkReadOnlyUserIamArns') added[role].push(...arns);
    else {
      this.statementCount += 1;
      added.policyStatements.push({
        Sid: `CdkGrant${role.sid}${this.statementCount}`,
        Effect: 'Allow',
        Principal: { AWS: arns },
        Action: role.actions,
        Resource: '*',
      });
    }
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns });
  }

  /** The ARNs a grantee's principal policy names: the key in every Region it is in. */
  private grantArns(keyName: string, options: GrantOptions): string[] {
    const key = this.keyProps(keyName);
    const region = key.region ?? '';
    if (region !== '' && (key.multiRegion === true || (key.replicaRegions ?? []).length > 0)) {
      // A multi-Region key has one key id in every Region: one ARN with Region * covers them all.
      return [Fn.join('', ['arn:', Aws.PARTITION, ':kms:*:', this.props.awsAccountId ?? Aws.ACCOUNT_ID, ':key/', this.keyId(keyName, region)])];
    }
    if (region !== '') return [this.keyArn(keyName, region)];
    if (options.regions === undefined || options.regions.length === 0) {
      throw new Error(`customerMasterKeys.${keyName} has no fixed region (a separate key in every Region): pass { regions: [...] } to say where to grant`);
    }
    return options.regions.map((where) => this.keyArn(keyName, where));
  }

  private keyProps(keyName: string): CustomerMasterKeyProps {
    const key = Object.hasOwn(this.props.customerMasterKeys, keyName) ? this.props.customerMasterKeys[keyName] : undefined;
    if (key === undefined) {
      throw new Error(`customerMasterKeys has no key ${keyName} (it has ${Object.keys(this.props.customerMasterKeys).join(', ') || 'none'})`);
    }
    return key;
  }

  /** `region`, or the key's own; an error for a Region the key is known not to be in. */
  private regionOf(keyName: string, region: string | undefined): string {
    const key = this.keyProps(keyName);
    const home = key.region ?? '';
    if (region === undefined) {
      if (home === '' || Token.isUnresolved(home)) throw new Error(`customerMasterKeys.${keyName} has no fixed region: name the Region to read`);
      return home;
    }
    const replicas = key.replicaRegions ?? [];
    const fixed = home !== '' && !Token.isUnresolved(home) && !replicas.includes('*') && !Token.isUnresolved(replicas);
    if (fixed && region !== home && !replicas.includes(region)) {
      throw new Error(`customerMasterKeys.${keyName} is not in ${region}: it is in ${[home, ...replicas].join(', ')}`);
    }
    return region;
  }

  private additionsOf(keyName: string) {
    this.keyProps(keyName);
    let added = this.additions.get(keyName);
    if (added === undefined) {
      added = { cmkUserIamArns: [], cmkReadOnlyUserIamArns: [], policyStatements: [] };
      this.additions.set(keyName, added);
    }
    return added;
  }

  /** The props with the grants' additions, in the resource's spelling. */
  private converted() {
    const { provider: _provider, providerProps: _providerProps, serviceTimeout: _serviceTimeout, ...properties } = this.props;
    const keys: Record<string, CustomerMasterKeyProps> = {};
    for (const [name, key] of Object.entries(properties.customerMasterKeys)) {
      const added = this.additions.get(name);
      keys[name] =
        added === undefined
          ? key
          : {
              ...key,
              ...(added.cmkUserIamArns.length > 0 ? { cmkUserIamArns: [...(key.cmkUserIamArns ?? []), ...added.cmkUserIamArns] } : {}),
              ...(added.cmkReadOnlyUserIamArns.length > 0
                ? { cmkReadOnlyUserIamArns: [...(key.cmkReadOnlyUserIamArns ?? []), ...added.cmkReadOnlyUserIamArns] }
                : {}),
              ...(added.policyStatements.length > 0 ? { policyStatements: [...(key.policyStatements ?? []), ...added.policyStatements] } : {}),
            };
    }
    return toResourceProperties({ awsAccountId: properties.awsAccountId ?? Aws.ACCOUNT_ID, ...properties, customerMasterKeys: keys });
  }

  private validate(): string[] {
    const stack = Stack.of(this);
    const accountId = Token.isUnresolved(stack.account) ? STAND_IN_ACCOUNT : stack.account;
    const conversion = this.converted();
    const result = checkProperties(conversion, accountId);
    if (result.parsed === undefined) return result.errors;
    const synth = {
      stackName: Token.isUnresolved(stack.stackName) ? 'x'.repeat(128) : stack.stackName,
      logicalResourceId: stack.resolve(this.resource.logicalId) as string,
      accountId,
      region: Token.isUnresolved(stack.region) ? 'ap-southeast-2' : stack.region,
      partition: Token.isUnresolved(stack.partition) ? 'aws' : stack.partition,
    };
    try {
      const problem = answerSizeProblem(result.parsed, [...this.reads].sort(), [...this.readRegions], synth);
      return problem === undefined ? [] : [`ReturnAttributes: ${problem}`];
    } catch (error) {
      // The desired state's own checks (a key policy over 32 KB, …), at camelCase paths.
      return issuesOf(error, conversion);
    }
  }
}

/** The IAM ARNs of a grantee (a role, a user, a function's role, an account). */
function principalArnsOf(grantee: iam.IGrantable, keyName: string): string[] {
  const arns = grantee.grantPrincipal.policyFragment.principalJson.AWS ?? [];
  if (arns.length === 0) {
    throw new Error(
      `a grant on ${keyName} needs an IAM principal (a role, a user, a function with its role, an account); ${grantee.grantPrincipal.toString()} has no IAM ARN`,
    );
  }
  return arns;
}
