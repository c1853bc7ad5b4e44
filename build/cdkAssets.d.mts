/** Types of build/cdkAssets.mjs (the construct package's assets), for the TypeScript tests. */

/** cdk/asset/ of the repository. */
export declare const CDK_ASSET_DIR: string;

/** The settings of template.yaml's function that the construct reproduces (cdk/asset/function.json). */
export declare function functionSettingsOf(templateText: string): Record<string, unknown>;

/** Copies the bundle and writes function.json into `dir`; returns the paths written. */
export declare function writeCdkAssets(dir?: string): string[];
