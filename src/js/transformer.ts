import { applyEdits } from "../css/edits.js";
import type { CacheBustError } from "../core/errors.js";
import { referenceBuster, type ReferenceFailure } from "../css/reference-buster.js";
import { type OnSourceMapWarning, rewriteSourceMap, sourceMapEdit, warnOnConsole } from "../sourcemap/index.js";
import type { ContentTransformer, TransformContext } from "../core/types.js";
import type { JsReference } from "./references.js";
import { moduleEdits } from "./rewrite.js";

/** A reference in a module that could not be busted, and where it is. */
export interface JsReferenceProblem {
  /** The specifier as the module reads it. */
  url: string;
  /** URL path of the module, e.g. `/js/app.js`. */
  module: string;
  /** Absolute path of the module. */
  file: string;
  /** 1-based line of the specifier. */
  line: number;
  /** 1-based column of the specifier. */
  column: number;
  /** Why: `MISSING_FILE`, `OUTSIDE_ROOT`, `NOT_A_FILE` or `BAD_URL` in `error.code`. */
  error: CacheBustError;
}

/** Options of {@link jsTransformer}. */
export interface JsTransformerOptions {
  /** Which files are modules (default: the URL path ends in `.js` or `.mjs`). */
  test?: (urlPath: string, file: string) => boolean;
  /**
   * Receives every reference that cannot be busted, which is then left as written. Without
   * it, the buster's `missing` policy applies and any other error is thrown, naming the
   * module, line and column.
   */
  onMissing?: (problem: JsReferenceProblem) => void;
  /** Rewrite `x.js.map` next to each rewritten module to match it (default `true`). */
  sourceMaps?: boolean;
  /** Receives each source-map problem (default: `console.warn` of its message). */
  onSourceMapWarning?: OnSourceMapWarning;
}

const IS_MODULE = /\.m?js$/i;
const IS_MODULE_MAP = /\.m?js\.map$/i;
/** Busts a module's references through `ctx`, reporting or explaining the ones that fail. */
function busterFor(source: string, ctx: TransformContext, onMissing: JsTransformerOptions["onMissing"]) {
  const report = onMissing && ((failure: ReferenceFailure) => onMissing({ ...failure, module: ctx.urlPath }));
  const bust = referenceBuster(source, ctx, "imported from", report);
  return (ref: JsReference): string | undefined => bust(ref.url, ref.start);
}

/**
 * The JavaScript hook for `createCacheBuster({ transformers })`: in every module it busts, the
 * local URLs of static imports and re-exports, `import("…")` and `new URL("…",
 * import.meta.url)` are busted too (relative to the module), so a module's hash covers the
 * modules it imports, and a change in a leaf renames every importer up to the page. Bare
 * (`"lit"`), remote and computed specifiers are left alone, every other byte is kept, and the
 * module's `x.js.map` is rewritten to match. A module the lexer cannot read is `JS_SYNTAX`.
 *
 * @example
 * const buster = createCacheBuster({ root: "public", transformers: [jsTransformer()] });
 * buster.url("/js/app.js"); // "/js/app.js?v=<hash of the rewritten text>"
 */
export function jsTransformer(options: JsTransformerOptions = {}): ContentTransformer {
  const isModule = options.test ?? ((urlPath: string) => IS_MODULE.test(urlPath));
  const maps = options.sourceMaps !== false;
  const warn = options.onSourceMapWarning ?? warnOnConsole;
  const { onMissing } = options;
  return {
    name: "js",
    test: (urlPath, file) => isModule(urlPath, file) || (maps && IS_MODULE_MAP.test(urlPath)),
    transform(source, ctx) {
      if (maps && IS_MODULE_MAP.test(ctx.urlPath) && !isModule(ctx.urlPath, ctx.file)) {
        return rewriteSourceMap(
          source,
          ctx,
          (code, bust, file) => moduleEdits(code, (ref) => bust(ref.url), file),
          warn,
        );
      }
      const edits = moduleEdits(source, busterFor(source, ctx, onMissing), ctx.file);
      const mapEdit = maps ? sourceMapEdit(source, edits, ctx, "js", warn) : undefined;
      if (mapEdit) edits.push(mapEdit);
      return edits.length === 0 ? undefined : applyEdits(source, edits);
    },
  };
}
