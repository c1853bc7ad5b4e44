/** Types of build/iamDoc.mjs (docs/iam.md's actions column, generated from template.yaml), for the TypeScript tests. */

export declare const TEMPLATE_PATH: string;
export declare const IAM_DOC_PATH: string;

/** Sid → actions (in the template's order) of every statement of `FunctionRole`, both branches of an `Fn::If`. */
export declare function statementActionsOf(templateText: string): Map<string, string[]>;
/** docs/iam.md with the actions cell of each statement's row replaced by what template.yaml grants. */
export declare function iamDocWithActions(markdown: string, templateText: string): string;
/** Writes docs/iam.md with its generated column; returns the path. */
export declare function writeIamDoc(): string;
