import { CacheBustError } from "../core/errors.js";
import type { ContentTransformer } from "../core/types.js";
import { jsTransformer, type JsTransformerOptions } from "./transformer.js";
import type { Edit } from "../css/edits.js";
import { moduleGraph, type UrlBuster } from "./importmap.js";

/** How a site's modules are busted: `true`/`"rewrite"` rewrites their imports, `"importmap"` gives pages an import map. */
export type JsOption = boolean | "rewrite" | "importmap";

/** What an integration (the Eleventy plugin, the CLI) turns on for its `js` option. */
export interface JsSupport {
  /** `"rewrite"`, `"importmap"`, or `undefined` when off. */
  way: "rewrite" | "importmap" | undefined;
  /** Transformers to add to the buster's. */
  transformers: ContentTransformer[];
  /**
   * For `"importmap"`: what gives pages their import map, loaded on first call, so that a
   * build whose pages need none never loads the HTML parser.
   */
  pages?: () => Promise<ImportMapPages>;
}

/** How pages get their import map (see {@link JsSupport.pages}). */
export interface ImportMapPages {
  /** The page with its import map. */
  pageHtml: (html: string, buster: UrlBuster, pageUrl: string) => string;
  /** The edit that gives a page its import map, if it needs one. */
  pageEdit: (html: string, buster: UrlBuster, pageUrl: string) => Edit | undefined;
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
    let pages: Promise<ImportMapPages> | undefined;
    const load = async (): Promise<ImportMapPages> => {
      const { importMapEdit, insertImportMap } = await import("./importmap-page.js");
      return {
        pageHtml: (html, buster, pageUrl) => insertImportMap(html, buster, graph, pageUrl),
        pageEdit: (html, buster, pageUrl) => importMapEdit(html, buster, graph, pageUrl),
      };
    };
    return { way: "importmap", transformers: [graph.transformer], pages: () => (pages ??= load()) };
  }
  throw new CacheBustError(
    "BAD_ARGUMENT",
    `${label} must be true, false, "rewrite" or "importmap", got ${JSON.stringify(option)}`,
  );
}
