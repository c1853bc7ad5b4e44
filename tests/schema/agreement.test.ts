/**
 * The schema and the function's validator agree on a corpus of valid and invalid properties, the
 * reliability suite's hostile inputs included:
 * - what the function accepts, the schema accepts (an editor never flags a working template);
 * - what the schema refuses, the function refuses, at the same property path;
 * - what only the function refuses is refused for a rule a JSON Schema cannot state (it depends on
 *   the account, on another property, or on the sum of several), each named below.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { hostileCorpus, referenceCfn } from '../../bench/reliability/hostileCorpus.ts';
import { parseProperties } from '../../lib/properties/index.ts';
import { ACCOUNT_ID, referenceProperties, stringifyScalars } from '../properties/fixtures.ts';

const schema = JSON.parse(readFileSync(join(__dirname, '..', '..', 'schema', 'properties.schema.json'), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, strictTypes: false, unicodeRegExp: true });
for (const keyword of ['x-doc', 'x-typescript', 'x-cdk']) ajv.addKeyword(keyword);
const validate = ajv.compile(schema);

/** The function's rules a schema cannot state, by the words of their message. */
const BEYOND_A_SCHEMA: [rule: string, message: RegExp][] = [
  ['AwsAccountId must be the account the function runs in', /but the function runs in account/],
  ['GlobalTags and Tags together leave room for the ownership tags', /tags \(GlobalTags included\)/],
  ['Sids are unique across DefaultPolicyStatements and PolicyStatements', /is already the Sid of/],
  ['a Sid of the generated statements', /is a Sid of the generated statements/],
  ['KeyUsage must suit Spec', /with Spec .*, got/],
  ['rotation only for symmetric keys', /cannot be true with Spec/],
  ['grant operations must suit the key', /is not allowed on a key with Spec/],
  ['grant constraints only on symmetric keys', /encryption context constraints need a symmetric encryption key/],
  ['grant Regions must be Regions of the key', /not a Region of the key/],
  ['replicas need a Region', /needs Region: replicas copy one primary key/],
  ['MultiRegion false excludes replicas', /cannot be false when ReplicaRegions is set/],
  ['an alias belongs to one key', /is the key's own name|an alias targets one key/],
  ['kms: action names a key policy knows', /is not an action a key policy can allow or deny/],
  ['a Deny must not lock the function out', /lock|the function needs|execution role/i],
  ['a principal "*" needs a condition', /principal "\*" \(everyone\)/],
  ['KeyMaterial, CustomKeyStoreIds and XksKeyIds only with their Origin', /needs Origin|is for Origin EXTERNAL_KEY_STORE only/],
  ['what an Origin requires', /is required with Origin|is required: the ARN of the Secrets Manager secret/],
  ['ValidTo is an instant in the future (a clock the schema has not)', /must be an ISO 8601 instant|is in the past/],
  ['imported material and custom key stores by Spec', /cannot be used with Spec|keys must be SYMMETRIC_DEFAULT|KMS rotates imported material on demand only/],
  ['no automatic rotation with imported material or custom key stores', /cannot be true with Origin/],
  ['custom key store keys are single-Region', /keys are single-Region/],
  ['the maps cover the Regions of the key', /names no (custom key store|external key) for/],
  ['Grants on an EXTERNAL key need its material', /KMS refuses CreateGrant on a key pending import/],
];

interface Sample {
  name: string;
  properties: unknown;
}

function corpus(): Sample[] {
  return [
    { name: 'reference (CloudFormation strings)', properties: referenceCfn() },
    { name: 'reference, PascalCase as written', properties: referenceProperties('pascal') },
    { name: 'reference, snake_case (CloudFormation strings)', properties: stringifyScalars(referenceProperties('terraform')) },
    ...hostileCorpus(),
  ];
}

const verdicts = new Map<unknown, { path: string; message: string }[]>();

/** The function's issues with `properties` (none when it accepts them), computed once per sample. */
function functionIssues(properties: unknown): { path: string; message: string }[] {
  const known = verdicts.get(properties);
  if (known !== undefined) return known;
  const issues = parseIssues(properties);
  verdicts.set(properties, issues);
  return issues;
}

function parseIssues(properties: unknown): { path: string; message: string }[] {
  try {
    parseProperties(properties, { accountId: ACCOUNT_ID });
    return [];
  } catch (error) {
    return (error as { issues: { path: string; message: string }[] }).issues;
  }
}

/** `/CustomerMasterKeys/cmk-prod/Tags/0` → `CustomerMasterKeys.cmk-prod.Tags[0]` (the function's spelling of paths). */
function pathOf(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path === '' ? part : `${path}.${part}`), '');
}

/** Paths of one property, in either spelling (the function reports PascalCase, the schema the spelling written), or one inside the other. */
function related(a: string, b: string): boolean {
  const normal = (path: string) => path.replace(/_/g, '').toLowerCase();
  const [x, y] = [normal(a), normal(b)];
  return x === y || x.startsWith(`${y}.`) || x.startsWith(`${y}[`) || y.startsWith(`${x}.`) || y.startsWith(`${x}[`) || x === '' || y === '';
}

const SAMPLES = corpus();

describe('Schema: agreement with the function validator', () => {
  const samples = SAMPLES;

  it('runs a corpus of both kinds', () => {
    const verdicts = samples.map((sample) => functionIssues(sample.properties).length === 0);
    expect(verdicts.filter(Boolean).length).toBeGreaterThanOrEqual(3);
    expect(verdicts.filter((ok) => !ok).length).toBeGreaterThan(150);
  });

  it.each(SAMPLES.map((sample) => [sample.name, sample] as const))('%s', (_, sample) => {
    // Act
    const issues = functionIssues(sample.properties);
    const schemaValid = validate(sample.properties) as boolean;
    const schemaPaths = (validate.errors ?? []).map((error) => pathOf(error.instancePath));

    // Assess
    if (issues.length === 0) {
      expect(validate.errors ?? []).toEqual([]);
    } else if (!schemaValid) {
      expect(issues.some((issue) => schemaPaths.some((path) => related(issue.path, path)))).toBe(true);
    } else {
      const unexplained = issues.filter((issue) => !BEYOND_A_SCHEMA.some(([, message]) => message.test(issue.message)));
      expect(unexplained).toEqual([]);
    }
  });
});
