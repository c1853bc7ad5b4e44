// Generates dist/stackset.yaml, the transform-free CloudFormation template that StackSets deploy
// (StackSets do not run the SAM transform), from template.yaml, so the two never drift:
//
// - `Transform` goes; the `AWS::Serverless::Function` becomes an `AWS::Lambda::Function` whose code
//   comes from a per-Region bucket `${CodeBucketPrefix}-${AWS::Region}` and the key `CodeKey`
//   (Lambda reads code only from a bucket in its own Region); both are new parameters.
// - Every Region name written in a Custom::MultiRegionKmsKeys resource (a key's `Region` and
//   `ReplicaRegions`, `OptInRegions`) becomes a parameter without a default: one stack set serves
//   Organizations whatever their Regions.
// - Outputs that read the custom resource's attributes go: their names hold the Regions of
//   template.yaml's sample. A Region name in `ReturnAttributes` (`KeyArns.us-east-1.cmk-prod`)
//   becomes `*` (`KeyArns.*.cmk-prod`): the same attributes in whatever Regions the parameters give.
// - Properties are found in either spelling (`CustomerMasterKeys` or `customer_master_keys`, …).
// - Everything else (role, log group, logging policy, the custom resource) is copied untouched.
//
// The result is checked: no Transform, no AWS::Serverless type, no 12-digit account id, no Region name.
// Every error names the source template's file and line (`template.yaml:324: …`), never the
// generated file's; `npm run stackset` prints it as one line, without a stack trace.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { isAlias, isMap, isScalar, isSeq, LineCounter, Pair, parseDocument, Scalar, YAMLMap } from 'yaml';

/** CloudFormation's short-form intrinsic functions (`!Ref` → `Ref`, `!Sub` → `Fn::Sub`, …). */
const SHORT_FORMS = {
  Ref: 'Ref',
  Condition: 'Condition',
  Base64: 'Fn::Base64',
  Cidr: 'Fn::Cidr',
  FindInMap: 'Fn::FindInMap',
  GetAtt: 'Fn::GetAtt',
  GetAZs: 'Fn::GetAZs',
  ImportValue: 'Fn::ImportValue',
  Join: 'Fn::Join',
  Length: 'Fn::Length',
  Select: 'Fn::Select',
  Split: 'Fn::Split',
  Sub: 'Fn::Sub',
  ToJsonString: 'Fn::ToJsonString',
  Transform: 'Fn::Transform',
  And: 'Fn::And',
  Equals: 'Fn::Equals',
  If: 'Fn::If',
  Not: 'Fn::Not',
  Or: 'Fn::Or',
};

/**
 * A `yaml` custom-tag schema for the short forms: each tag is accepted on a scalar, a sequence and a
 * map, the node keeps its tag (so a parsed template prints back with its `!Ref`s), and parsing
 * reports no "unresolved tag" warnings.
 */
export const CLOUDFORMATION_TAGS = Object.keys(SHORT_FORMS).flatMap((name) => [
  { tag: `!${name}`, resolve: (value) => value },
  { tag: `!${name}`, collection: 'seq', resolve: (seq) => seq },
  { tag: `!${name}`, collection: 'map', resolve: (map) => map },
]);

const CUSTOM_RESOURCE_TYPE = 'Custom::MultiRegionKmsKeys';
// Same form as lib/regions.ts: `us-east-1`, `us-gov-west-1`, `cn-north-1`, `us-iso-east-1`.
const REGION_PATTERN = '^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d$';
const REGION_NAME = new RegExp(REGION_PATTERN);
const REGION_IN_TEXT = /\b[a-z]{2}(-gov|-iso[a-z]?)?-(north|south|east|west|central|northeast|northwest|southeast|southwest)-\d\b/;
const ACCOUNT_ID_IN_TEXT = /(?<!\d)\d{12}(?!\d)/;
/** SAM function properties with no `AWS::Lambda::Function` counterpart: refused, not dropped silently. */
const SAM_ONLY_PROPERTIES = [
  'AutoPublishAlias',
  'AutoPublishCodeSha256',
  'DeploymentPreference',
  'Events',
  'FunctionUrlConfig',
  'InlineCode',
  'Policies',
  'PermissionsBoundary',
  'ProvisionedConcurrencyConfig',
  'EventInvokeConfig',
];

/** A template the generator cannot convert; the message names the source file and line. */
export class StackSetError extends Error {
  constructor(message) {
    super(message);
    this.name = 'StackSetError';
  }
}

/** Parses CloudFormation YAML (or JSON) keeping short-form tags. Throws on any syntax error. */
export function parseCloudFormationDocument(text, lineCounter) {
  const doc = parseDocument(text, { customTags: CLOUDFORMATION_TAGS, uniqueKeys: true, ...(lineCounter === undefined ? {} : { lineCounter }) });
  if (doc.errors.length > 0) throw new StackSetError(`template is not valid YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
  return doc;
}

/** `CustomerMasterKeys` → `customer_master_keys`: the Terraform spelling the function also reads. */
function snakeCaseOf(name) {
  return name.replace(/(?<=[a-z0-9])([A-Z])/g, '_$1').toLowerCase();
}

/** The value node of `name` in either spelling, with the spelling found; undefined when absent. */
function getEither(map, name) {
  for (const spelling of [name, snakeCaseOf(name)]) if (map.has(spelling)) return { node: map.get(spelling, true), spelling };
  return undefined;
}

/**
 * Template text → plain data in the JSON template shape: short forms become long forms
 * (`!GetAtt A.B.c` → `{ 'Fn::GetAtt': ['A', 'B.c'] }`), scalars keep their YAML types.
 */
export function parseCloudFormation(text) {
  const doc = parseCloudFormationDocument(text);
  return longFormOf(doc.contents, doc);
}

function longFormOf(node, doc) {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return longFormOf(node.resolve(doc), doc);
  let value;
  if (isScalar(node)) value = node.value;
  else if (isSeq(node)) value = node.items.map((item) => longFormOf(item, doc));
  else if (isMap(node))
    value = Object.fromEntries(node.items.map((pair) => [String(isScalar(pair.key) ? pair.key.value : pair.key), longFormOf(pair.value, doc)]));
  else throw new Error('unsupported YAML node');
  const name = typeof node.tag === 'string' && node.tag.startsWith('!') ? node.tag.slice(1) : undefined;
  if (name === undefined) return value;
  const longForm = SHORT_FORMS[name];
  if (longForm === undefined) throw new Error(`unknown tag !${name}`);
  if (longForm === 'Fn::GetAtt' && typeof value === 'string') {
    // The logical ID ends at the first dot; the attribute name may hold dots (`Keys.KeyArns.us-east-1.cmk`).
    const dot = value.indexOf('.');
    return { [longForm]: [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [longForm]: value };
}

/**
 * The StackSets template for a SAM template (text in, text out).
 * @param source the template's file name, for error messages (`template.yaml:12: …`)
 * @throws StackSetError when the SAM template uses something this conversion does not handle
 *   (Globals, a SAM-only property, another `AWS::Serverless` type) or when the result would still
 *   hard-code an account id or a Region name, naming the source file and line
 */
export function stackSetTemplateOf(samTemplate, source = 'template.yaml') {
  const lines = new LineCounter();
  const doc = parseCloudFormationDocument(samTemplate, lines);
  const at = (node) => {
    const offset = node?.range?.[0];
    return offset === undefined ? `${source}: ` : `${source}:${lines.linePos(offset).line}: `;
  };
  try {
    return convert(doc, at, source);
  } catch (error) {
    if (error instanceof StackSetError) throw error;
    throw new StackSetError(`${source}: ${error.message}`);
  }
}

function convert(doc, at, source) {
  if (doc.has('Globals')) throw new StackSetError(`${at(doc.get('Globals', true))}${source} uses Globals: put the properties on the function itself`);
  doc.delete('Transform');
  const resources = doc.get('Resources');
  if (!isMap(resources)) throw new StackSetError(`${source}: no Resources map`);

  const regionParameters = [];
  const customIds = [];
  for (const pair of resources.items) {
    const logicalId = String(pair.key.value ?? pair.key);
    const resource = pair.value;
    const type = resource.get('Type');
    if (type === 'AWS::Serverless::Function') convertFunction(logicalId, resource, at);
    else if (typeof type === 'string' && type.startsWith('AWS::Serverless::')) {
      throw new StackSetError(`${at(pair.key)}${logicalId}: ${type} has no conversion; only AWS::Serverless::Function is supported`);
    } else if (type === CUSTOM_RESOURCE_TYPE) {
      customIds.push(logicalId);
      regionParameters.push(...parameteriseRegions(logicalId, resource.get('Properties')));
    }
  }

  setParameters(
    doc,
    [
      [
        'CodeBucketPrefix',
        {
          Type: 'String',
          Description: 'Code buckets are <prefix>-<region>, one per Region the stack set deploys to (Lambda reads code only from its own Region)',
          AllowedPattern: '^[a-z0-9][a-z0-9.-]*[a-z0-9]$',
        },
      ],
      ['CodeKey', { Type: 'String', Description: 'S3 key of the function zip (index.mjs at its root) in every code bucket' }],
      ...regionParameters,
    ],
    at,
    source,
  );
  dropCustomResourceOutputs(doc, customIds);
  assertPortableSource(doc.contents, at);
  doc.commentBefore =
    ` Generated by build/stackset.mjs from ${basename(source)} (npm run stackset). Do not edit: edit ${basename(source)}.\n` +
    ' Transform-free, for CloudFormation StackSets: see docs/deploy.md.';
  const text = doc.toString({ lineWidth: 0 });
  assertPortable(text, source);
  return text;
}

/** `CodeUri` → `Code` from the per-Region bucket; the type becomes `AWS::Lambda::Function`. */
function convertFunction(logicalId, resource, at) {
  const properties = resource.get('Properties');
  if (!isMap(properties)) throw new StackSetError(`${at(resource)}${logicalId}: the function has no Properties`);
  const converted = new YAMLMap();
  for (const pair of properties.items) {
    const name = String(pair.key.value ?? pair.key);
    if (SAM_ONLY_PROPERTIES.includes(name))
      throw new StackSetError(`${at(pair.key)}${logicalId}: ${name} is SAM-only; the StackSets template cannot express it`);
    if (name === 'CodeUri') {
      const code = new YAMLMap();
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not a JS template
      code.set('S3Bucket', tagged('!Sub', '${CodeBucketPrefix}-${AWS::Region}'));
      code.set('S3Key', tagged('!Ref', 'CodeKey'));
      converted.items.push(new Pair(new Scalar('Code'), code));
    } else converted.items.push(pair);
  }
  if (!converted.has('Code')) throw new StackSetError(`${at(properties)}${logicalId}: the function has no CodeUri`);
  resource.set('Type', 'AWS::Lambda::Function');
  resource.set('Properties', converted);
}

/** Replaces the Region names of one custom resource's properties (either spelling) with parameters; returns them. */
function parameteriseRegions(logicalId, properties) {
  if (!isMap(properties)) return [];
  const parameters = [];
  const optIn = getEither(properties, 'OptInRegions');
  if (optIn !== undefined && isRegionList(optIn.node)) {
    parameters.push(['OptInRegions', listParameter(optIn.node, `OptInRegions of ${logicalId}`)]);
    properties.set(optIn.spelling, tagged('!Ref', 'OptInRegions'));
  }
  generaliseReturnAttributes(properties);
  const keys = getEither(properties, 'CustomerMasterKeys')?.node;
  if (!isMap(keys)) return parameters;
  for (const pair of keys.items) {
    const keyName = String(pair.key.value ?? pair.key);
    const key = pair.value;
    if (!isMap(key)) continue;
    const base = pascalCaseOf(keyName);
    const region = getEither(key, 'Region');
    if (
      region !== undefined &&
      isScalar(region.node) &&
      region.node.tag === undefined &&
      typeof region.node.value === 'string' &&
      REGION_NAME.test(region.node.value)
    ) {
      parameters.push([
        `${base}Region`,
        { Type: 'String', Description: `Region of key ${keyName} (primary, when it has replicas)`, AllowedPattern: REGION_PATTERN },
      ]);
      key.set(region.spelling, tagged('!Ref', `${base}Region`));
    }
    const replicas = getEither(key, 'ReplicaRegions');
    if (replicas !== undefined && isRegionList(replicas.node)) {
      parameters.push([
        `${base}ReplicaRegions`,
        listParameter(replicas.node, `ReplicaRegions of key ${keyName}, comma-separated ("*" = every enabled Region)`),
      ]);
      key.set(replicas.spelling, tagged('!Ref', `${base}ReplicaRegions`));
    }
  }
  return parameters;
}

/**
 * `KeyArns.us-east-1.cmk-prod` → `KeyArns.*.cmk-prod` in `ReturnAttributes`: the Regions are
 * parameters now, so the attributes of the key wherever it is. Globs, not names, are what the
 * function selects with (a wider selection still meets the function's size check before any call).
 */
function generaliseReturnAttributes(properties) {
  const list = getEither(properties, 'ReturnAttributes')?.node;
  if (!isSeq(list)) return;
  for (const item of list.items) {
    if (!isScalar(item) || item.tag !== undefined || typeof item.value !== 'string') continue;
    const segments = item.value.split('.');
    if (segments.some((segment) => REGION_NAME.test(segment))) item.value = segments.map((segment) => (REGION_NAME.test(segment) ? '*' : segment)).join('.');
  }
}

/** A plain list of Region names and `*`, as written in template.yaml. */
function isRegionList(node) {
  return (
    isSeq(node) &&
    node.tag === undefined &&
    node.items.length > 0 &&
    node.items.every(
      (item) => isScalar(item) && item.tag === undefined && typeof item.value === 'string' && (item.value === '*' || REGION_NAME.test(item.value)),
    )
  );
}

/** A CommaDelimitedList parameter; `*` alone stays the default (it names no Region). */
function listParameter(seq, description) {
  const values = seq.items.map((item) => item.value);
  const parameter = { Type: 'CommaDelimitedList', Description: description };
  if (values.every((value) => value === '*')) parameter.Default = '*';
  return parameter;
}

/** `cmk-prod` → `CmkProd` (parameter names are alphanumeric). */
function pascalCaseOf(name) {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

/** New parameters first (they are the ones an operator must supply), then template.yaml's own. */
function setParameters(doc, added, at, source) {
  const existing = doc.get('Parameters');
  const parameters = doc.createNode(Object.fromEntries(added));
  for (const [name] of added) {
    if (isMap(existing) && existing.has(name))
      throw new StackSetError(`${at(existing.get(name, true))}${source} already has a parameter ${name}, which the StackSets template adds`);
  }
  if (isMap(existing)) parameters.items.push(...existing.items);
  if (doc.has('Parameters')) doc.set('Parameters', parameters);
  else insertAfter(doc.contents, 'Description', new Pair(new Scalar('Parameters'), parameters));
}

function insertAfter(map, keyName, pair) {
  const index = map.items.findIndex((item) => String(item.key.value ?? item.key) === keyName);
  map.items.splice(index + 1, 0, pair);
}

/** Outputs reading a custom resource's attributes name template.yaml's Regions: dropped. */
function dropCustomResourceOutputs(doc, customIds) {
  const outputs = doc.get('Outputs');
  if (!isMap(outputs)) return;
  outputs.items = outputs.items.filter((pair) => !readsAttributesOf(longFormOf(pair.value, doc), customIds));
  if (outputs.items.length === 0) doc.delete('Outputs');
}

function readsAttributesOf(value, customIds) {
  if (Array.isArray(value)) return value.some((item) => readsAttributesOf(item, customIds));
  if (value === null || typeof value !== 'object') return false;
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && customIds.includes(getAtt[0])) return true;
  const sub = value['Fn::Sub'];
  if (typeof sub === 'string' && customIds.some((id) => sub.includes(`\${${id}.`))) return true;
  return Object.values(value).some((item) => readsAttributesOf(item, customIds));
}

function tagged(tag, value) {
  const node = new Scalar(value);
  node.tag = tag;
  return node;
}

/**
 * StackSets deploy one template to many accounts and Regions: nothing account- or Region-specific.
 * Checked on the converted document, whose nodes still carry their place in the source, so the
 * error names the line of the user's template; comments are not looked at.
 */
function assertPortableSource(node, at) {
  if (isAlias(node) || node === null || node === undefined) return;
  if (isScalar(node)) {
    if (typeof node.value !== 'string') return;
    const account = ACCOUNT_ID_IN_TEXT.exec(node.value);
    if (account)
      throw new StackSetError(`${at(node)}hard-codes the account id ${account[0]}, which a stack set deploys to every account: use \${AWS::AccountId}`);
    const region = REGION_IN_TEXT.exec(node.value);
    if (region)
      throw new StackSetError(`${at(node)}hard-codes the Region ${region[0]}, which a stack set deploys to every Region: use AWS::Region or a parameter`);
    return;
  }
  if (isSeq(node)) for (const item of node.items) assertPortableSource(item, at);
  if (isMap(node)) {
    for (const pair of node.items) {
      assertPortableSource(pair.key, at);
      assertPortableSource(pair.value, at);
    }
  }
}

/** The generated text, checked again as a whole (what the converter itself added included). */
function assertPortable(text, source) {
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const code = line.replace(/^\s*#.*$/, '');
    const account = ACCOUNT_ID_IN_TEXT.exec(code);
    if (account) throw new StackSetError(`${source}: the StackSets template would hard-code the account id ${account[0]} (generated line ${i + 1})`);
    const region = REGION_IN_TEXT.exec(code);
    if (region) throw new StackSetError(`${source}: the StackSets template would hard-code the Region ${region[0]} (generated line ${i + 1})`);
  });
  const parsed = parseCloudFormation(text);
  if ('Transform' in parsed) throw new StackSetError(`${source}: the StackSets template still has a Transform`);
  for (const [logicalId, resource] of Object.entries(parsed.Resources ?? {})) {
    if (String(resource?.Type).startsWith('AWS::Serverless::'))
      throw new StackSetError(`${source}: the StackSets template still has ${logicalId}: ${resource.Type}`);
  }
}

/**
 * Writes the StackSets template generated from `templatePath`.
 * @returns the path written
 */
export function writeStackSetTemplate(outPath = 'dist/stackset.yaml', templatePath = 'template.yaml') {
  const text = stackSetTemplateOf(readFileSync(templatePath, 'utf8'), templatePath);
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, text);
  return outPath;
}

// `npm run stackset` = `node build/stackset.mjs [out [template]]`: one line on success or failure.
if (process.argv[1]?.endsWith('stackset.mjs')) {
  try {
    console.log(`wrote ${writeStackSetTemplate(process.argv[2], process.argv[3])}`);
  } catch (error) {
    const reason = error instanceof StackSetError ? error.message : error?.code === 'ENOENT' ? `cannot read ${error.path}` : String(error?.message ?? error);
    console.error(`stackset: ${reason}`);
    process.exit(1);
  }
}
