import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { executionRolePolicy, parseTemplate, TemplateError } from '../../local/driver/index.ts';

const template = parseTemplate(readFileSync(join(__dirname, '..', '..', 'template.yaml'), 'utf8'));
const sids = (policy: ReturnType<typeof executionRolePolicy>) => policy.Statement.map((s) => (s as { Sid?: string }).Sid);

describe('Function: executionRolePolicy', () => {
  it("resolves template.yaml's FunctionRole policy for the driver's account, with no intrinsic left", () => {
    // Act
    const policy = executionRolePolicy(template);

    // Assess
    const text = JSON.stringify(policy);
    expect(text).not.toMatch(/Fn::|"Ref"|\$\{/);
    expect(text).toContain('arn:aws:kms:*:111122223333:key/*');
    expect(sids(policy)).toContain('ReplicateOwnedKeys');
    expect(sids(policy)).not.toContain('AdoptExistingKeys');
  });

  it('follows the template parameters (AllowAdoptingExistingKeys adds the adoption statement)', () => {
    // Act & Assess
    expect(sids(executionRolePolicy(template, { parameters: { AllowAdoptingExistingKeys: 'true' } }))).toContain('AdoptExistingKeys');
  });

  it('refuses a logical id that is not a role', () => {
    // Act & Assess
    expect(() => executionRolePolicy(template, { roleLogicalId: 'Function' })).toThrow(TemplateError);
  });
});
