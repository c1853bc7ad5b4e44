/**
 * A one-resource stack as CloudFormation keeps it: the PhysicalResourceId the resource last
 * answered and the properties it was last given, so each request carries what CloudFormation would
 * send — `OldResourceProperties` on Update, the answered `PhysicalResourceId` on Update and Delete
 * (after a failed Create, the one that Create answered), old and new swapped on a rollback Update.
 */
import type { DeliverOptions, Driver, RequestResult } from './driver.ts';
import type { CustomResourceEvent, RequestType, ResourceAddress } from './events.ts';
import { type PropertyMap, stringifyProperties } from './stringify.ts';
import type { ResolvedResource } from './template.ts';

/** Properties as a caller writes them: stringified here as CloudFormation does. */
export type RawProperties = Record<string, unknown>;

export class Stack {
  readonly driver: Driver;
  readonly resource: ResourceAddress;
  /** The id CloudFormation would send on the next Update/Delete; null before any answer or after Delete. */
  physicalResourceId: string | null = null;
  /** The properties CloudFormation records for the resource; null before Create and after Delete. */
  properties: PropertyMap | null = null;
  /** Old and new properties of the last Update, for its rollback. */
  lastUpdate: { oldProperties: PropertyMap; newProperties: PropertyMap } | null = null;
  /** Every delivery made through this stack, in order. */
  readonly history: RequestResult[] = [];

  constructor(driver: Driver, resource: ResourceAddress) {
    this.driver = driver;
    this.resource = resource;
  }

  /** A stack for a resource resolved from a template. */
  static fromResolved(driver: Driver, resolved: ResolvedResource): Stack {
    return new Stack(driver, {
      stackId: resolved.stackId,
      logicalResourceId: resolved.logicalResourceId,
      resourceType: resolved.resourceType,
      serviceToken: resolved.serviceToken,
    });
  }

  /** Stringifies raw properties and adds `ServiceToken`, as CloudFormation sends them. */
  propertiesOf(raw: RawProperties | PropertyMap): PropertyMap {
    return stringifyProperties({ ServiceToken: this.resource.serviceToken, ...raw });
  }

  /** The event CloudFormation would send next for `requestType` (not delivered). */
  nextEvent(requestType: RequestType, raw?: RawProperties): CustomResourceEvent {
    if (requestType === 'Create') return this.driver.event({ requestType, resource: this.resource, properties: this.propertiesOf(raw ?? {}) });
    const physicalResourceId = this.physicalResourceId ?? undefined;
    if (requestType === 'Delete') {
      return this.driver.event({ requestType, resource: this.resource, properties: this.properties ?? this.propertiesOf({}), physicalResourceId });
    }
    const oldProperties = this.properties ?? undefined;
    return this.driver.event({ requestType, resource: this.resource, properties: this.propertiesOf(raw ?? {}), oldProperties, physicalResourceId });
  }

  async create(raw: RawProperties, options?: DeliverOptions): Promise<RequestResult> {
    return this.deliver(this.nextEvent('Create', raw), options);
  }

  async update(raw: RawProperties, options?: DeliverOptions): Promise<RequestResult> {
    return this.deliver(this.nextEvent('Update', raw), options);
  }

  async delete(options?: DeliverOptions): Promise<RequestResult> {
    return this.deliver(this.nextEvent('Delete'), options);
  }

  /** The rollback of the last Update: back to its old properties, with old and new swapped. */
  async rollbackUpdate(options?: DeliverOptions): Promise<RequestResult> {
    if (this.lastUpdate === null) throw new Error('no Update to roll back');
    const { oldProperties, newProperties } = this.lastUpdate;
    const event = this.driver.event({
      requestType: 'Update',
      resource: this.resource,
      properties: oldProperties,
      oldProperties: newProperties,
      physicalResourceId: this.physicalResourceId ?? undefined,
    });
    return this.deliver(event, options);
  }

  /** Delivers `event` and records its outcome the way CloudFormation's stack state would change. */
  async deliver(event: CustomResourceEvent, options?: DeliverOptions): Promise<RequestResult> {
    const gapMs = this.driver.options.requestGapMs ?? 0;
    if (gapMs > 0 && this.history.length > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    const result = await this.driver.deliver(event, options);
    this.history.push(result);
    this.record(event, result);
    return result;
  }

  private record(event: CustomResourceEvent, result: RequestResult): void {
    switch (event.RequestType) {
      case 'Create':
        // Even a failed Create's id is kept: the rollback's Delete carries it.
        this.physicalResourceId = result.physicalResourceId ?? this.physicalResourceId ?? fallbackPhysicalResourceId(event);
        this.properties = event.ResourceProperties;
        break;
      case 'Update':
        // A failed Update leaves the old properties recorded; either way its rollback is possible.
        this.lastUpdate = { oldProperties: event.OldResourceProperties!, newProperties: event.ResourceProperties };
        if (result.status === 'SUCCESS') this.properties = event.ResourceProperties;
        break;
      case 'Delete':
        if (result.status === 'SUCCESS') {
          this.physicalResourceId = null;
          this.properties = null;
        }
        break;
    }
  }
}

/**
 * When a Create never produced a usable id (no answer, timeout), CloudFormation still sends the
 * rollback's Delete with an id of its own making; the driver makes one from the logical ID.
 */
function fallbackPhysicalResourceId(event: CustomResourceEvent): string {
  return `${event.LogicalResourceId}-${event.RequestId.slice(0, 8)}`;
}
