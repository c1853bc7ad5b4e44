import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** The repository's root (tests/architecture/ is two levels below it). */
export const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..');

/** One TypeScript source file of the product, parsed. */
export interface SourceFile {
  /** Path from the repository root, e.g. `lib/reader/keyRead.ts`. */
  readonly path: string;
  readonly source: ts.SourceFile;
}

/** Every `.ts` file under the given folders of the repository, parsed (no type checking). */
export function productSources(folders: readonly string[] = ['lib', 'handler']): SourceFile[] {
  return folders
    .flatMap((folder) => tsFiles(join(ROOT, folder)))
    .map((file) => ({
      path: relative(ROOT, file),
      source: ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true),
    }));
}

function tsFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) return tsFiles(path);
      return entry.name.endsWith('.ts') ? [path] : [];
    })
    .sort();
}

/** The relative imports and re-exports of a file (type-only ones included), as repository paths. */
export function relativeImports(file: SourceFile): string[] {
  const targets: string[] = [];
  for (const statement of file.source.statements) {
    const specifier = (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier;
    if (specifier && ts.isStringLiteral(specifier) && specifier.text.startsWith('.')) {
      targets.push(relative(ROOT, resolve(ROOT, dirname(file.path), specifier.text)));
    }
  }
  return targets;
}

/** A function-like node with its name and its length in lines (first to last line, both counted). */
export interface FunctionLength {
  readonly path: string;
  readonly name: string;
  readonly lines: number;
}

/** The length of every function, method, arrow function and accessor of a file. */
export function functionLengths(file: SourceFile): FunctionLength[] {
  const found: FunctionLength[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = file.source.getLineAndCharacterOfPosition(node.getStart(file.source)).line;
      const end = file.source.getLineAndCharacterOfPosition(node.getEnd()).line;
      found.push({ path: file.path, name: functionName(node), lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(file.source);
  return found;
}

function functionName(node: ts.SignatureDeclaration): string {
  if (node.name && (ts.isIdentifier(node.name) || ts.isPrivateIdentifier(node.name))) return node.name.text;
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (parent && ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  return '(anonymous)';
}
