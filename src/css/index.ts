import type { CacheBustError } from "../core/errors.js";
import type { ContentTransformer, TransformContext } from "../core/types.js";
import { referenceBuster, type ReferenceFailure } from "./reference-buster.js";
import { type OnSourceMapWarning, rewriteSourceMap, sourceMapEdit, warnOnConsole } from "../sourcemap/index.js";
import { applyEdits } from "./edits.js";
import { type LocatedReference, cssEdits } from "./rewrite.js";

export { cssEdits, rewriteCss } from "./rewrite.js";
export { CssSyntaxError } from "./syntax-error.js";
export type { BustReference, LocatedReference } from "./rewrite.js";
export type { CssReference } from "./references.js";

/** A reference in a stylesheet that could not be busted, and where it is. */
export interface CssReferenceProblem {
  /** The URL as the browser reads it from the stylesheet. */
  url: string;
  /** URL path of the stylesheet, e.g. `/css/site.css`. */
  stylesheet: string;
  /** Absolute path of the stylesheet. */
  file: string;
  /** 1-based line of the URL in the stylesheet. */
  line: number;
  /** 1-based column of the URL in the stylesheet. */
  column: number;
  /** Why: `MISSING_FILE`, `OUTSIDE_ROOT`, `NOT_A_FILE` or `BAD_URL` in `error.code`. */
  error: CacheBustError;
}

/** Options of {@link cssTransformer}. */
export interface CssTransformerOptions {
  /** Which files are stylesheets (default: the URL path ends in `.css`). */
  test?: (urlPath: string, file: string) => boolean;
  /**
   * Receives every reference that cannot be busted (missing file, outside the root...), which
   * is then left as written. Without it, the buster's `missing` policy applies and any other
   * error is thrown, its message naming the stylesheet, line and column.
   */
  onMissing?: (problem: CssReferenceProblem) => void;
  /** Rewrite `x.css.map` next to each rewritten stylesheet to match it (default `true`). */
  sourceMaps?: boolean;
  /** Receives each source-map problem (default: `console.warn` of its message). */
  onSourceMapWarning?: OnSourceMapWarning;
}

const IS_CSS = /\.css$/i;
const IS_CSS_MAP = /\.css\.map$/i;
const CHARSET = /^@charset "([^"]*)";/;

/**
 * Whether the text is what the file holds: a stylesheet that declares another encoding with
 * `@charset` would have its other bytes changed by a rewrite, so it is left as it is. Bytes
 * that are not UTF-8 are the core's to see (it checks the bytes, and never hands such a file
 * to a transformer); a U+FFFD in the text is a character like any other.
 */
function safeToRewrite(source: string): boolean {
  const charset = CHARSET.exec(source.replace(/^\uFEFF/, ""))?.[1]?.toLowerCase();
  return charset === undefined || charset === "utf-8" || charset === "utf8";
}

/** Busts a stylesheet's references through `ctx`, reporting or explaining the ones that fail. */
function busterFor(source: string, ctx: TransformContext, onMissing: CssTransformerOptions["onMissing"]) {
  const report = onMissing && ((failure: ReferenceFailure) => onMissing({ ...failure, stylesheet: ctx.urlPath }));
  const bust = referenceBuster(source, ctx, "referenced from", report);
  return (ref: LocatedReference): string | undefined => bust(ref.url, ref.offset);
}

/**
 * The CSS hook for `createCacheBuster({ transformers })`: in every stylesheet it busts, the
 * local URLs of `url()`, `@import` and `image-set()` are busted too (relative to the
 * stylesheet), so the stylesheet's hash changes when a font or image it uses changes. Queries
 * and fragments are kept, `data:` and external URLs left alone, every other byte kept.
 *
 * @example
 * const buster = createCacheBuster({ root: "public", transformers: [cssTransformer()] });
 * buster.url("/css/site.css"); // "/css/site.css?v=<hash of the rewritten text>"
 */
export function cssTransformer(options: CssTransformerOptions = {}): ContentTransformer {
  const test = options.test ?? ((urlPath: string) => IS_CSS.test(urlPath));
  const { onMissing } = options;
  const maps = options.sourceMaps !== false;
  const warn = options.onSourceMapWarning ?? warnOnConsole;
  const editsOf = (source: string, bust: (url: string) => string | undefined, file?: string) =>
    safeToRewrite(source) ? cssEdits(source, (ref) => bust(ref.url), file) : [];
  return {
    name: "css",
    test: (urlPath, file) => test(urlPath, file) || (maps && IS_CSS_MAP.test(urlPath)),
    transform(source, ctx) {
      if (maps && IS_CSS_MAP.test(ctx.urlPath) && !test(ctx.urlPath, ctx.file))
        return rewriteSourceMap(source, ctx, editsOf, warn);
      if (!safeToRewrite(source)) return undefined;
      const edits = cssEdits(source, busterFor(source, ctx, onMissing), ctx.file);
      const mapEdit = maps ? sourceMapEdit(source, edits, ctx, "css", warn) : undefined;
      if (mapEdit) edits.push(mapEdit);
      return edits.length === 0 ? undefined : applyEdits(source, edits);
    },
  };
}
