/**
 * The resource's properties as CloudFormation would send them to the function of a real stack,
 * resolved with the local driver (local/driver/template.ts): account, Region and stack name from
 * the stack's ARN, `--param`, `--import`, `--ref`/`--get-att` for other resources of the stack.
 * Two differences from a local run: the ServiceToken is never resolved (the plan does not invoke
 * anything, so an `!ImportValue` of another stack's function needs no `--import`), and the role the
 * function runs as (`Role: !GetAtt FunctionRole.Arn` in template.yaml) resolves to the execution
 * role's real ARN, because a generated role name cannot be guessed.
 */
import { CUSTOM_RESOURCE_TYPE, findCustomResources, type Identity, type KnownResource, resolveResource, TemplateError } from '../driver/index.ts';
import type { PropertyMap } from '../driver/stringify.ts';
import type { TemplateMap, TemplateValue } from '../driver/yamlTemplate.ts';

/** A stack's ARN, taken apart. */
export interface StackAddress {
  stackId: string;
  identity: Identity;
  partition: string;
}

const STACK_ARN = /^arn:(aws[a-z-]*):cloudformation:([a-z0-9-]+):(\d{12}):stack\/([A-Za-z][A-Za-z0-9-]*)\/[A-Za-z0-9-]+$/;

/** @throws Error with a one-line message when `stackId` is not a stack ARN */
export function parseStackId(stackId: string): StackAddress {
  const match = STACK_ARN.exec(stackId);
  if (match === null)
    throw new Error(`--stack-id must be a CloudFormation stack ARN (arn:aws:cloudformation:REGION:ACCOUNT:stack/NAME/ID), got ${JSON.stringify(stackId)}`);
  const [, partition, region, accountId, stackName] = match;
  return { stackId, partition: partition!, identity: { accountId: accountId!, region: region!, stackName: stackName! } };
}

export interface ResolveForPlanInput {
  template: TemplateMap;
  stack: StackAddress;
  logicalId?: string;
  parameters: Record<string, string>;
  imports: Record<string, string>;
  refs: Record<string, string>;
  getAtts: Record<string, Record<string, string>>;
  executionRoleArn: string;
}

export interface ResolvedForPlan {
  logicalResourceId: string;
  properties: PropertyMap;
  /** The template resource whose `Arn` was taken as the execution role, if any. */
  executionRoleResource: string | null;
}

/** What the ServiceToken is replaced by: never called, never shown. */
const SERVICE_TOKEN_PLACEHOLDER = 'arn:aws:lambda:us-east-1:000000000000:function:not-invoked-by-the-plan';

/** @throws TemplateError naming the template path */
export function resolveForPlan(input: ResolveForPlanInput): ResolvedForPlan {
  const { template, stack } = input;
  const logicalResourceId = chooseResource(template, input.logicalId);
  const resource = resourcesOf(template)[logicalResourceId] as TemplateMap;
  const properties = isMap(resource.Properties) ? resource.Properties : {};
  const roleResource = executionRoleResourceOf(template, properties.ServiceToken);

  const known: Record<string, KnownResource> = {};
  if (roleResource !== null) {
    known[roleResource] = { ref: input.executionRoleArn.split('/').pop()!, attributes: { Arn: input.executionRoleArn } };
  }
  for (const [id, ref] of Object.entries(input.refs)) known[id] = { ...known[id], ref };
  for (const [id, attributes] of Object.entries(input.getAtts)) known[id] = { ...known[id], attributes: { ...known[id]?.attributes, ...attributes } };

  const withoutToken: TemplateMap = {
    ...template,
    Resources: { ...resourcesOf(template), [logicalResourceId]: { ...resource, Properties: { ...properties, ServiceToken: SERVICE_TOKEN_PLACEHOLDER } } },
  };
  const resolved = resolveResource(withoutToken, {
    identity: stack.identity,
    stackId: stack.stackId,
    logicalId: logicalResourceId,
    parameters: input.parameters,
    imports: input.imports,
    resources: known,
  });
  return { logicalResourceId, properties: resolved.properties, executionRoleResource: roleResource };
}

/**
 * `ServiceToken: !GetAtt Function.Arn` where Function has `Role: !GetAtt Role.Arn` → `Role`: that
 * role's ARN is the function's EXECUTION_ROLE_ARN (template.yaml), so a key policy naming it names
 * the execution role. Null when the function lives elsewhere.
 */
function executionRoleResourceOf(template: TemplateMap, serviceToken: TemplateValue | undefined): string | null {
  const functionId = getAttArnOf(serviceToken);
  if (functionId === null) return null;
  const fn = resourcesOf(template)[functionId];
  if (!isMap(fn) || !isMap(fn.Properties)) return null;
  const roleId = getAttArnOf(fn.Properties.Role);
  const role = roleId === null ? undefined : resourcesOf(template)[roleId];
  return isMap(role) && role.Type === 'AWS::IAM::Role' ? roleId : null;
}

/** The logical ID in `!GetAtt X.Arn` / `{ Fn::GetAtt: [X, Arn] }`, else null. */
function getAttArnOf(value: TemplateValue | undefined): string | null {
  if (!isMap(value)) return null;
  const arg = value['Fn::GetAtt'];
  if (typeof arg === 'string' && arg.endsWith('.Arn')) return arg.slice(0, -'.Arn'.length);
  if (Array.isArray(arg) && arg.length === 2 && arg[1] === 'Arn' && typeof arg[0] === 'string') return arg[0];
  return null;
}

function chooseResource(template: TemplateMap, logicalId: string | undefined): string {
  const candidates = findCustomResources(template);
  if (logicalId !== undefined) {
    if (!candidates.includes(logicalId)) throw new TemplateError(`/Resources/${logicalId}`, `no resource ${logicalId} of type ${CUSTOM_RESOURCE_TYPE}`);
    return logicalId;
  }
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) throw new TemplateError('/Resources', `no resource of type ${CUSTOM_RESOURCE_TYPE}`);
  throw new TemplateError('/Resources', `several resources of type ${CUSTOM_RESOURCE_TYPE} (${candidates.join(', ')}): choose one with --resource`);
}

function resourcesOf(template: TemplateMap): TemplateMap {
  if (!isMap(template.Resources)) throw new TemplateError('/Resources', 'a template needs a Resources map');
  return template.Resources;
}

function isMap(value: TemplateValue | undefined): value is TemplateMap {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);
}
