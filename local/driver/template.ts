/**
 * Finds a `Custom::MultiRegionKmsKeys` resource in a SAM/CloudFormation template and resolves its
 * properties into the `ResourceProperties` CloudFormation would send: Parameters (defaults and
 * overrides), pseudo parameters, intrinsic functions, `!GetAtt Function.Arn` for `ServiceToken`
 * (a function ARN in the driver's account and Region), then CloudFormation's stringification.
 */
import { readFile } from 'node:fs/promises';
import { TemplateError } from './errors.ts';
import { DEFAULT_IDENTITY, functionArnOf, functionNameOfArn, generatedFunctionName, type Identity, partitionOf, stackIdOf } from './identity.ts';
import { evaluateCondition, type ResolveScope, resolveValue } from './intrinsics.ts';
import { type ParameterValues, pseudoParameters, resolveParameters } from './parameters.ts';
import { type PropertyMap, type StringifyOptions, stringifyProperty } from './stringify.ts';
import { lineOfPath, parseTemplateText, type TemplateMap, type TemplateValue } from './yamlTemplate.ts';

/** The resource type this project implements. */
export const CUSTOM_RESOURCE_TYPE = 'Custom::MultiRegionKmsKeys';

/** What the driver knows about a resource it does not simulate (for `Ref` / `Fn::GetAtt` of it). */
export interface KnownResource {
  ref?: string;
  attributes?: Record<string, string>;
}

export interface ResolveResourceOptions extends StringifyOptions {
  /** Account, Region, stack name; missing fields take `DEFAULT_IDENTITY`'s. */
  identity?: Partial<Identity>;
  /** Defaults to the stable StackId of the identity. */
  stackId?: string;
  /** Which resource (`--resource`); required when the template has several of `resourceType`. */
  logicalId?: string;
  /** Default `Custom::MultiRegionKmsKeys`. */
  resourceType?: string;
  /** Parameter overrides, name → value. */
  parameters?: Record<string, string>;
  /** Physical IDs and attributes of other resources the properties refer to. */
  resources?: Record<string, KnownResource>;
  /** Exports of other stacks for `Fn::ImportValue`, name → value. */
  imports?: Record<string, string>;
  /**
   * A `ServiceToken` that cannot be resolved (an `!ImportValue` of the function's stack, …) is
   * irrelevant locally, where the driver invokes the bundle itself: when true it is replaced by a
   * function ARN in the driver's account instead of being an error.
   */
  localServiceToken?: boolean;
}

/** A resource ready to become events. */
export interface ResolvedResource {
  logicalResourceId: string;
  resourceType: string;
  serviceToken: string;
  /** The function name inside the ServiceToken ARN (for the Lambda context). */
  functionName: string;
  /** Stringified, `ServiceToken` included, as in `ResourceProperties`. */
  properties: PropertyMap;
  identity: Identity;
  stackId: string;
  parameters: ParameterValues;
  /** Set when the template's ServiceToken could not be resolved and a local stand-in is used: why. */
  serviceTokenStandIn?: string;
}

/** The function name a local stand-in ServiceToken points at. */
export const LOCAL_FUNCTION_LOGICAL_ID = 'Function';

/** Reads and parses a template file; a `TemplateError` names the file and the line. */
export async function loadTemplate(file: string): Promise<TemplateMap> {
  const text = await readFile(file, 'utf8');
  try {
    return parseTemplateText(text);
  } catch (error) {
    throw error instanceof TemplateError ? locateTemplateError(error, file, text) : error;
  }
}

/** The error with the file and the line of its path in `text` (when the path is in the text). */
export function locateTemplateError(error: TemplateError, file: string, text: string): TemplateError {
  return error.at({ file, ...(error.location.line === undefined ? { line: lineOfPath(text, error.path) } : {}) });
}

/** Parses template text (YAML with short-form tags, or JSON). */
export function parseTemplate(text: string): TemplateMap {
  return parseTemplateText(text);
}

/** Logical IDs of the resources of `resourceType`, in template order. */
export function findCustomResources(template: TemplateMap, resourceType = CUSTOM_RESOURCE_TYPE): string[] {
  return Object.entries(resourcesOf(template))
    .filter(([, resource]) => isMap(resource) && resource.Type === resourceType)
    .map(([logicalId]) => logicalId);
}

/** Resolves one custom resource of the template into what CloudFormation would send. */
export function resolveResource(template: TemplateMap, options: ResolveResourceOptions = {}): ResolvedResource {
  const identity: Identity = { ...DEFAULT_IDENTITY, ...options.identity };
  const stackId = options.stackId ?? stackIdOf(identity);
  const resourceType = options.resourceType ?? CUSTOM_RESOURCE_TYPE;
  const logicalResourceId = chooseResource(template, resourceType, options.logicalId);
  const parameters = resolveParameters(template, options.parameters);
  const scope = scopeOf(template, identity, stackId, parameters, options.resources ?? {}, options.imports);
  const path = `/Resources/${logicalResourceId}`;
  const resource = resourcesOf(template)[logicalResourceId] as TemplateMap;
  if (typeof resource.Condition === 'string' && !evaluateCondition(resource.Condition, scope, `${path}/Condition`)) {
    throw new TemplateError(`${path}/Condition`, `condition ${resource.Condition} is false: the resource would not be created`);
  }
  const written = resource.Properties ?? {};
  const { ServiceToken: tokenWritten, ...rest } = isMap(written) ? written : {};
  const resolved = resolveValue(isMap(written) ? rest : written, scope, `${path}/Properties`);
  if (!isMap(resolved)) throw new TemplateError(`${path}/Properties`, 'must be a map');
  const token = resolveServiceToken(tokenWritten, scope, `${path}/Properties/ServiceToken`, options.localServiceToken === true, identity);
  const properties = stringifyProperty(
    token.value === undefined ? resolved : { ServiceToken: token.value, ...resolved },
    `${path}/Properties`,
    options,
  ) as PropertyMap;
  const serviceToken = properties.ServiceToken;
  if (typeof serviceToken !== 'string' || serviceToken === '') {
    throw new TemplateError(`${path}/Properties/ServiceToken`, 'a custom resource needs a ServiceToken (e.g. !GetAtt Function.Arn)');
  }
  return {
    logicalResourceId,
    resourceType,
    serviceToken,
    functionName: functionNameOfArn(serviceToken),
    properties,
    identity,
    stackId,
    parameters,
    ...(token.standIn === undefined ? {} : { serviceTokenStandIn: token.standIn }),
  };
}

/** The ServiceToken, or (with `local`) a stand-in function ARN when it cannot be resolved here. */
function resolveServiceToken(
  written: TemplateValue | undefined,
  scope: ResolveScope,
  path: string,
  local: boolean,
  identity: Identity,
): { value: TemplateValue | undefined; standIn?: string } {
  // `AWS::NoValue` (undefined) or absent: the caller reports the missing token.
  if (written === undefined) return { value: undefined };
  try {
    return { value: resolveValue(written, scope, path) };
  } catch (error) {
    if (!local || !(error instanceof TemplateError)) throw error;
    const standIn = functionArnOf(identity, generatedFunctionName(identity.stackName, LOCAL_FUNCTION_LOGICAL_ID));
    return { value: standIn, standIn: error.message };
  }
}

/**
 * Resolves one part of `template` (found at `path`, e.g. a resource's Properties) as CloudFormation
 * would for the stack of `options`; `undefined` means `AWS::NoValue`.
 */
export function resolveTemplatePart(
  template: TemplateMap,
  value: TemplateValue,
  path: string,
  options: Pick<ResolveResourceOptions, 'identity' | 'stackId' | 'parameters' | 'resources'> = {},
): TemplateValue | undefined {
  const identity: Identity = { ...DEFAULT_IDENTITY, ...options.identity };
  const scope = scopeOf(template, identity, options.stackId ?? stackIdOf(identity), resolveParameters(template, options.parameters), options.resources ?? {});
  return resolveValue(value, scope, path);
}

function chooseResource(template: TemplateMap, resourceType: string, logicalId: string | undefined): string {
  const candidates = findCustomResources(template, resourceType);
  if (logicalId !== undefined) {
    if (!candidates.includes(logicalId)) throw new TemplateError(`/Resources/${logicalId}`, `no resource ${logicalId} of type ${resourceType}`);
    return logicalId;
  }
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) throw new TemplateError('/Resources', `no resource of type ${resourceType}`);
  throw new TemplateError('/Resources', `several resources of type ${resourceType} (${candidates.join(', ')}): choose one with --resource`);
}

function scopeOf(
  template: TemplateMap,
  identity: Identity,
  stackId: string,
  parameters: ParameterValues,
  known: Record<string, KnownResource>,
  imports?: Record<string, string>,
): ResolveScope {
  const scope: ResolveScope = {
    template,
    imports,
    refs: { ...parameters, ...pseudoParameters(identity, stackId) },
    region: identity.region,
    refOfResource: (logicalId, path) => {
      const resource = resourcesOf(template)[logicalId] as TemplateMap;
      const given = known[logicalId]?.ref;
      if (given !== undefined) return given;
      if (isFunction(resource)) return functionNameOf(logicalId, resource, scope, identity);
      if (resource.Type === 'AWS::IAM::Role') return namedOrGenerated(resource, 'RoleName', logicalId, scope, identity);
      throw new TemplateError(path, `Ref ${logicalId}: the local driver does not know the physical ID of a ${String(resource.Type)}; pass it in resources`);
    },
    getAtt: (logicalId, attribute, path) => {
      const resource = resourcesOf(template)[logicalId];
      if (!isMap(resource)) throw new TemplateError(path, `Fn::GetAtt ${logicalId}.${attribute}: no resource ${logicalId}`);
      const given = known[logicalId]?.attributes?.[attribute];
      if (given !== undefined) return given;
      if (isFunction(resource) && attribute === 'Arn') return functionArnOf(identity, functionNameOf(logicalId, resource, scope, identity));
      if (resource.Type === 'AWS::IAM::Role' && attribute === 'Arn') {
        const rolePath =
          typeof resource.Properties === 'object' && isMap(resource.Properties) && typeof resource.Properties.Path === 'string'
            ? resource.Properties.Path
            : '/';
        return `arn:${partitionOf(identity.region)}:iam::${identity.accountId}:role${rolePath}${namedOrGenerated(resource, 'RoleName', logicalId, scope, identity)}`;
      }
      throw new TemplateError(path, `Fn::GetAtt ${logicalId}.${attribute} is not known to the local driver; pass it in resources`);
    },
  };
  return scope;
}

function isFunction(resource: TemplateMap): boolean {
  return resource.Type === 'AWS::Serverless::Function' || resource.Type === 'AWS::Lambda::Function';
}

function functionNameOf(logicalId: string, resource: TemplateMap, scope: ResolveScope, identity: Identity): string {
  return namedOrGenerated(resource, 'FunctionName', logicalId, scope, identity);
}

/** The resource's explicit name property, or the `<stack>-<logicalId>-<suffix>` CloudFormation generates. */
function namedOrGenerated(resource: TemplateMap, nameProperty: string, logicalId: string, scope: ResolveScope, identity: Identity): string {
  const properties = resource.Properties;
  const named: TemplateValue | undefined = isMap(properties) ? properties[nameProperty] : undefined;
  if (named !== undefined && named !== null) {
    const value = resolveValue(named, scope, `/Resources/${logicalId}/Properties/${nameProperty}`);
    if (typeof value === 'string') return value;
  }
  return generatedFunctionName(identity.stackName, logicalId);
}

function resourcesOf(template: TemplateMap): TemplateMap {
  const resources = template.Resources;
  if (!isMap(resources)) throw new TemplateError('/Resources', 'a template needs a Resources map');
  return resources;
}

function isMap(value: TemplateValue | undefined): value is TemplateMap {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);
}
