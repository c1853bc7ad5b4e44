/**
 * The exact `ReturnAttributes` list that covers what a template reads, and the size of the answer
 * it gives, computed with the product's own rules: its property parser and desired state, its
 * attribute names (`lib/request/attributes.ts`, with key ids of the real length) and its response-size
 * arithmetic (`lib/request/response.ts`). Used by the preview when an answer would be too large or lacks an
 * attribute the template reads (docs/behaviour.md §7, §13).
 */

import { MAX_RESPONSE_BYTES } from '../../lib/constants.ts';
import { buildDesiredState } from '../../lib/desired/index.ts';
import { ownerOf } from '../../lib/ownership.ts';
import { parseProperties } from '../../lib/properties/index.ts';
import { buildAttributes, placeholderKeyIds } from '../../lib/request/attributes.ts';
import { measureResponseBytes } from '../../lib/request/response.ts';
import type { ResourceContext } from '../../lib/types.ts';

/** What the preview knows of the request, besides the properties. */
export interface SizingInput {
  /** `ResourceProperties` as the event carries them. */
  properties: unknown;
  context: ResourceContext;
  enabledRegions: string[];
  /** A request id of the real length (a UUID). */
  requestId: string;
}

export interface ReturnAttributesAdvice {
  /** Bytes of the answer with the properties' own `ReturnAttributes`. */
  currentBytes: number;
  /** The attributes read by the template that the resource returns, as a `ReturnAttributes` list. */
  covering: string[];
  /** Bytes of the answer with `covering`. */
  coveringBytes: number;
  /** Attributes the template reads that the resource never returns (a typo, a key or Region not in the properties). */
  neverReturned: string[];
  limit: number;
}

/**
 * Sizes the answer for the attributes `reads`. Undefined when the properties are invalid (the
 * answer's Reason already says why).
 */
export function adviseReturnAttributes(input: SizingInput, reads: string[]): ReturnAttributesAdvice | undefined {
  const { context } = input;
  let all: Record<string, string>;
  let selected: Record<string, string>;
  try {
    const properties = parseProperties(input.properties, { accountId: context.accountId });
    const desired = buildDesiredState({ properties, oldProperties: null, enabledRegions: input.enabledRegions, context });
    const keyIds = placeholderKeyIds(desired);
    all = buildAttributes(desired, keyIds, context, ['*']);
    selected = buildAttributes(desired, keyIds, context, properties.returnAttributes);
  } catch {
    return undefined;
  }
  const envelope = {
    Status: 'SUCCESS',
    PhysicalResourceId: ownerOf(context.stackId, context.logicalResourceId).ownerId,
    StackId: context.stackId,
    RequestId: input.requestId,
    LogicalResourceId: context.logicalResourceId,
  } as const;
  const covering = reads.filter((name) => Object.hasOwn(all, name));
  const coveringData = Object.fromEntries(covering.map((name) => [name, all[name]!]));
  return {
    currentBytes: measureResponseBytes(envelope, selected),
    covering,
    coveringBytes: measureResponseBytes(envelope, coveringData),
    neverReturned: reads.filter((name) => !Object.hasOwn(all, name)),
    limit: MAX_RESPONSE_BYTES,
  };
}
