/**
 * template.yaml's function settings (cdk/asset/function.json, written by build/cdkAssets.mjs) and
 * the evaluation of their CloudFormation functions for the values of the template's Parameters:
 * `Ref` of a parameter, `Fn::If` with the template's Conditions (`Fn::Equals`, `Fn::Not`, `Fn::And`,
 * `Fn::Or`, `Condition`), `AWS::NoValue`. Everything else (`Fn::Sub` of pseudo parameters,
 * `Fn::GetAtt` of the template's role, …) is left for CloudFormation or mapped by the caller.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A JSON value of the template. */
export type TemplateJson = string | number | boolean | null | TemplateJson[] | { [key: string]: TemplateJson };

/** One parameter of template.yaml. */
export interface TemplateParameter {
  Type?: string;
  Default?: string | number;
  AllowedValues?: (string | number)[];
  Description?: string;
}

/** The content of cdk/asset/function.json. */
export interface FunctionSettings {
  parameters: Record<string, TemplateParameter>;
  conditions: Record<string, TemplateJson>;
  role: { Description: string; AssumeRolePolicyDocument: TemplateJson; Policies: TemplateJson };
  function: {
    Description: string;
    Handler: string;
    Runtime: string;
    Architectures: string[];
    MemorySize: number;
    Timeout: number;
    Environment?: { Variables?: Record<string, TemplateJson> };
  };
  logGroup: { RetentionInDays: TemplateJson };
  loggingPolicy: { PolicyName: string; PolicyDocument: TemplateJson };
  serviceTimeout: number | string | null;
}

/** The package's asset folder: `asset/` next to `src/` (sources) and `dist/` (the published bundle). */
export function assetDirectory(): string {
  return join(__dirname, '..', 'asset');
}

/** The function bundle's folder (what Lambda runs). */
export function bundleDirectory(): string {
  return join(assetDirectory(), 'function');
}

/** Reads cdk/asset/function.json. */
export function readFunctionSettings(): FunctionSettings {
  const file = join(assetDirectory(), 'function.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as FunctionSettings;
  } catch (error) {
    throw new Error(`${file} is missing or unreadable: run npm run build in the repository (the package carries it): ${(error as Error).message}`);
  }
}

/** The parameter values: `given` over each parameter's Default; unknown names and values outside AllowedValues are errors. */
export function parameterValues(settings: FunctionSettings, given: Record<string, string>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    if (!Object.hasOwn(settings.parameters, name)) {
      throw new Error(`templateParameters.${name}: template.yaml has no such parameter (it has ${Object.keys(settings.parameters).join(', ')})`);
    }
    values[name] = value;
  }
  for (const [name, parameter] of Object.entries(settings.parameters)) {
    values[name] ??= parameter.Default === undefined ? '' : String(parameter.Default);
    const allowed = parameter.AllowedValues?.map(String);
    if (allowed !== undefined && !allowed.includes(values[name])) {
      throw new Error(`templateParameters.${name}: must be one of ${allowed.join(', ')}, got ${JSON.stringify(values[name])}`);
    }
  }
  return values;
}

/** What `evaluate` may read besides the settings. */
export interface EvaluationScope {
  settings: FunctionSettings;
  parameters: Record<string, string>;
  /** Replaces a value the scope maps itself (e.g. `Fn::GetAtt FunctionRole.Arn`); undefined to keep it. */
  map?: (value: { [key: string]: TemplateJson }) => unknown;
}

const REMOVED = Symbol('AWS::NoValue');

/** `value` with every `Ref` of a parameter, `Fn::If` and `AWS::NoValue` evaluated. */
export function evaluate(value: TemplateJson, scope: EvaluationScope): unknown {
  const result = evaluateValue(value, scope);
  return result === REMOVED ? undefined : result;
}

function evaluateValue(value: TemplateJson, scope: EvaluationScope): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => evaluateValue(item, scope)).filter((item) => item !== REMOVED);
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const mapped = scope.map?.(value);
    if (mapped !== undefined) return mapped;
    if (keys[0] === 'Ref') return refOf(String(value.Ref), scope);
    if (keys[0] === 'Fn::If') {
      const [condition, whenTrue, whenFalse] = value['Fn::If'] as [string, TemplateJson, TemplateJson];
      return evaluateValue(conditionOf(condition, scope) ? whenTrue : whenFalse, scope);
    }
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const item = evaluateValue(value[key]!, scope);
    if (item !== REMOVED) out[key] = item;
  }
  return out;
}

function refOf(name: string, scope: EvaluationScope): unknown {
  if (name === 'AWS::NoValue') return REMOVED;
  if (Object.hasOwn(scope.parameters, name)) return scope.parameters[name];
  return { Ref: name };
}

function conditionOf(name: string, scope: EvaluationScope): boolean {
  const definition = scope.settings.conditions[name];
  if (definition === undefined) throw new Error(`template.yaml has no condition ${name}`);
  return truth(definition, scope);
}

function truth(value: TemplateJson, scope: EvaluationScope): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`not a condition: ${JSON.stringify(value)}`);
  const [name, argument] = Object.entries(value)[0]!;
  const list = Array.isArray(argument) ? argument : [argument];
  switch (name) {
    case 'Fn::Equals':
      return String(evaluate(list[0]!, scope)) === String(evaluate(list[1]!, scope));
    case 'Fn::Not':
      return !truth(list[0]!, scope);
    case 'Fn::And':
      return list.every((item) => truth(item, scope));
    case 'Fn::Or':
      return list.some((item) => truth(item, scope));
    case 'Condition':
      return conditionOf(String(argument), scope);
    default:
      throw new Error(`template.yaml's condition function ${name} is not supported by the construct`);
  }
}
