/**
 * Template Parameters and pseudo parameters, resolved the way CloudFormation resolves them at stack
 * creation: a given value overrides the `Default`; list types (`CommaDelimitedList`, `List<…>`) are
 * split on commas with each member space-trimmed; `AllowedValues` is enforced.
 */
import { TemplateError } from './errors.ts';
import { type Identity, partitionOf, urlSuffixOf } from './identity.ts';
import type { TemplateMap } from './yamlTemplate.ts';

/** Resolved values, keyed by parameter name; list-typed parameters are lists. */
export type ParameterValues = Record<string, string | string[]>;

/** Resolves the template's `Parameters` section with `overrides` (name → value as given on a command line). */
export function resolveParameters(template: TemplateMap, overrides: Record<string, string> = {}): ParameterValues {
  const section = template.Parameters ?? {};
  if (section === null || typeof section !== 'object' || Array.isArray(section)) throw new TemplateError('/Parameters', 'must be a map');
  const unknown = Object.keys(overrides).filter((name) => !(name in section));
  if (unknown.length > 0) throw new TemplateError('/Parameters', `Parameters: [${unknown.join(', ')}] do not exist in the template`);
  const values: ParameterValues = {};
  const missing: string[] = [];
  for (const [name, declaration] of Object.entries(section)) {
    const path = `/Parameters/${name}`;
    if (declaration === null || typeof declaration !== 'object' || Array.isArray(declaration)) throw new TemplateError(path, 'must be a map');
    const type = typeof declaration.Type === 'string' ? declaration.Type : 'String';
    const given = overrides[name] ?? declaration.Default;
    if (given === undefined || given === null) {
      missing.push(name);
      continue;
    }
    if (typeof given !== 'string') throw new TemplateError(`${path}/Default`, 'a parameter default must be a scalar');
    const allowed = declaration.AllowedValues;
    if (Array.isArray(allowed) && !allowed.includes(given)) {
      throw new TemplateError(path, `Parameter '${name}' must be one of AllowedValues`);
    }
    if (type === 'Number' && (given.trim() === '' || Number.isNaN(Number(given)))) {
      throw new TemplateError(path, `Parameter '${name}' must be a number`);
    }
    values[name] = isListType(type) ? given.split(',').map((member) => member.trim()) : given;
  }
  if (missing.length > 0) throw new TemplateError('/Parameters', `Parameters: [${missing.join(', ')}] must have values`);
  return values;
}

function isListType(type: string): boolean {
  return type === 'CommaDelimitedList' || type.startsWith('List<');
}

/** `AWS::AccountId`, `AWS::Region`, `AWS::StackName`, `AWS::StackId`, `AWS::Partition`, `AWS::URLSuffix`, `AWS::NotificationARNs`. */
export function pseudoParameters(identity: Identity, stackId: string): ParameterValues {
  return {
    'AWS::AccountId': identity.accountId,
    'AWS::Region': identity.region,
    'AWS::StackName': identity.stackName,
    'AWS::StackId': stackId,
    'AWS::Partition': partitionOf(identity.region),
    'AWS::URLSuffix': urlSuffixOf(identity.region),
    'AWS::NotificationARNs': [],
  };
}
