/**
 * The requests CloudFormation sends a custom resource's function: Create, Update (with
 * `OldResourceProperties` and `PhysicalResourceId`) and Delete (with `PhysicalResourceId`).
 */
import { randomUUID } from 'node:crypto';
import { DriverError } from './errors.ts';
import type { PropertyMap } from './stringify.ts';

export type RequestType = 'Create' | 'Update' | 'Delete';

/** The request fields of CloudFormation's custom resource protocol. */
export interface CustomResourceEvent {
  RequestType: RequestType;
  ServiceToken: string;
  ResponseURL: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  /** Update and Delete only: the ID the resource last answered. */
  PhysicalResourceId?: string;
  ResourceType: string;
  ResourceProperties: PropertyMap;
  /** Update only: the properties before the update. */
  OldResourceProperties?: PropertyMap;
}

/** Which resource of which stack a request is for. */
export interface ResourceAddress {
  stackId: string;
  logicalResourceId: string;
  resourceType: string;
  serviceToken: string;
}

export interface BuildEventInput {
  requestType: RequestType;
  resource: ResourceAddress;
  /** Stringified properties; `ServiceToken` is added when missing, as CloudFormation includes it. */
  properties: PropertyMap;
  /** Required on Update. */
  oldProperties?: PropertyMap;
  /** Required on Update and Delete. */
  physicalResourceId?: string;
  responseUrl: string;
  /** Default: a fresh UUID. */
  requestId?: string;
}

/** Builds one request event; refuses combinations CloudFormation never sends. */
export function buildEvent(input: BuildEventInput): CustomResourceEvent {
  const { requestType, resource } = input;
  if (requestType !== 'Create' && (input.physicalResourceId === undefined || input.physicalResourceId === '')) {
    throw new DriverError(`a ${requestType} request needs the PhysicalResourceId the resource last answered`);
  }
  if (requestType === 'Update' && input.oldProperties === undefined) {
    throw new DriverError('an Update request needs OldResourceProperties');
  }
  const event: CustomResourceEvent = {
    RequestType: requestType,
    ServiceToken: resource.serviceToken,
    ResponseURL: input.responseUrl,
    StackId: resource.stackId,
    RequestId: input.requestId ?? randomUUID(),
    LogicalResourceId: resource.logicalResourceId,
    ResourceType: resource.resourceType,
    ResourceProperties: withServiceToken(input.properties, resource.serviceToken),
  };
  if (requestType !== 'Create') event.PhysicalResourceId = input.physicalResourceId;
  if (requestType === 'Update') event.OldResourceProperties = withServiceToken(input.oldProperties!, resource.serviceToken);
  return event;
}

function withServiceToken(properties: PropertyMap, serviceToken: string): PropertyMap {
  return 'ServiceToken' in properties ? properties : { ServiceToken: serviceToken, ...properties };
}
