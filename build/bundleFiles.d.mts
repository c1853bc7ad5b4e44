/** Types of build/bundleFiles.mjs (the files of the built Lambda bundle), for the TypeScript tests and the bench. */

/** Every `.mjs` of the bundle, relative to `dir` (`index.mjs`, `chunks/…`), sorted. */
export declare function bundleFiles(dir: string, options?: { missingOk?: boolean }): string[];

/** The files `index.mjs` loads at start: itself and its static imports, transitively. */
export declare function startupFiles(dir: string): string[];

/** Bytes of `files` in `dir`. */
export declare function bytesOf(dir: string, files: string[]): number;
