/**
 * The function behind the resources: by default one per stack, built from the package's bundle with
 * template.yaml's settings and execution role (cdk/asset/function.json, one source for both), or
 * the ServiceToken of a function that is already deployed (`fromServiceToken`).
 */
import { CfnResource, Duration, Fn, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, type IDependable } from 'constructs';
import { bundleDirectory, evaluate, type FunctionSettings, parameterValues, readFunctionSettings, type TemplateJson } from './functionSettings.ts';

/** What a `MultiRegionKmsKeys` resource needs of its function. */
export interface IMultiRegionKmsKeysProvider {
  /** The function ARN CloudFormation invokes. */
  readonly serviceToken: string;
  /** Seconds CloudFormation waits for an answer (above the function's timeout). */
  readonly serviceTimeout: number;
  /** What the resource must be created after (the function's log group and its permission to write there). */
  readonly dependables: IDependable[];
}

/** Settings of the default function; each maps a parameter of template.yaml. */
export interface MultiRegionKmsKeysProviderProps {
  /** template.yaml's `AllowAdoptingExistingKeys`: the role may change keys without the ownership tag (`adoptExistingKeys`). @default false */
  readonly allowAdoptingExistingKeys?: boolean;
  /** template.yaml's `LogRetentionInDays`. @default template.yaml's default (90) */
  readonly logRetentionInDays?: number;
  /** Any other parameter of template.yaml, by name (checked against its AllowedValues); the typed props above win. */
  readonly templateParameters?: Record<string, string>;
}

const PROVIDER_ID = 'MultiRegionKmsKeysProvider';

/** The default function of a stack, made as template.yaml makes it. */
export class MultiRegionKmsKeysProvider extends Construct implements IMultiRegionKmsKeysProvider {
  /** The stack's provider, made on first use; `props` only count then (a later different `props` is an error). */
  static of(scope: Construct, props: MultiRegionKmsKeysProviderProps = {}): MultiRegionKmsKeysProvider {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(PROVIDER_ID);
    if (existing === undefined) return new MultiRegionKmsKeysProvider(stack, PROVIDER_ID, props);
    const provider = existing as MultiRegionKmsKeysProvider;
    if (JSON.stringify(provider.props) !== JSON.stringify(props)) {
      throw new Error(
        `the stack's MultiRegionKmsKeysProvider already exists with other settings (${JSON.stringify(provider.props)}); pass the same provider props to every MultiRegionKmsKeys of the stack`,
      );
    }
    return provider;
  }

  /** A function that is already deployed (template.yaml's `ServiceToken` output, or a SAR application's). */
  static fromServiceToken(serviceToken: string, options: { serviceTimeout?: Duration } = {}): IMultiRegionKmsKeysProvider {
    return { serviceToken, serviceTimeout: options.serviceTimeout?.toSeconds() ?? defaultServiceTimeout(readFunctionSettings()), dependables: [] };
  }

  readonly serviceToken: string;
  readonly serviceTimeout: number;
  readonly dependables: IDependable[];
  /** The function. */
  readonly function: lambda.Function;
  /** Its execution role (template.yaml's `FunctionRole`). */
  readonly role: iam.IRole;
  /** The role as CloudFormation declares it (`AWS::IAM::Role`). */
  readonly cfnRole: CfnResource;
  private readonly props: MultiRegionKmsKeysProviderProps;

  constructor(scope: Construct, id: string, props: MultiRegionKmsKeysProviderProps = {}) {
    super(scope, id);
    this.props = props;
    const settings = readFunctionSettings();
    const parameters = parameterValues(settings, providerParameters(props));
    const refs: Record<string, unknown> = {};
    const scopeOf = { settings, parameters, map: (value: { [key: string]: TemplateJson }) => mapTemplateReference(value, refs) };

    // In template.yaml's own spelling: its inline policies pass through as they are written there.
    this.cfnRole = new CfnResource(this, 'FunctionRole', {
      type: 'AWS::IAM::Role',
      properties: {
        Description: settings.role.Description,
        AssumeRolePolicyDocument: evaluate(settings.role.AssumeRolePolicyDocument, scopeOf),
        Policies: evaluate(settings.role.Policies, scopeOf),
      },
    });
    const roleArn = Token.asString(this.cfnRole.getAtt('Arn'));
    refs['FunctionRole.Arn'] = roleArn;
    refs.FunctionRole = this.cfnRole.ref;
    this.role = iam.Role.fromRoleArn(this, 'ExecutionRole', roleArn, { mutable: false });
    this.function = newFunction(this, settings, this.role, evaluate(settings.function.Environment?.Variables ?? {}, scopeOf) as Record<string, string>);
    refs['Function.Arn'] = this.function.functionArn;
    refs.Function = this.function.functionName;

    const logGroup = new logs.CfnLogGroup(this, 'LogGroup', {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub placeholder, as template.yaml writes it
      logGroupName: Fn.sub('/aws/lambda/${Function}', { Function: this.function.functionName }),
      retentionInDays: Number(evaluate(settings.logGroup.RetentionInDays, scopeOf)),
    });
    // Retained like template.yaml's: it records the deletions that stack deletion schedules.
    logGroup.applyRemovalPolicy(RemovalPolicy.RETAIN);
    refs['LogGroup.Arn'] = logGroup.attrArn;
    const loggingPolicy = new iam.CfnPolicy(this, 'FunctionLoggingPolicy', {
      policyName: settings.loggingPolicy.PolicyName,
      roles: [this.cfnRole.ref],
      policyDocument: evaluate(settings.loggingPolicy.PolicyDocument, scopeOf),
    });
    this.serviceToken = this.function.functionArn;
    this.serviceTimeout = defaultServiceTimeout(settings);
    this.dependables = [logGroup, loggingPolicy];
  }
}

function providerParameters(props: MultiRegionKmsKeysProviderProps): Record<string, string> {
  const given: Record<string, string> = { ...props.templateParameters };
  if (props.allowAdoptingExistingKeys !== undefined) given.AllowAdoptingExistingKeys = String(props.allowAdoptingExistingKeys);
  if (props.logRetentionInDays !== undefined) given.LogRetentionInDays = String(props.logRetentionInDays);
  return given;
}

function defaultServiceTimeout(settings: FunctionSettings): number {
  return settings.serviceTimeout === null ? settings.function.Timeout + 60 : Number(settings.serviceTimeout);
}

/** `Fn::GetAtt X.Y` / `Ref X` of template.yaml's own resources → the construct's; undefined for anything else. */
function mapTemplateReference(value: { [key: string]: TemplateJson }, refs: Record<string, unknown>): unknown {
  const getAtt = value['Fn::GetAtt'];
  if (getAtt !== undefined) {
    const name = Array.isArray(getAtt) ? getAtt.join('.') : String(getAtt);
    if (!Object.hasOwn(refs, name)) throw new Error(`template.yaml's function settings read ${name}, which the construct does not map`);
    return refs[name];
  }
  const ref = value.Ref;
  if (typeof ref === 'string' && Object.hasOwn(refs, ref)) return refs[ref];
  return undefined;
}

function newFunction(scope: Construct, settings: FunctionSettings, role: iam.IRole, environment: Record<string, string>): lambda.Function {
  const fn = settings.function;
  const architecture = fn.Architectures[0] === 'x86_64' ? lambda.Architecture.X86_64 : lambda.Architecture.ARM_64;
  return new lambda.Function(scope, 'Function', {
    description: fn.Description,
    code: lambda.Code.fromAsset(bundleDirectory()),
    handler: fn.Handler,
    runtime: new lambda.Runtime(fn.Runtime, lambda.RuntimeFamily.NODEJS),
    architecture,
    memorySize: fn.MemorySize,
    timeout: Duration.seconds(fn.Timeout),
    role,
    environment,
  });
}

/** A `CfnResource` made after the provider's dependables. */
export function dependOnProvider(resource: CfnResource, provider: IMultiRegionKmsKeysProvider): void {
  for (const dependable of provider.dependables) resource.node.addDependency(dependable);
}
