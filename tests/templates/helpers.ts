/**
 * Shared reading of the templates for tests/templates: both templates parsed with CloudFormation's
 * short-form tags (build/stackset.mjs's schema), the execution role's statements, and the AWS
 * operations the code calls, derived from the imports of `lib/aws/*.ts`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCloudFormation, stackSetTemplateOf } from '../../build/stackset.mjs';
import { KEY_ID_OPERATIONS } from '../../lib/kmsApi.ts';

export const ROOT = join(__dirname, '..', '..');
export const SAM_TEMPLATE_TEXT = readFileSync(join(ROOT, 'template.yaml'), 'utf8');
export const STACKSET_TEMPLATE_TEXT = stackSetTemplateOf(SAM_TEMPLATE_TEXT);

export type Json = Record<string, unknown>;

export function asRecord(value: unknown, what: string): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${what} is not a map`);
  return value as Json;
}

/** The template as plain data in the long (JSON) form. */
export function loadTemplate(text: string): Json {
  return parseCloudFormation(text);
}

export function resourceOf(template: Json, logicalId: string): Json {
  return asRecord(asRecord(template.Resources, 'Resources')[logicalId], `Resources.${logicalId}`);
}

export function propertiesOf(template: Json, logicalId: string): Json {
  return asRecord(resourceOf(template, logicalId).Properties, `${logicalId}.Properties`);
}

/** One IAM policy statement as the template writes it. */
export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/**
 * The execution role's inline statements. A statement under `Fn::If` is included as the condition
 * would resolve: `conditions[name]` (false when not given).
 */
export function roleStatements(template: Json, conditions: Record<string, boolean> = {}): Statement[] {
  const policies = propertiesOf(template, 'FunctionRole').Policies as Json[];
  const statements = policies.flatMap((policy) => asRecord(policy.PolicyDocument, 'PolicyDocument').Statement as unknown[]);
  return statements
    .flatMap((entry): Statement[] => {
      const record = asRecord(entry, 'statement');
      const branch = record['Fn::If'];
      if (!Array.isArray(branch)) return [record as unknown as Statement];
      const [name, whenTrue, whenFalse] = branch as [string, unknown, unknown];
      const chosen = conditions[name] === true ? whenTrue : whenFalse;
      return isNoValue(chosen) ? [] : [asRecord(chosen, 'statement') as unknown as Statement];
    })
    .map((statement) => withConditionResolved(statement, conditions));
}

/** A statement whose `Condition` is an `Fn::If` (CreateReplicaKeys): the branch `conditions` choose; NoValue drops it. */
function withConditionResolved(statement: Statement, conditions: Record<string, boolean>): Statement {
  const branch = (statement.Condition as Json | undefined)?.['Fn::If'];
  if (!Array.isArray(branch)) return statement;
  const [name, whenTrue, whenFalse] = branch as [string, unknown, unknown];
  const chosen = conditions[name] === true ? whenTrue : whenFalse;
  const { Condition: _condition, ...rest } = statement;
  return isNoValue(chosen) ? (rest as Statement) : ({ ...rest, Condition: chosen } as Statement);
}

function isNoValue(value: unknown): boolean {
  return value !== null && typeof value === 'object' && (value as Json).Ref === 'AWS::NoValue';
}

export function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

/** A statement's resources as text (`*`, or the `Fn::Sub` pattern). */
export function resourcesOf(statement: Statement): string[] {
  const list = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
  return list.map((resource) => {
    if (typeof resource === 'string') return resource;
    const sub = asRecord(resource, 'Resource')['Fn::Sub'];
    if (typeof sub === 'string') return sub;
    return JSON.stringify(resource);
  });
}

/** The IAM service prefix of each SDK client package the product may import. */
const SERVICE_OF_PACKAGE: Record<string, string> = {
  '@aws-sdk/client-kms': 'kms',
  '@aws-sdk/client-account': 'account',
  '@aws-sdk/client-resource-groups-tagging-api': 'tag',
  '@aws-sdk/client-secrets-manager': 'secretsmanager',
  '@aws-sdk/client-cloudformation': 'cloudformation',
};

/**
 * Every AWS action the code calls, from the `XxxCommand` names `lib/aws/*.ts` imports
 * (`import { CreateKeyCommand } from '@aws-sdk/client-kms'` → `kms:CreateKey`). Type-only imports
 * (`type ListRegionsCommandOutput`) are not calls. A namespace import sends commands by name
 * (`lib/aws/kmsSend.ts`, the `KmsSender`): each operation a file of lib/aws names to a sender,
 * `kms.send('CreateKey', …)` (also `run`, `list`), is a call. A client package not in the table is
 * an error: a new service needs its IAM reviewed.
 */
export function actionsCalledByCode(): { actions: Set<string>; unknownPackages: string[] } {
  const dir = join(ROOT, 'lib', 'aws');
  const actions = new Set<string>();
  const unknownPackages: string[] = [];
  const importPattern = /import\s*(type\s*)?\{([^}]*)\}\s*from\s*'(@aws-sdk\/client-[a-z0-9-]+)'/g;
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts'))) {
    const source = readFileSync(join(dir, file), 'utf8');
    for (const match of source.matchAll(importPattern)) {
      const [, typeOnly, specifiers, pkg] = match;
      const service = SERVICE_OF_PACKAGE[pkg!];
      if (service === undefined) {
        unknownPackages.push(`${file}: ${pkg}`);
        continue;
      }
      if (typeOnly) continue;
      for (const raw of specifiers!.split(',')) {
        const specifier = raw.trim();
        if (specifier === '' || specifier.startsWith('type ')) continue;
        const name = specifier.split(/\s+as\s+/)[0]!;
        if (name.endsWith('Command')) actions.add(`${service}:${name.slice(0, -'Command'.length)}`);
      }
    }
    for (const [, pkg] of source.matchAll(/import\s*\*\s*as\s*\w+\s*from\s*'(@aws-sdk\/client-[a-z0-9-]+)'/g)) {
      const service = SERVICE_OF_PACKAGE[pkg!];
      if (service === undefined) {
        unknownPackages.push(`${file}: ${pkg}`);
        continue;
      }
      for (const name of sentByName(dir)) actions.add(`${service}:${name}`);
    }
  }
  return { actions, unknownPackages };
}

/**
 * The operations the files of `dir` send through a `KmsSender` by name: `send('CreateKey', …)`,
 * `run(…)`, `list(…)`, as `kms.send` or destructured; and those of lib/kmsApi.ts's
 * `KEY_ID_OPERATIONS` when a file sends that table's operations.
 */
function sentByName(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.ts'))
    .flatMap((file) => {
      const source = readFileSync(join(dir, file), 'utf8');
      const named = [...source.matchAll(/\b(?:send|run|list)\('([A-Z]\w+)'/g)].map((m) => m[1]!);
      return /\bKEY_ID_OPERATIONS\b/.test(source) ? [...named, ...Object.values(KEY_ID_OPERATIONS)] : named;
    });
}
