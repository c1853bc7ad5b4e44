/**
 * docs/iam.md's statements table takes its actions column from template.yaml (build/iamDoc.mjs,
 * `npm run iam:generate`): the committed page must be what the generator makes of the template, and
 * every statement of the execution role has its row.
 */
import { readFileSync } from 'node:fs';
import { IAM_DOC_PATH, iamDocWithActions, statementActionsOf, TEMPLATE_PATH } from '../../build/iamDoc.mjs';

describe('Function: iamDocWithActions', () => {
  const template = readFileSync(TEMPLATE_PATH, 'utf8');
  const markdown = readFileSync(IAM_DOC_PATH, 'utf8');

  it("keeps docs/iam.md's actions column what template.yaml grants (npm run iam:generate writes it)", () => {
    expect(markdown).toBe(iamDocWithActions(markdown, template));
  });

  it('reads every statement of the role, both branches of a condition included', () => {
    // Act
    const actions = statementActionsOf(template);

    // Assess
    expect(actions.get('ListKeysAndAliases')).toEqual(['kms:ListAliases', 'kms:ListKeys']);
    expect(actions.get('AdoptExistingKeys')).toContain('kms:CreateGrant');
    expect(actions.get('ReadKeyMaterialSecrets')).toEqual(['secretsmanager:GetSecretValue']);
  });

  it('puts an action added to a statement of the template into its row', () => {
    // Prepare
    const changed = template.replace('                  - kms:RevokeGrant\n', '                  - kms:RevokeGrant\n                  - kms:RetireGrant\n');

    // Act
    const regenerated = iamDocWithActions(markdown, changed);

    // Assess
    expect(changed).not.toBe(template);
    expect(regenerated).toContain('| `ManageOwnedKeyGrants` | `kms:CreateGrant`, `kms:ListGrants`, `kms:RevokeGrant`, `kms:RetireGrant` |');
  });

  it('refuses a statement without a row, and a row without a statement', () => {
    // Prepare
    const withoutRow = markdown
      .split('\n')
      .filter((line) => !line.startsWith('| `ListEnabledRegions` |'))
      .join('\n');
    const extraRow = markdown.replace('| `ListEnabledRegions` |', '| `ListRegionsTwice` |');

    // Assess
    expect(withoutRow).not.toBe(markdown);
    expect(() => iamDocWithActions(withoutRow, template)).toThrow('docs/iam.md has no row for ListEnabledRegions');
    expect(() => iamDocWithActions(extraRow, template)).toThrow('docs/iam.md has a row for ListRegionsTwice');
  });
});
