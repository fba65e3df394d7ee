import { CacheBustError } from "../core/errors.js";
import type { ContentTransformer } from "../core/types.js";
import { jsTransformer, type JsTransformerOptions } from "./transformer.js";
import type { Edit } from "../css/edits.js";
import { importMapEdit, insertImportMap, moduleGraph, type UrlBuster } from "./importmap.js";

/** How a site's modules are busted: `true`/`"rewrite"` rewrites their imports, `"importmap"` gives pages an import map. */
export type JsOption = boolean | "rewrite" | "importmap";

/** What an integration (the Eleventy plugin, the CLI) turns on for its `js` option. */
export interface JsSupport {
  /** `"rewrite"`, `"importmap"`, or `undefined` when off. */
  way: "rewrite" | "importmap" | undefined;
  /** Transformers to add to the buster's. */
  transformers: ContentTransformer[];
  /** For `"importmap"`: the page with its import map. */
  pageHtml?: (html: string, buster: UrlBuster, pageUrl: string) => string;
  /** For `"importmap"`: the edit that gives a page its import map, if it needs one. */
  pageEdit?: (html: string, buster: UrlBuster, pageUrl: string) => Edit | undefined;
}

/**
 * Reads an integration's `js` option into what it turns on; `label` names the option in errors.
 *
 * @example
 * jsSupport("importmap", "cache-id/eleventy: option \"js\"").way // "importmap"
 */
export function jsSupport(option: unknown, label: string, options: JsTransformerOptions = {}): JsSupport {
  if (option === undefined || option === false) return { way: undefined, transformers: [] };
  if (option === true || option === "rewrite") return { way: "rewrite", transformers: [jsTransformer(options)] };
  if (option === "importmap") {
    const graph = moduleGraph({ test: options.test });
    return {
      way: "importmap",
      transformers: [graph.transformer],
      pageHtml: (html, buster, pageUrl) => insertImportMap(html, buster, graph, pageUrl),
      pageEdit: (html, buster, pageUrl) => importMapEdit(html, buster, graph, pageUrl),
    };
  }
  throw new CacheBustError(
    "BAD_ARGUMENT",
    `${label} must be true, false, "rewrite" or "importmap", got ${JSON.stringify(option)}`,
  );
}
