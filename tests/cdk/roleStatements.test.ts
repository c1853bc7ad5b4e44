/**
 * One source of the execution role: the construct's default function gets template.yaml's
 * FunctionRole statements, for every value of the parameters that choose statements. Both templates
 * are resolved by the local driver for the same account and Region and compared whole.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MultiRegionKmsKeys } from '../../cdk/src/index.ts';
import { executionRolePolicy } from '../../local/driver/executionRole.ts';
import { parseTemplate } from '../../local/driver/template.ts';
import type { TemplateMap } from '../../local/driver/yamlTemplate.ts';

const SAM = parseTemplate(readFileSync(join(__dirname, '..', '..', 'template.yaml'), 'utf8'));

function constructTemplate(allowAdoptingExistingKeys: boolean): { template: TemplateMap; roleLogicalId: string } {
  const stack = new Stack(new App(), 'Keys', { env: { account: '111122223333', region: 'us-east-1' } });
  new MultiRegionKmsKeys(stack, 'Keys', { customerMasterKeys: {}, providerProps: { allowAdoptingExistingKeys } });
  const template = Template.fromStack(stack).toJSON() as TemplateMap;
  const roleLogicalId = Object.keys(template.Resources as TemplateMap).find((id) => id.startsWith('MultiRegionKmsKeysProviderFunctionRole'))!;
  return { template, roleLogicalId };
}

describe('Construct: the execution role comes from template.yaml', () => {
  it.each([false, true])('has exactly template.yaml FunctionRole statements with AllowAdoptingExistingKeys=%s', (allow) => {
    // Prepare
    const { template, roleLogicalId } = constructTemplate(allow);

    // Act
    const fromConstruct = executionRolePolicy(template, { roleLogicalId });
    const fromSam = executionRolePolicy(SAM, { parameters: { AllowAdoptingExistingKeys: String(allow) } });

    // Assess
    expect(fromConstruct).toEqual(fromSam);
    expect(fromSam.Statement.length).toBeGreaterThan(10);
  });
});
