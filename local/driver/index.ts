/**
 * The CloudFormation driver (docs/behaviour.md §10): plays CloudFormation's custom resource protocol against the
 * Lambda bundle — events from a template, the ResponseURL on loopback, a Lambda-like child process,
 * and CloudFormation's checks on every answer.
 */
export { type CheckedAnswer, checkAnswer, MAX_PHYSICAL_RESOURCE_ID_BYTES } from './checks.ts';
export { createStackEventLog, type StackEventLog, type StackEventRecord } from './cloudFormation.ts';
export { createDriver, type DeliverOptions, type Driver, type DriverOptions, type RequestResult } from './driver.ts';
export { DriverError, TemplateError, type TemplateLocation } from './errors.ts';
export { type BuildEventInput, buildEvent, type CustomResourceEvent, type RequestType, type ResourceAddress } from './events.ts';
export { executionRolePolicy, type PolicyDocument } from './executionRole.ts';
export { DEFAULT_IDENTITY, executionRoleArnOf, functionArnOf, type Identity, partitionOf, stackIdOf } from './identity.ts';
export {
  type ChildExit,
  DEFAULT_BUNDLE_PATH,
  DEFAULT_TIMEOUT_MS,
  type Invocation,
  type InvocationOutcome,
  type InvokeOptions,
  invokeHandler,
} from './invoke.ts';
export { type PutFault, type ReceivedPut, type ResponseServer, startResponseServer } from './responseServer.ts';
export type { CrashControl, ScenarioResult } from './scenarios.ts';
export * as scenarios from './scenarios.ts';
export { type RawProperties, Stack } from './stack.ts';
export { type PropertyMap, type PropertyValue, stringifyProperties } from './stringify.ts';
export {
  CUSTOM_RESOURCE_TYPE,
  findCustomResources,
  type KnownResource,
  LOCAL_FUNCTION_LOGICAL_ID,
  loadTemplate,
  locateTemplateError,
  parseTemplate,
  type ResolvedResource,
  type ResolveResourceOptions,
  resolveResource,
} from './template.ts';
export { lineOfPath, type TemplateMap, type TemplateValue } from './yamlTemplate.ts';
