import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildKeyPolicy } from '../../lib/policy/index.ts';
import { parseProperties } from '../../lib/properties/index.ts';
import { canonicalJson } from '../../lib/text/canonicalJson.ts';
import { context } from './fixtures.ts';

describe('Document: docs/key-policy.md (your own statements)', () => {
  it('shows the merged policy the example template gives', () => {
    // Prepare
    const doc = readFileSync(join(__dirname, '../../docs/key-policy.md'), 'utf8');
    const section = doc.slice(doc.indexOf('### Example: an organization-wide Deny and CloudTrail'));
    const template = parse(/```yaml\n([\s\S]*?)\n```/.exec(section)![1]!) as Record<string, unknown>;
    const shown = canonicalJson(JSON.parse(/```json\n([\s\S]*?)\n```/.exec(section)![1]!));

    // Act
    const properties = parseProperties({ AwsAccountId: context.accountId, ...template }, { accountId: context.accountId });
    const policy = buildKeyPolicy(properties.keys[0]!, context);

    // Assess
    expect(shown).toBe(policy);
    expect(doc).toContain(`(${Buffer.byteLength(policy)} bytes)`);
  });
});
