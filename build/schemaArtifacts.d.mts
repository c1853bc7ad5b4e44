/** Types of build/schemaArtifacts.mjs (files generated from schema/properties.schema.json), for the TypeScript tests. */

export declare const SCHEMA_PATH: string;
export declare const PROPS_PATH: string;
export declare const REFERENCE_PATH: string;

/** The schema, parsed. */
export declare function readSchema(path?: string): Record<string, unknown>;
/** `CmkUserIamArns` → `cmkUserIamArns`. */
export declare function camelCaseOf(pascal: string): string;
/** The text of cdk/src/generated/props.ts. */
export declare function propsSourceOf(schema: Record<string, unknown>): string;
/** docs/reference.md with each generated table replaced by what the schema says. */
export declare function referenceWithTables(markdown: string, schema: Record<string, unknown>): string;
/** Writes the generated files; returns their paths. */
export declare function writeSchemaArtifacts(): string[];
