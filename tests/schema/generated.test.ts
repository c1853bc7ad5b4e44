/**
 * The schema is the one source of the construct's prop types and of docs/reference.md's property
 * tables: both files must be what build/schemaArtifacts.mjs makes of it, and every PascalCase
 * property has its snake_case twin.
 */
import { readFileSync } from 'node:fs';
import { PROPS_PATH, propsSourceOf, REFERENCE_PATH, readSchema, referenceWithTables } from '../../build/schemaArtifacts.mjs';

describe('Schema: generated files', () => {
  const schema = readSchema();

  it('cdk/src/generated/props.ts is up to date (npm run schema:generate writes it)', () => {
    expect(readFileSync(PROPS_PATH, 'utf8')).toBe(propsSourceOf(schema));
  });

  it('notices a change of the schema in both generated files', () => {
    // Prepare
    const changed = structuredClone(schema) as { $defs: { Key: { properties: { Region: { description: string } } } } };
    changed.$defs.Key.properties.Region.description = 'Where the key lives (changed).';

    // Assess
    expect(propsSourceOf(changed)).not.toBe(readFileSync(PROPS_PATH, 'utf8'));
    const markdown = readFileSync(REFERENCE_PATH, 'utf8');
    expect(referenceWithTables(markdown, changed)).not.toBe(markdown);
    expect(referenceWithTables(markdown, changed)).toContain('| `Region` | `region` | Region name or `""` | `""` | Where the key lives (changed). |');
  });

  it("docs/reference.md's property tables are up to date (npm run schema:generate writes them)", () => {
    const markdown = readFileSync(REFERENCE_PATH, 'utf8');
    expect(markdown).toBe(referenceWithTables(markdown, schema));
  });
});
