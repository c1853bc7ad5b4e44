/** Types of build/stackset.mjs (the StackSets template generator), for the TypeScript tests. */
import type { Document, LineCounter } from 'yaml';

/** One entry of the `yaml` custom-tag schema for CloudFormation's short forms. */
export interface CloudFormationTag {
  tag: string;
  collection?: 'seq' | 'map';
  resolve: (value: unknown) => unknown;
}

/** `!Ref`, `!Sub`, `!GetAtt`, … on scalars, sequences and maps; nodes keep their tags. */
export declare const CLOUDFORMATION_TAGS: CloudFormationTag[];

/** A template the generator cannot convert; the message names the source file and line. */
export declare class StackSetError extends Error {}

/** Parses CloudFormation YAML keeping short-form tags; throws on syntax errors. */
export declare function parseCloudFormationDocument(text: string, lineCounter?: LineCounter): Document;

/** Template text → plain data in the JSON template shape (short forms → long forms). */
export declare function parseCloudFormation(text: string): Record<string, unknown>;

/** The transform-free StackSets template generated from a SAM template's text; `source` names it in errors. */
export declare function stackSetTemplateOf(samTemplate: string, source?: string): string;

/** Writes the StackSets template generated from `templatePath`; returns the path written. */
export declare function writeStackSetTemplate(outPath?: string, templatePath?: string): string;
