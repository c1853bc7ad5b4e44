/**
 * The command line of `npm run plan`, checked strictly: an unknown option or a missing value is an
 * error (a typo must not silently plan something else).
 */

export const USAGE = `Usage: npm run plan -- --template FILE --stack-id STACK_ARN (--previous-template DEPLOYED | --drift)
                       [--resource LOGICAL_ID] [--execution-role-arn ARN] [--param Name=Value]... [--import Name=Value]...
                       [--ref LogicalId=PhysicalId]... [--get-att LogicalId.Attribute=Value]...
                       [--drift] [--json]

Shows, without changing anything, what an Update of the Custom::MultiRegionKmsKeys resource to
FILE would do in the account (read requests only: List*, Describe*, Get*). With the deployed
template, every change it shows is drift (--drift words it so).

  --template FILE            the stack's template (YAML or JSON)
  --stack-id STACK_ARN       the stack's ARN: account, Region and the keys' owner id come from it
  --previous-template FILE   the deployed template (aws cloudformation get-template): the properties
                             the Update would carry as OldResourceProperties (aliases leaving Aliases,
                             the previous OptInRegions); required unless --drift
  --resource LOGICAL_ID      the Custom::MultiRegionKmsKeys resource (needed when there are several)
  --execution-role-arn ARN   the function's role (EXECUTION_ROLE_ARN); default: found in the keys' policies
  --param Name=Value         a template parameter, as given to the stack
  --import Name=Value        the value of an export that Fn::ImportValue reads
  --ref LogicalId=Value      the physical ID of another resource of the stack (Ref)
  --get-att Id.Attr=Value    an attribute of another resource of the stack (Fn::GetAtt)
  --drift                    the template is the deployed one (its own previous template): report
                             differences as drift
  --json                     print the plan as JSON

Credentials, Region and endpoints come from the standard AWS SDK configuration (AWS_PROFILE,
AWS_ACCESS_KEY_ID…, AWS_REGION, AWS_ENDPOINT_URL). Exit status: 0 nothing would change,
2 changes or drift, 1 error.`;

export interface PlanArgs {
  template: string;
  stackId: string;
  /** The deployed template; absent with --drift (the template is the deployed one). */
  previousTemplate?: string;
  resource?: string;
  executionRoleArn?: string;
  parameters: Record<string, string>;
  imports: Record<string, string>;
  refs: Record<string, string>;
  getAtts: Record<string, Record<string, string>>;
  drift: boolean;
  json: boolean;
  help: boolean;
}

/** A command line that cannot be run: the message is the one line printed. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const ROLE_ARN = /^arn:[a-z-]+:iam::\d{12}:role\/[\w+=,.@/-]+$/;

const VALUED = new Set(['--template', '--stack-id', '--previous-template', '--resource', '--execution-role-arn', '--param', '--import', '--ref', '--get-att']);

export function parsePlanArgs(argv: string[]): PlanArgs {
  const args: PlanArgs = { template: '', stackId: '', parameters: {}, imports: {}, refs: {}, getAtts: {}, drift: false, json: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = splitFlag(argv[i]!);
    if (flag === '--help' || flag === '-h') {
      args.help = true;
      continue;
    }
    if (flag === '--json' || flag === '--drift') {
      if (inline !== undefined) throw new UsageError(`${flag} takes no value`);
      args[flag === '--json' ? 'json' : 'drift'] = true;
      continue;
    }
    if (!VALUED.has(flag)) throw new UsageError(`unknown argument ${flag} (see --help)`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`);
    switch (flag) {
      case '--template':
        args.template = value;
        break;
      case '--stack-id':
        args.stackId = value;
        break;
      case '--previous-template':
        args.previousTemplate = value;
        break;
      case '--resource':
        args.resource = value;
        break;
      case '--execution-role-arn':
        args.executionRoleArn = value;
        break;
      case '--param':
        assign(args.parameters, flag, ...pair(flag, value));
        break;
      case '--import':
        assign(args.imports, flag, ...pair(flag, value));
        break;
      case '--ref':
        assign(args.refs, flag, ...pair(flag, value));
        break;
      case '--get-att': {
        const [name, attributeValue] = pair(flag, value);
        const dot = name.indexOf('.');
        if (dot <= 0 || dot === name.length - 1) throw new UsageError(`--get-att needs LogicalId.Attribute=Value, got ${JSON.stringify(value)}`);
        args.getAtts[name.slice(0, dot)] ??= {};
        assign(args.getAtts[name.slice(0, dot)]!, flag, name.slice(dot + 1), attributeValue);
        break;
      }
    }
  }
  if (args.help) return args;
  if (args.template === '') throw new UsageError('--template FILE is required (see --help)');
  if (args.stackId === '') throw new UsageError('--stack-id STACK_ARN is required (see --help)');
  if (args.executionRoleArn !== undefined && !ROLE_ARN.test(args.executionRoleArn)) {
    throw new UsageError(`--execution-role-arn must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME), got ${JSON.stringify(args.executionRoleArn)}`);
  }
  if (args.previousTemplate === undefined && !args.drift) {
    throw new UsageError(
      '--previous-template FILE is required: the deployed template, whose properties the Update carries as OldResourceProperties (aws cloudformation get-template); or --drift when --template is the deployed template',
    );
  }
  return args;
}

/** `--flag=value` → [flag, value]; `--flag` → [flag, undefined]. */
function splitFlag(arg: string): [string, string | undefined] {
  const eq = arg.indexOf('=');
  return arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
}

function pair(flag: string, value: string): [string, string] {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new UsageError(`${flag} needs Name=Value, got ${JSON.stringify(value)}`);
  return [value.slice(0, eq), value.slice(eq + 1)];
}

function assign(target: Record<string, string>, flag: string, name: string, value: string): void {
  if (Object.hasOwn(target, name)) throw new UsageError(`${flag} ${name} given twice`);
  target[name] = value;
}
