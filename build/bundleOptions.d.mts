import type { BuildOptions } from 'esbuild';
export declare const BUNDLE_OPTIONS: BuildOptions;
export declare const HANDLER_DIR: string;
export declare const SPLIT_OPTIONS: BuildOptions;
