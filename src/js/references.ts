import { createRequire } from "node:module";
import type * as Lexer from "es-module-lexer/minimal";
import { lineLocator } from "../css/position.js";
import { JsSyntaxError } from "./syntax-error.js";
import { metaUrlArgument } from "./meta-url.js";

// Required when a module is first lexed, not imported: the Eleventy plugin and the CLI load this
// file whether or not `js` is on, and importing the lexer (its WebAssembly compiled as it loads)
// added about 8 ms to loading the plugin. Kept once loaded: a cached `require` costs ~0.4 µs, 2%
// of reading and hashing a small module.
const load = createRequire(import.meta.url);
let lexer: typeof Lexer | undefined;
const parse: typeof Lexer.parse = (source, name) =>
  (lexer ??= load("es-module-lexer/minimal") as typeof Lexer).parse(source, name);

/** A URL a module names, and where its text is. */
export interface JsReference {
  /** Offset of the first character inside the quotes. */
  start: number;
  /** Offset just after the last character inside the quotes. */
  end: number;
  /** The text between the quotes, as written. */
  raw: string;
  /** The URL the text means (escapes read). */
  url: string;
  /** The quote around it: `"`, `'` or a backtick. */
  quote: string;
  /** `import`/`export … from`, `import("…")`, or `new URL("…", import.meta.url)`. */
  kind: "static" | "dynamic" | "meta-url";
}

/**
 * Whether a module specifier names a file of the site: `/…`, `./…` or `../…`. Bare ones
 * (`"lit"`) go through the page's import map or a bundler, and `//host/…` is another site.
 */
export function isLocalSpecifier(specifier: string): boolean {
  if (specifier.startsWith("//")) return false;
  return specifier.startsWith("/") || specifier.startsWith("./") || specifier.startsWith("../");
}

/** The lexer's type of an `import.meta`. */
const IMPORT_META = 3;
/** A TypeScript `import type … from` (but not the default import named `type`, `import type from "…"`). */
const TYPE_ONLY = /import\s+type(?:\s*[{*]|\s+(?!from\b)[\w$])/y;

/**
 * Whether the import statement at `start` imports types only, which no browser loads. The lexer's
 * minimal build (a quarter faster on many small modules: it builds no export list) does not say: its text does.
 */
function typeOnly(source: string, start: number): boolean {
  TYPE_ONLY.lastIndex = start;
  return TYPE_ONLY.test(source);
}

/** The lexer's error, as a `JS_SYNTAX` error naming the place. */
function syntaxError(source: string, error: unknown, file: string | undefined): JsSyntaxError {
  const idx = typeof (error as { idx?: unknown })?.idx === "number" ? (error as { idx: number }).idx : 0;
  const { line, column } = lineLocator(source)(Math.min(Math.max(idx, 0), source.length));
  return new JsSyntaxError(file, line, column, error);
}

/** A string literal's reference; `undefined` when it is not one (a template with `${}`...). */
function literal(
  source: string,
  start: number,
  end: number,
  url: string,
  kind: JsReference["kind"],
): JsReference | undefined {
  const quote = source[start];
  if ((quote !== '"' && quote !== "'" && quote !== "`") || source[end - 1] !== quote || end - start < 2)
    return undefined;
  const raw = source.slice(start + 1, end - 1);
  // A specifier split over lines (a line continuation) is left alone: no rewrite may move a line break.
  if (/[\r\n\u2028\u2029]/.test(raw)) return undefined;
  return { start: start + 1, end: end - 1, raw, url, quote, kind };
}

/**
 * The URLs of a module that name files: static imports and re-exports, `import()` of a string
 * literal, and `new URL("…", import.meta.url)`; in source order. Bare and computed specifiers
 * are not listed, nor the URL a service worker is registered with. Throws a `JS_SYNTAX`
 * {@link JsSyntaxError} for a module the lexer cannot read.
 *
 * @example
 * findModuleReferences('import "./a.js"; import "lit"').map((r) => r.url) // ["./a.js"]
 */
export function findModuleReferences(source: string, file?: string): JsReference[] {
  let imports;
  try {
    [imports] = parse(source, file);
  } catch (error) {
    throw syntaxError(source, error, file);
  }
  const out: JsReference[] = [];
  for (const imp of imports) {
    if (imp.t === IMPORT_META) {
      const arg = metaUrlArgument(source, imp.s, imp.e);
      const ref = arg && literal(source, arg.start, arg.end, arg.value, "meta-url");
      if (ref) out.push(ref);
    } else if (imp.d >= 0) {
      // A template with `${}` in it has no specifier (the minimal build does not make globs).
      if (imp.n === undefined || !isLocalSpecifier(imp.n)) continue;
      const ref = literal(source, imp.s, imp.e, imp.n, "dynamic");
      if (ref) out.push(ref);
    } else if (imp.n !== undefined && isLocalSpecifier(imp.n) && !typeOnly(source, imp.ss)) {
      const ref = literal(source, imp.s - 1, imp.e + 1, imp.n, "static");
      if (ref) out.push(ref);
    }
  }
  return out;
}
