/**
 * The command line of `npm start` (docs/behaviour.md §13): options are checked strictly, so a typo is an
 * error with the usage, never a silent default. The emulator's field-realism flags
 * (local/emulator/realism.ts) are accepted too.
 */
import { readFileSync } from 'node:fs';
import { applyRealismFlag, type FieldRealismOptions, REALISM_FLAGS } from '../emulator/realism.ts';
import { type KeyMaterialSecretOption, parseKeyMaterialSecretOption } from './keyMaterialSecrets.ts';

/** What `npm start -- …` was asked to do. */
export interface PreviewOptions {
  template: string;
  /** The second version of the template: the Update previews v1 → v2. */
  update?: string;
  resource?: string;
  parameters: Record<string, string>;
  imports: Record<string, string>;
  /** Every key and attribute, however many. */
  all: boolean;
  showPolicy: boolean;
  help: boolean;
  /** A running emulator (`npm run emulator`) to deploy into instead of an embedded one. */
  endpoint?: string;
  /** Leave what was deployed: no demo Update, no Delete (needs `endpoint`). */
  keep: boolean;
  /** Field realism of the embedded emulator (`--consistency-delay-ms`, `--identity-policy FILE`, …). */
  realism: FieldRealismOptions;
  /** `--key-material-secret NAME[@REGION]`: secrets of random key material made in the emulator, their ARNs the parameters NAME. */
  keyMaterialSecrets: KeyMaterialSecretOption[];
}

export const USAGE = `Usage: npm start [-- OPTIONS]

Previews a Custom::MultiRegionKmsKeys resource on the local KMS emulator (no AWS account):
Create, the attributes, an Update, then Delete, each answer checked as CloudFormation would.

  --template FILE      the template (default template.yaml, the sample resource, with CreateSampleKeys=true)
  --update FILE        the next version of the template: prints the plan of FILE against what
                       --template created (every KMS action per Region and key, destructive
                       ones and refusals marked), then runs that Update
  --resource ID        the logical ID, when the template has several Custom::MultiRegionKmsKeys
  --param Name=Value   a template parameter (repeatable)
  --import Name=Value  the value of an Fn::ImportValue export (repeatable); a ServiceToken that
                       cannot be resolved does not matter locally
  --key-material-secret NAME[@REGION]
                       a Secrets Manager secret in the emulator (Region default us-east-1) holding
                       32 random bytes of key material, its ARN the template parameter NAME: for
                       keys with Origin: EXTERNAL and KeyMaterial (repeatable; docs/key-material.md)
  --all                print every key and attribute, however many (default: a summary past 40)
  --show-policy        print the generated key policy of every key
  --endpoint URL       deploy into a running emulator (npm run emulator -- --port 4566) instead
                       of an embedded one
  --keep               with --endpoint: stop after the Create (and the --update Update), leaving
                       the keys in place for npm run plan, the AWS CLI or another npm start;
                       prints the stack's ARN and the plan commands
  --help               this text

As unkind as AWS (local/emulator/README.md): --consistency-delay-ms N, --updating-ms N,
--identity-policy FILE (the caller is the function's execution role), --scp FILE,
--tag-propagation-ms N (not with --endpoint: give them to npm run emulator).

Exit status: 0 when every step answered SUCCESS and the template's Fn::GetAtt reads are all
answered, 1 otherwise.`;

/** A command line that cannot be obeyed; the message says what is wrong. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const WITH_VALUE = new Set(['--template', '--update', '--resource', '--param', '--import', '--endpoint', '--key-material-secret']);

/** Parses `process.argv.slice(2)`. @throws UsageError */
export function parseArgs(argv: string[]): PreviewOptions {
  const options: PreviewOptions = {
    template: 'template.yaml',
    parameters: {},
    imports: {},
    all: false,
    showPolicy: false,
    help: false,
    keep: false,
    realism: {},
    keyMaterialSecrets: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') options.help = true;
    else if (arg === '--all') options.all = true;
    else if (arg === '--show-policy') options.showPolicy = true;
    else if (arg === '--keep') options.keep = true;
    else if (WITH_VALUE.has(arg)) {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      if (arg === '--template') options.template = value;
      else if (arg === '--update') options.update = value;
      else if (arg === '--resource') options.resource = value;
      else if (arg === '--endpoint') options.endpoint = endpointOf(value);
      else if (arg === '--param') assign(options.parameters, arg, value);
      else if (arg === '--key-material-secret') options.keyMaterialSecrets.push(keyMaterialSecret(value));
      else assign(options.imports, arg, value);
    } else if (!realismFlag(options.realism, arg, argv[i + 1])) throw new UsageError(`unknown argument ${arg}`);
    else i++;
  }
  // template.yaml's sample resource exists only with CreateSampleKeys=true: the default preview shows it.
  if (!argv.includes('--template') && options.parameters.CreateSampleKeys === undefined) options.parameters.CreateSampleKeys = 'true';
  if (options.keep && options.endpoint === undefined) throw new UsageError('--keep needs --endpoint URL: an embedded emulator ends with the preview');
  if (options.endpoint !== undefined && Object.keys(options.realism).length > 0) {
    throw new UsageError('the realism flags configure an embedded emulator: with --endpoint, give them to npm run emulator');
  }
  return options;
}

/** An http(s) URL without a path, e.g. `http://127.0.0.1:4566`. */
function endpointOf(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--endpoint must be a URL such as http://127.0.0.1:4566, got ${JSON.stringify(value)}`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || (url.pathname !== '/' && url.pathname !== '')) {
    throw new UsageError(`--endpoint must be a URL such as http://127.0.0.1:4566, got ${JSON.stringify(value)}`);
  }
  return url.origin;
}

/** Applies `flag value` when it is a realism flag; a bad value is a UsageError. */
function realismFlag(realism: FieldRealismOptions, flag: string, value: string | undefined): boolean {
  if (!Object.hasOwn(REALISM_FLAGS, flag)) return false;
  if (value === undefined) throw new UsageError(`${flag} needs a value`);
  try {
    return applyRealismFlag(realism, flag, value, (path) => readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function keyMaterialSecret(text: string): KeyMaterialSecretOption {
  const option = parseKeyMaterialSecretOption(text);
  if (option === undefined) throw new UsageError(`--key-material-secret expects NAME or NAME@REGION (a template parameter), got ${JSON.stringify(text)}`);
  return option;
}

function assign(target: Record<string, string>, flag: string, text: string): void {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`${flag} expects Name=Value, got ${JSON.stringify(text)}`);
  target[text.slice(0, eq)] = text.slice(eq + 1);
}
