/**
 * Resolves CloudFormation intrinsic functions inside a parsed template value: `Ref`, `Fn::Sub`
 * (both forms), `Fn::GetAtt`, `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::If` with the template's
 * Conditions (`Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not`, `Condition`), `Fn::FindInMap`,
 * `Fn::Base64`, `Fn::GetAZs`, `Fn::ImportValue` (from the exports given in the scope) and
 * `AWS::NoValue`. Anything else is a `TemplateError` naming the path:
 * the driver must never send an event CloudFormation itself would not have sent.
 */
import { TemplateError } from './errors.ts';
import type { TemplateMap, TemplateValue } from './yamlTemplate.ts';

/** What `Ref` and `Fn::GetAtt` can see besides the template's own Parameters and Mappings. */
export interface ResolveScope {
  template: TemplateMap;
  /** Resolved parameter values (list parameters as lists) and pseudo parameters (`AWS::Region`, …). */
  refs: Record<string, string | string[]>;
  /** `Ref` of a resource of the template: its physical ID (a function's name, …). */
  refOfResource(logicalId: string, path: string): string;
  /** `Fn::GetAtt` of a resource of the template. */
  getAtt(logicalId: string, attribute: string, path: string): string;
  region: string;
  /** Export name → value, for `Fn::ImportValue` (another stack's Outputs); absent = no exports known. */
  imports?: Record<string, string>;
}

/** The value `Ref: AWS::NoValue` stands for: the enclosing property is removed. */
const NO_VALUE = undefined;

/** Resolves every intrinsic function in `value`; `undefined` means `AWS::NoValue`. */
export function resolveValue(value: TemplateValue, scope: ResolveScope, path: string): TemplateValue | undefined {
  if (value === null || typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const out: TemplateValue[] = [];
    value.forEach((item, i) => {
      const resolved = resolveValue(item, scope, `${path}/${i}`);
      if (resolved !== NO_VALUE) out.push(resolved);
    });
    return out;
  }
  const keys = Object.keys(value);
  if (keys.length === 1 && isFunctionName(keys[0]!)) return resolveFunction(keys[0]!, value[keys[0]!]!, scope, `${path}/${keys[0]}`);
  const out: TemplateMap = {};
  for (const key of keys) {
    const resolved = resolveValue(value[key]!, scope, `${path}/${key}`);
    if (resolved !== NO_VALUE) out[key] = resolved;
  }
  return out;
}

function isFunctionName(key: string): boolean {
  return key === 'Ref' || key.startsWith('Fn::');
}

function resolveFunction(name: string, arg: TemplateValue, scope: ResolveScope, path: string): TemplateValue | undefined {
  switch (name) {
    case 'Ref':
      return resolveRef(expectString(resolveValue(arg, scope, path), path, 'Ref'), scope, path);
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = expectStrings(resolveValue(arg, scope, path), path, name, 2);
      return scope.getAtt(logicalId!, attribute!, path);
    }
    case 'Fn::Sub':
      return resolveSub(arg, scope, path);
    case 'Fn::Join': {
      const [delimiter, list] = expectList(arg, path, name, 2);
      const items = resolveValue(list!, scope, `${path}/1`);
      return expectStrings(items, `${path}/1`, name).join(expectString(resolveValue(delimiter!, scope, `${path}/0`), path, name));
    }
    case 'Fn::Select': {
      const [indexArg, listArg] = expectList(arg, path, name, 2);
      const index = Number(expectString(resolveValue(indexArg!, scope, `${path}/0`), path, name));
      const list = resolveValue(listArg!, scope, `${path}/1`);
      if (!Array.isArray(list)) throw new TemplateError(path, 'Fn::Select expects a list');
      if (!Number.isInteger(index) || index < 0 || index >= list.length) throw new TemplateError(path, `Fn::Select index ${index} is out of bounds`);
      return list[index]!;
    }
    case 'Fn::Split': {
      const [delimiter, source] = expectStrings(resolveValue(arg, scope, path), path, name, 2);
      return source!.split(delimiter!);
    }
    case 'Fn::If': {
      const [condition, whenTrue, whenFalse] = expectList(arg, path, name, 3);
      const chosen = evaluateCondition(expectString(condition!, path, name), scope, path) ? whenTrue! : whenFalse!;
      return resolveValue(chosen, scope, path);
    }
    case 'Fn::FindInMap': {
      const [mapName, top, second] = expectStrings(resolveValue(arg, scope, path), path, name, 3);
      const found = lookup(scope.template, ['Mappings', mapName!, top!, second!]);
      if (found === undefined) throw new TemplateError(path, `Fn::FindInMap: no Mappings.${mapName}.${top}.${second}`);
      return resolveValue(found, scope, path);
    }
    case 'Fn::Base64':
      return Buffer.from(expectString(resolveValue(arg, scope, path), path, name), 'utf8').toString('base64');
    case 'Fn::GetAZs': {
      const region = expectString(resolveValue(arg, scope, path), path, name) || scope.region;
      return ['a', 'b', 'c'].map((zone) => `${region}${zone}`);
    }
    case 'Fn::ImportValue': {
      const exportName = expectString(resolveValue(arg, scope, path), path, name);
      const value = scope.imports?.[exportName];
      if (value === undefined) throw new TemplateError(path, `Fn::ImportValue ${exportName}: no such export given (pass --import ${exportName}=VALUE)`);
      return value;
    }
    default:
      throw new TemplateError(path, `${name} is not supported by the local driver`);
  }
}

function resolveRef(name: string, scope: ResolveScope, path: string): TemplateValue | undefined {
  if (name === 'AWS::NoValue') return NO_VALUE;
  const known = scope.refs[name];
  if (known !== undefined) return known;
  const resources = scope.template.Resources;
  if (resources !== null && typeof resources === 'object' && !Array.isArray(resources) && name in resources) return scope.refOfResource(name, path);
  throw new TemplateError(path, `Ref to ${name}: no such parameter, pseudo parameter or resource`);
}

/** `Fn::Sub`: `${Name}` is a Ref, `${Res.Attr}` a GetAtt, `${!Text}` the literal `${Text}`. */
function resolveSub(arg: TemplateValue, scope: ResolveScope, path: string): string {
  let text: TemplateValue;
  let variables: Record<string, string> = {};
  if (Array.isArray(arg)) {
    const [first, vars] = expectList(arg, path, 'Fn::Sub', 2);
    text = first!;
    if (vars === null || typeof vars !== 'object' || Array.isArray(vars)) throw new TemplateError(path, 'Fn::Sub variables must be a map');
    variables = Object.fromEntries(
      Object.entries(vars).map(([k, v]) => [k, expectString(resolveValue(v, scope, `${path}/1/${k}`), `${path}/1/${k}`, 'Fn::Sub')]),
    );
  } else {
    text = arg;
  }
  const template = expectString(text, path, 'Fn::Sub');
  return template.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
    if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
    const name = inner.trim();
    const variable = variables[name];
    if (variable !== undefined) return variable;
    if (name in scope.refs || name === 'AWS::NoValue' || !name.includes('.')) {
      const value = resolveRef(name, scope, path);
      if (typeof value !== 'string') throw new TemplateError(path, `Fn::Sub: ${whole} does not resolve to a string`);
      return value;
    }
    const [logicalId, attribute] = [name.slice(0, name.indexOf('.')), name.slice(name.indexOf('.') + 1)];
    return scope.getAtt(logicalId, attribute, path);
  });
}

/** Evaluates a named condition of the template's `Conditions`. */
export function evaluateCondition(name: string, scope: ResolveScope, path: string, seen: string[] = []): boolean {
  if (seen.includes(name)) throw new TemplateError(path, `circular condition ${[...seen, name].join(' → ')}`);
  const expression = lookup(scope.template, ['Conditions', name]);
  if (expression === undefined) throw new TemplateError(path, `no condition named ${name}`);
  return evaluateExpression(expression, scope, `/Conditions/${name}`, [...seen, name]);
}

function evaluateExpression(expression: TemplateValue, scope: ResolveScope, path: string, seen: string[]): boolean {
  if (expression === null || typeof expression !== 'object' || Array.isArray(expression) || Object.keys(expression).length !== 1) {
    throw new TemplateError(path, 'a condition must be one of Fn::Equals, Fn::And, Fn::Or, Fn::Not, Condition');
  }
  const [name, arg] = Object.entries(expression)[0]!;
  const fnPath = `${path}/${name}`;
  switch (name) {
    case 'Condition':
      return evaluateCondition(expectString(arg, fnPath, name), scope, fnPath, seen);
    case 'Fn::Equals': {
      const [a, b] = expectList(arg, fnPath, name, 2).map((v, i) => resolveValue(v, scope, `${fnPath}/${i}`));
      return JSON.stringify(a) === JSON.stringify(b);
    }
    case 'Fn::Not':
      return !evaluateExpression(expectList(arg, fnPath, name, 1)[0]!, scope, fnPath, seen);
    case 'Fn::And':
      return expectList(arg, fnPath, name).every((c, i) => evaluateExpression(c, scope, `${fnPath}/${i}`, seen));
    case 'Fn::Or':
      return expectList(arg, fnPath, name).some((c, i) => evaluateExpression(c, scope, `${fnPath}/${i}`, seen));
    default:
      throw new TemplateError(fnPath, `${name} is not a condition function`);
  }
}

function lookup(root: TemplateValue, keys: string[]): TemplateValue | undefined {
  let current: TemplateValue | undefined = root;
  for (const key of keys) {
    if (current === null || current === undefined || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = current[key];
  }
  return current;
}

function expectString(value: TemplateValue | undefined, path: string, fn: string): string {
  if (typeof value !== 'string') throw new TemplateError(path, `${fn} expects a string here`);
  return value;
}

function expectList(value: TemplateValue | undefined, path: string, fn: string, length?: number): TemplateValue[] {
  if (!Array.isArray(value) || (length !== undefined && value.length !== length)) {
    throw new TemplateError(path, `${fn} expects a list${length === undefined ? '' : ` of ${length}`}`);
  }
  return value;
}

function expectStrings(value: TemplateValue | undefined, path: string, fn: string, length?: number): string[] {
  const list = expectList(value, path, fn, length);
  return list.map((item) => expectString(item, path, fn));
}
