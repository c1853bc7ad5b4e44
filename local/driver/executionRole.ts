/**
 * The execution role's identity policy as a template deploys it (template.yaml's `FunctionRole`):
 * its inline policies merged into one document, every intrinsic resolved for the driver's account,
 * Region and parameters. The emulator's `--identity-policy` takes it, so the end-to-end tests and
 * the reliability suite authorise every KMS request against the policy that really ships.
 */
import { TemplateError } from './errors.ts';
import { type ResolveResourceOptions, resolveTemplatePart } from './template.ts';
import type { TemplateMap, TemplateValue } from './yamlTemplate.ts';

/** An IAM policy document. */
export interface PolicyDocument {
  Version: string;
  Statement: TemplateValue[];
}

/** The identity policy of role `roleLogicalId` (default `FunctionRole`): the statements of all its inline `Policies`. */
export function executionRolePolicy(
  template: TemplateMap,
  options: Pick<ResolveResourceOptions, 'identity' | 'stackId' | 'parameters'> & { roleLogicalId?: string } = {},
): PolicyDocument {
  const logicalId = options.roleLogicalId ?? 'FunctionRole';
  const path = `/Resources/${logicalId}/Properties/Policies`;
  const resources = template.Resources as TemplateMap | undefined;
  const role = resources?.[logicalId] as TemplateMap | undefined;
  if (role?.Type !== 'AWS::IAM::Role') throw new TemplateError(`/Resources/${logicalId}`, 'is not an AWS::IAM::Role');
  const policies = resolveTemplatePart(template, (role.Properties as TemplateMap | undefined)?.Policies ?? [], path, options);
  if (!Array.isArray(policies)) throw new TemplateError(path, 'must be a list of inline policies');
  const statements = policies.flatMap((policy, i) => {
    const document = (policy as TemplateMap | null)?.PolicyDocument as TemplateMap | undefined;
    const statement = document?.Statement;
    if (!Array.isArray(statement)) throw new TemplateError(`${path}/${i}/PolicyDocument/Statement`, 'must be a list');
    return statement;
  });
  return { Version: '2012-10-17', Statement: statements };
}
