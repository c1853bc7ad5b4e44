/**
 * `DeletionPolicy` and `UpdateReplacePolicy` of the resource, and what they mean for the preview:
 * with `Retain` (or `RetainExceptOnCreate`, after a successful Create) CloudFormation never sends
 * Delete when the stack is deleted or the resource leaves the template, so the keys stay.
 */
import type { TemplateMap } from '../driver/yamlTemplate.ts';

const RETAINING = new Set(['Retain', 'RetainExceptOnCreate']);

export interface ResourcePolicies {
  deletionPolicy: string;
  updateReplacePolicy: string;
}

/** The resource's policies as written (`Delete` when absent, CloudFormation's default). */
export function resourcePoliciesOf(template: TemplateMap, logicalId: string): ResourcePolicies {
  const resources = template.Resources;
  const resource = resources !== null && typeof resources === 'object' && !Array.isArray(resources) ? resources[logicalId] : undefined;
  const read = (name: string) => {
    const value = resource !== null && typeof resource === 'object' && !Array.isArray(resource) ? resource?.[name] : undefined;
    return typeof value === 'string' ? value : 'Delete';
  };
  return { deletionPolicy: read('DeletionPolicy'), updateReplacePolicy: read('UpdateReplacePolicy') };
}

/** True when CloudFormation would not send Delete for a stack deletion. */
export function retainsOnDelete(policies: ResourcePolicies): boolean {
  return RETAINING.has(policies.deletionPolicy);
}

/** What the preview says about `UpdateReplacePolicy`, or undefined when it is the default. */
export function updateReplaceNote(policies: ResourcePolicies): string | undefined {
  if (!RETAINING.has(policies.updateReplacePolicy)) return undefined;
  return (
    `   UpdateReplacePolicy: ${policies.updateReplacePolicy}: had an Update replaced the resource (a new PhysicalResourceId), CloudFormation would not ` +
    'send Delete for the old one; this product keeps its PhysicalResourceId on every Update, so no replacement Delete is ever sent.'
  );
}
