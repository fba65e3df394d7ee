// The TypeScript sources of the package as the meta checks see them: each file's imports
// (static, dynamic, re-exports, require) and its functions, read with the TypeScript compiler.
import * as fs from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

/** The repository's root. */
export const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** One import of a file: the specifier as written and the line it is on. */
export interface Import {
  specifier: string;
  line: number;
}

/** Every `.ts` file under the given folders (relative to the repository), sorted. */
export function sourceFiles(...folders: string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(join(repo, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) files.push(path);
    }
  };
  for (const folder of folders) if (fs.existsSync(join(repo, folder))) walk(folder);
  return files.sort();
}

const parsed = new Map<string, ts.SourceFile>();

/** The file (relative to the repository) parsed by the TypeScript compiler, once per run. */
export function parse(file: string): ts.SourceFile {
  let source = parsed.get(file);
  if (!source) {
    source = ts.createSourceFile(file, fs.readFileSync(join(repo, file), "utf8"), ts.ScriptTarget.Latest, true);
    parsed.set(file, source);
  }
  return source;
}

/** Every module a file names: imports, `export … from`, `import()`, `require()`, `import x = require()`. */
export function importsOf(file: string): Import[] {
  const source = parse(file);
  const found: Import[] = [];
  const add = (node: ts.Node | undefined): void => {
    if (node && ts.isStringLiteralLike(node)) {
      found.push({ specifier: node.text, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression);
    } else if (ts.isCallExpression(node) && isImportOrRequire(node.expression)) add(node.arguments[0]);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function isImportOrRequire(callee: ts.Expression): boolean {
  return callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === "require");
}

/** The repository file a relative specifier of `from` names (`./url.js` -> `src/url.ts`), if any. */
export function resolveRelative(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const base = join(dirname(from), specifier);
  const candidates = [base.replace(/\.(m|c)?js$/, ".$1ts"), base, `${base}.ts`, join(base, "index.ts")];
  const hit = candidates.find((c) => fs.existsSync(join(repo, c)) && fs.statSync(join(repo, c)).isFile());
  return hit && relative(repo, join(repo, hit));
}

/** The relative-import graph of the given files: file -> the files it imports. */
export function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = importsOf(file)
      .map((i) => resolveRelative(file, i.specifier))
      .filter((t): t is string => t !== undefined);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** One function of a file: a readable name, where it starts, and its length in lines of code. */
export interface FunctionInfo {
  file: string;
  name: string;
  line: number;
  lines: number;
}

/** Every function, method, arrow function and accessor of a file, nested ones included. */
export function functionsOf(file: string): FunctionInfo[] {
  const source = parse(file);
  const found: FunctionInfo[] = [];
  const visit = (node: ts.Node, enclosing: string): void => {
    let inner = enclosing;
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      inner = functionName(node, enclosing);
      const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      found.push({ file, name: inner, line, lines: codeLines(node.getText(source)) });
    }
    ts.forEachChild(node, (child) => visit(child, inner));
  };
  visit(source, "");
  return found;
}

/** What a reader would call a function: its own name, the name it is assigned to, or where it is. */
function functionName(node: ts.SignatureDeclaration, enclosing: string): string {
  const own = node.name && ts.isIdentifier(node.name) ? node.name.text : undefined;
  const parent = node.parent;
  const assigned =
    (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) &&
    ts.isIdentifier(parent.name)
      ? parent.name.text
      : undefined;
  if (ts.isConstructorDeclaration(node)) return `${enclosing || "class"}.constructor`;
  return own ?? assigned ?? `<anonymous in ${enclosing || "module"}>`;
}

/** Lines that hold code: blank lines and lines holding only a comment do not count. */
export function codeLines(text: string): number {
  let count = 0;
  let inBlockComment = false;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (inBlockComment) {
      if (line.includes("*/")) inBlockComment = false;
      continue;
    }
    if (line === "" || line.startsWith("//")) continue;
    if (line.startsWith("/*")) {
      inBlockComment = !line.includes("*/");
      continue;
    }
    count++;
  }
  return count;
}
